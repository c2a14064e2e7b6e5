"""A JWKS holding an RSA and an EC key: a token whose `alg` does not fit its key is a clean
UNAUTHENTICATED answer over HTTP (never a 500), and nothing is appended."""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from service.services import build_services, close_services
from service.settings import Settings
from tests.oidc import IdentityProvider

QUERY = '{ employee(nip: "198503152010011002") { nip } }'
IDP = IdentityProvider()


@pytest.fixture
async def oidc_client(tmp_path: Path, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The real app trusting only the provider's JWKS (no HS256 secret)."""
    from service.app import create_app

    settings = Settings.from_env(IDP.settings_env(tmp_path, KINERJA_DEFAULT_RULE_SETS="0"))
    services = await build_services(settings, database_url, run_projector=False)
    transport = httpx.ASGITransport(app=create_app(settings, services))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
            yield http
        assert await services.store.head() == 0
    finally:
        await close_services(services)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _rsa_signed_as(alg: str, kid: str) -> str:
    """A token whose header claims `alg` and `kid` but whose signature is RSA's."""
    header = _b64(json.dumps({"alg": alg, "kid": kid, "typ": "JWT"}).encode())
    claims = json.loads(
        base64.urlsafe_b64decode(IDP.token({"sub": "x", "roles": ["HR"]}).split(".")[1] + "==")
    )
    body = _b64(json.dumps(claims).encode())
    signature = IDP.rsa.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{body}.{_b64(signature)}"


def _key_confusion() -> str:
    """HS256 keyed with the RSA public key's PEM: the classic algorithm-confusion forgery."""
    pem = IDP.rsa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64(json.dumps({"alg": "HS256", "kid": "rsa-1", "typ": "JWT"}).encode())
    body = _b64(json.dumps({"sub": "x", "roles": ["ADMIN"]}).encode())
    mac = hmac.new(pem, f"{header}.{body}".encode(), "sha256").digest()
    return f"{header}.{body}.{_b64(mac)}"


MISMATCHED = {
    "ES256 header on the RSA key": lambda: IDP.token({"sub": "x", "roles": ["HR"]}, alg="ES256"),
    "RS256 header on the EC key": lambda: _rsa_signed_as("RS256", "ec-1"),
    "ES256 header, RSA signature": lambda: _rsa_signed_as("ES256", "rsa-1"),
    "HS256 keyed with the RSA public key": _key_confusion,
}


@pytest.mark.parametrize("case", sorted(MISMATCHED))
async def test_a_token_whose_alg_does_not_fit_its_key_is_unauthenticated(
    oidc_client: httpx.AsyncClient, case: str
) -> None:
    token = MISMATCHED[case]()
    response = await oidc_client.post(
        "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code < 500, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "token" in error["message"]


async def test_each_key_of_the_mixed_jwks_still_verifies_its_own_tokens(
    oidc_client: httpx.AsyncClient,
) -> None:
    claims = {"sub": "198503152010011002", "roles": ["HR"]}
    for token in (
        IDP.token(claims),
        IDP.token(claims, alg="ES256", kid="ec-1"),
        IDP.token(claims, alg="ES256", kid=None),  # no kid: the key of the token's type
    ):
        response = await oidc_client.post(
            "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
        assert response.json() == {"data": {"employee": None}}
