"""OIDC claim mapping: Keycloak- and Azure AD-shaped tokens, signed by keys from a JWKS file,
give the right roles, scopes and unit; the defaults keep the service's own claims working."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.auth.tokens import AuthError, Role, TokenVerifier, mint_token
from service.settings import Settings
from tests.oidc import AZURE_CLAIMS, KEYCLOAK_CLAIMS, IdentityProvider


@pytest.fixture(scope="module")
def idp() -> IdentityProvider:
    return IdentityProvider()


def _verifier(idp: IdentityProvider, folder: Path, **env: str) -> TokenVerifier:
    return TokenVerifier(Settings.from_env(idp.settings_env(folder, **env)))


@pytest.mark.parametrize(
    ("roles_claim", "expected"),
    [("realm_access.roles", {Role.HR}), ("resource_access.kinerja.roles", {Role.AUDITOR})],
)
def test_a_keycloak_token_maps_realm_or_client_roles(
    idp: IdentityProvider, tmp_path: Path, roles_claim: str, expected: set[Role]
) -> None:
    verifier = _verifier(
        idp,
        tmp_path,
        KINERJA_ROLES_CLAIM=roles_claim,
        KINERJA_SCOPES_CLAIM="scope",
        KINERJA_ROLE_MAP="kinerja-hr=HR,kinerja-auditor=AUDITOR",
    )
    principal = verifier.verify(idp.token(KEYCLOAK_CLAIMS))
    # The provider's own roles (offline_access, uma_authorization) are ignored, not refused.
    assert principal.roles == expected
    assert principal.scopes == {"openid", "profile", "pii", "events"}
    assert principal.unit == "DINKES"
    assert principal.sub == "196001011990011001"
    assert principal.client_id == "kinerja"


def test_an_azure_ad_token_maps_app_roles_scp_and_an_extension_unit(
    idp: IdentityProvider, tmp_path: Path
) -> None:
    verifier = _verifier(
        idp,
        tmp_path,
        KINERJA_SCOPES_CLAIM="scp",
        KINERJA_UNIT_CLAIM="extension_kinerjaUnit",
        KINERJA_ROLE_MAP="Kinerja.Inspector=INSPECTOR,Kinerja.Partner=PARTNER",
    )
    # Azure AD signs with RSA; the same JWKS also holds an EC key, tried here as well.
    for token in (idp.token(AZURE_CLAIMS), idp.token(AZURE_CLAIMS, alg="ES256", kid="ec-1")):
        principal = verifier.verify(token)
        assert principal.roles == {Role.INSPECTOR, Role.PARTNER}
        assert principal.scopes == {"pii", "events"}
        assert principal.unit == "BKPSDM"


def test_the_default_claims_still_read_roles_scopes_and_unit(
    idp: IdentityProvider, tmp_path: Path
) -> None:
    verifier = _verifier(idp, tmp_path)
    claims = {"sub": "partner-app", "roles": ["PARTNER"], "scopes": ["pii"], "unit": "DINKES"}
    principal = verifier.verify(idp.token(claims))
    assert principal.roles == {Role.PARTNER}
    assert principal.scopes == {"pii"}
    assert principal.unit == "DINKES"
    # Without a role map an unknown role still refuses the token, as before.
    with pytest.raises(AuthError, match="unknown role"):
        verifier.verify(idp.token({"sub": "x", "roles": ["KING"]}))


def test_a_malformed_unit_claim_never_lifts_the_unit_limit(
    idp: IdentityProvider, tmp_path: Path
) -> None:
    verifier = _verifier(idp, tmp_path)
    token = idp.token({"sub": "hr", "roles": ["HR"], "unit": ["DINKES", "BKPSDM"]})
    with pytest.raises(AuthError, match="unit"):
        verifier.verify(token)


def test_development_tokens_follow_the_configured_claim_paths(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "KINERJA_DATA_DIR": str(tmp_path),
            "KINERJA_JWT_SECRET": "k" * 40,
            "KINERJA_ROLES_CLAIM": "realm_access.roles",
            "KINERJA_SCOPES_CLAIM": "scope",
            "KINERJA_ROLE_MAP": "kinerja-hr=HR",
        }
    )
    token = mint_token(settings, "196001011990011001", ["HR"], scopes=["pii"], unit="DINKES")
    principal = TokenVerifier(settings).verify(token)
    assert (principal.roles, principal.scopes, principal.unit) == (
        frozenset({Role.HR}),
        frozenset({"pii"}),
        "DINKES",
    )
