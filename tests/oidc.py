"""An identity provider in miniature: RSA and EC signing keys, their JWKS file, signed tokens."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ISSUER = "https://id.salatiga.go.id/realms/asn"
AUDIENCE = "kinerja"


class IdentityProvider:
    """Signs tokens with an RSA key (`rsa-1`) and an EC P-256 key (`ec-1`) of one JWKS."""

    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())

    def jwks(self) -> dict[str, Any]:
        rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.rsa.public_key()))
        ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec.public_key()))
        return {
            "keys": [
                {**rsa_jwk, "kid": "rsa-1", "use": "sig"},
                {**ec_jwk, "kid": "ec-1", "use": "sig"},
            ]
        }

    def write_jwks(self, folder: Path) -> Path:
        path = folder / "jwks.json"
        path.write_text(json.dumps(self.jwks()), encoding="utf-8")
        return path

    def settings_env(self, folder: Path, **extra: str) -> dict[str, str]:
        """The environment of a service that trusts this provider."""
        return {
            "KINERJA_DATA_DIR": str(folder),
            "KINERJA_ID_SECRET": "test-id-secret-" + "i" * 32,
            "KINERJA_JWKS_FILE": str(self.write_jwks(folder)),
            "KINERJA_JWT_ISSUER": ISSUER,
            "KINERJA_JWT_AUDIENCE": AUDIENCE,
            "KINERJA_ENV": "test",
            **extra,
        }

    def token(
        self, claims: dict[str, Any], *, alg: str = "RS256", kid: str | None = "rsa-1"
    ) -> str:
        """A token valid for a minute, signed by the key of `alg` (RS256: RSA, ES256: EC)."""
        now = int(time.time())
        full = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 60, **claims}
        key = self.rsa if alg.startswith("RS") else self.ec
        headers = {"kid": kid} if kid else None
        return jwt.encode(full, key, algorithm=alg, headers=headers)


# What the two providers the README documents put in their tokens.
KEYCLOAK_CLAIMS: dict[str, Any] = {
    "sub": "196001011990011001",
    "azp": "kinerja",
    "scope": "openid profile pii events",
    "realm_access": {"roles": ["offline_access", "uma_authorization", "kinerja-hr"]},
    "resource_access": {
        "kinerja": {"roles": ["kinerja-auditor"]},
        "account": {"roles": ["manage-account"]},
    },
    "unit": "DINKES",
}
AZURE_CLAIMS: dict[str, Any] = {
    "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
    "oid": "00000000-0000-0000-66f3-3332eca7ea81",
    "azp": "6e74172b-be56-4843-9ff4-e66a39bb12e3",
    "scp": "pii events",
    "roles": ["Kinerja.Inspector", "Kinerja.Partner"],
    "extension_kinerjaUnit": "BKPSDM",
}
