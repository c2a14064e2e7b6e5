"""Token verification: HS256 for development, RS256/ES256 from a JWKS, and every refusal."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from typer.testing import CliRunner

from service.auth.tokens import AuthError, Role, TokenVerifier, mint_token
from service.cli.main import app
from service.settings import Settings

CLAIMS = {"sub": "196001011990011001", "roles": ["HR"], "iss": "kinerja", "aud": "kinerja"}


def _settings(tmp_path: Path, **extra: str) -> Settings:
    env = {"KINERJA_DATA_DIR": str(tmp_path), "KINERJA_ID_SECRET": "s", **extra}
    return Settings.from_env(env)


def _jwks_file(tmp_path: Path, public: rsa.RSAPublicKey | ec.EllipticCurvePublicKey) -> Path:
    if isinstance(public, rsa.RSAPublicKey):
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
    else:
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(public))
    jwk["kid"] = "city-1"
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk]}))
    return path


def test_rs256_and_es256_tokens_verify_against_the_jwks_file(tmp_path: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings = _settings(
        tmp_path, KINERJA_JWKS_FILE=str(_jwks_file(tmp_path, rsa_key.public_key()))
    )
    now = int(time.time())
    token = jwt.encode(
        {**CLAIMS, "iat": now, "exp": now + 60, "scopes": ["pii"], "unit": "DINKES"},
        rsa_key,
        "RS256",
        headers={"kid": "city-1"},
    )
    principal = TokenVerifier(settings).verify(token)
    assert principal.roles == {Role.HR}
    assert principal.scopes == {"pii"}
    assert principal.unit == "DINKES"
    ec_key = ec.generate_private_key(ec.SECP256R1())
    settings = _settings(tmp_path, KINERJA_JWKS_FILE=str(_jwks_file(tmp_path, ec_key.public_key())))
    token = jwt.encode({**CLAIMS, "iat": now, "exp": now + 60}, ec_key, "ES256")
    assert TokenVerifier(settings).verify(token).sub == CLAIMS["sub"]


def test_a_token_signed_by_another_key_is_refused(tmp_path: Path) -> None:
    ours = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    theirs = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings = _settings(tmp_path, KINERJA_JWKS_FILE=str(_jwks_file(tmp_path, ours.public_key())))
    now = int(time.time())
    token = jwt.encode({**CLAIMS, "iat": now, "exp": now + 60}, theirs, "RS256")
    with pytest.raises(AuthError):
        TokenVerifier(settings).verify(token)


def test_hs256_is_refused_when_only_a_jwks_is_configured(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings = _settings(tmp_path, KINERJA_JWKS_FILE=str(_jwks_file(tmp_path, key.public_key())))
    now = int(time.time())
    token = jwt.encode({**CLAIMS, "iat": now, "exp": now + 60}, "guessable-secret" * 3, "HS256")
    with pytest.raises(AuthError, match="not accepted"):
        TokenVerifier(settings).verify(token)


def test_unknown_roles_and_missing_claims_are_refused(tmp_path: Path) -> None:
    settings = _settings(tmp_path, KINERJA_JWT_SECRET="k" * 40)
    verifier = TokenVerifier(settings)
    with pytest.raises(AuthError, match="unknown role"):
        verifier.verify(mint_token(settings, "x", ["KING"]))
    now = int(time.time())
    no_exp = jwt.encode({**CLAIMS, "iat": now}, "k" * 40, "HS256")
    with pytest.raises(AuthError):
        verifier.verify(no_exp)


def test_the_cli_mints_a_token_the_service_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KINERJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KINERJA_JWT_SECRET", "cli-secret-" + "y" * 30)
    monkeypatch.setenv("KINERJA_ID_SECRET", "s")
    result = CliRunner().invoke(
        app, ["token", "--sub", "partner-app", "--role", "PARTNER", "--scope", "pii"]
    )
    assert result.exit_code == 0, result.output
    principal = TokenVerifier(Settings.from_env()).verify(result.output.strip())
    assert principal.sub == "partner-app"
    assert principal.roles == {Role.PARTNER}
    assert principal.scopes == {"pii"}
