"""Who is calling: bearer JWTs verified with HS256 (development) or RS256/ES256 keys (OIDC)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from enum import StrEnum

import jwt

from service.settings import Settings


class Role(StrEnum):
    """The roles of API.md."""

    HR = "HR"
    EVALUATOR = "EVALUATOR"
    EMPLOYEE = "EMPLOYEE"
    PARTNER = "PARTNER"
    AUDITOR = "AUDITOR"
    INSPECTOR = "INSPECTOR"
    ADMIN = "ADMIN"


class AuthError(Exception):
    """The token was refused; the message says why without echoing it."""


@dataclass(frozen=True)
class Principal:
    """The verified caller: subject, roles, partner scopes and an optional unit limit."""

    sub: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    unit: str | None = None
    client_id: str | None = None

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def primary_role(self) -> str:
        order = list(Role)
        return min(self.roles, key=order.index).value if self.roles else ""


ANONYMOUS = Principal(sub="")
_ASYMMETRIC = ["RS256", "ES256"]
_MAX_CLOCK_SKEW = 60


class TokenVerifier:
    """Verifies bearer tokens against the configured keys; refuses `alg: none` always."""

    def __init__(self, settings: Settings) -> None:
        self._secret = settings.jwt_secret
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._jwks: jwt.PyJWKSet | None = None
        self._jwks_client: jwt.PyJWKClient | None = None
        if settings.jwks_file is not None:
            self._jwks = jwt.PyJWKSet.from_dict(json.loads(settings.jwks_file.read_text()))
        elif settings.jwks_url:
            self._jwks_client = jwt.PyJWKClient(settings.jwks_url, cache_keys=True)

    def _key_for(self, token: str, alg: str) -> tuple[object, list[str]]:
        if alg == "HS256" and self._secret is not None:
            return self._secret, ["HS256"]
        if alg in _ASYMMETRIC and self._jwks is not None:
            kid = jwt.get_unverified_header(token).get("kid")
            for key in self._jwks.keys:
                if kid is None or key.key_id == kid:
                    return key.key, _ASYMMETRIC
            raise AuthError("token signed with an unknown key")
        if alg in _ASYMMETRIC and self._jwks_client is not None:
            return self._jwks_client.get_signing_key_from_jwt(token).key, _ASYMMETRIC
        raise AuthError(f"token algorithm {alg!r} is not accepted")

    def verify(self, token: str) -> Principal:
        """The principal of a valid token, or AuthError."""
        try:
            alg = str(jwt.get_unverified_header(token).get("alg", ""))
            key, algorithms = self._key_for(token, alg)
            claims = jwt.decode(
                token,
                key,  # type: ignore[arg-type]
                algorithms=algorithms,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
                leeway=_MAX_CLOCK_SKEW,
            )
        except jwt.PyJWTError as error:
            raise AuthError(f"invalid token: {error}") from None
        if int(claims["iat"]) > time.time() + _MAX_CLOCK_SKEW:
            raise AuthError("invalid token: issued in the future")
        return _principal(claims)


def _principal(claims: dict[str, object]) -> Principal:
    raw_roles = claims.get("roles", [])
    if not isinstance(raw_roles, list):
        raise AuthError("invalid token: roles must be a list")
    try:
        roles = frozenset(Role(str(r)) for r in raw_roles)
    except ValueError:
        raise AuthError("invalid token: unknown role") from None
    scopes = claims.get("scopes", [])
    if isinstance(scopes, str):
        scopes = scopes.split()
    unit = claims.get("unit")
    client = claims.get("azp") or claims.get("client_id")
    return Principal(
        sub=str(claims["sub"]),
        roles=roles,
        scopes=frozenset(str(s) for s in scopes) if isinstance(scopes, list) else frozenset(),
        unit=str(unit) if unit else None,
        client_id=str(client) if client else None,
    )


def mint_token(
    settings: Settings,
    sub: str,
    roles: list[str],
    *,
    scopes: list[str] | None = None,
    unit: str | None = None,
    ttl_seconds: int = 3600,
    now: float | None = None,
) -> str:
    """An HS256 development token signed with `KINERJA_JWT_SECRET`."""
    if settings.jwt_secret is None:
        raise AuthError("KINERJA_JWT_SECRET is not set: cannot mint development tokens")
    issued = int(now if now is not None else time.time())
    claims: dict[str, object] = {
        "sub": sub,
        "roles": roles,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": issued,
        "exp": issued + ttl_seconds,
    }
    if scopes:
        claims["scopes"] = scopes
    if unit:
        claims["unit"] = unit
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
