"""Who is calling: bearer JWTs verified with HS256 (development) or RS256/ES256 keys (OIDC)."""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import jwt

from service.roles import Role as Role
from service.settings import Settings


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
    # The token's `exp` (None for principals no token made); not part of who the caller is.
    expires_at: float | None = field(default=None, compare=False)

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def primary_role(self) -> str:
        order = list(Role)
        return min(self.roles, key=order.index).value if self.roles else ""


ANONYMOUS = Principal(sub="")
# Each accepted asymmetric algorithm and the JWK key type (`kty`) that can verify it.
_KEY_TYPES = {"RS256": "RSA", "ES256": "EC"}
_MAX_CLOCK_SKEW = 60
# Verified tokens kept (by their SHA-256), and how long one holds before it is verified again.
VERIFIED_ENTRIES = 4096
REVERIFY_SECONDS = 300.0


def claim_at(claims: Mapping[str, object], path: str) -> object:
    """The claim at a dotted path (`realm_access.roles`), or None when any step is missing."""
    value: object = claims
    for step in path.split("."):
        if not isinstance(value, Mapping) or step not in value:
            return None
        value = value[step]
    return value


@dataclass(frozen=True)
class ClaimMapping:
    """Where the identity provider puts roles, scopes and the unit, and its role names.

    Without a role map a role name that is not a kinerja role refuses the token (the service's
    own tokens); with one, the provider's other roles (`offline_access`...) are ignored.
    """

    roles: str = "roles"
    scopes: str = "scopes"
    unit: str = "unit"
    role_names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: Settings) -> ClaimMapping:
        return cls(
            settings.roles_claim, settings.scopes_claim, settings.unit_claim, settings.role_map
        )

    def _roles(self, claims: Mapping[str, object]) -> frozenset[Role]:
        raw = claim_at(claims, self.roles)
        if raw is None:
            return frozenset()
        if not isinstance(raw, list):
            raise AuthError(f"invalid token: the {self.roles} claim must be a list")
        known = {role.value for role in Role}
        names = [self.role_names.get(str(name), str(name)) for name in raw]
        if not self.role_names and any(name not in known for name in names):
            raise AuthError("invalid token: unknown role")
        return frozenset(Role(name) for name in names if name in known)

    def _scopes(self, claims: Mapping[str, object]) -> frozenset[str]:
        raw = claim_at(claims, self.scopes)
        if isinstance(raw, str):
            raw = raw.split()
        return frozenset(str(s) for s in raw) if isinstance(raw, list) else frozenset()

    def _unit(self, claims: Mapping[str, object]) -> str | None:
        raw = claim_at(claims, self.unit)
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            # Never read a malformed limit as "no limit": that would widen the caller's rights.
            raise AuthError(f"invalid token: the {self.unit} claim must be a unit code")
        return str(raw)

    def principal(self, claims: Mapping[str, object]) -> Principal:
        client = claims.get("azp") or claims.get("client_id")
        return Principal(
            sub=str(claims["sub"]),
            roles=self._roles(claims),
            scopes=self._scopes(claims),
            unit=self._unit(claims),
            client_id=str(client) if client else None,
        )


class TokenVerifier:
    """Verifies bearer tokens against the configured keys; refuses `alg: none` always."""

    def __init__(self, settings: Settings) -> None:
        self._secret = settings.jwt_secret
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._claims = ClaimMapping.of(settings)
        self._jwks: jwt.PyJWKSet | None = None
        self._verified: OrderedDict[bytes, tuple[Principal, float]] = OrderedDict()
        self._jwks_client: jwt.PyJWKClient | None = None
        if settings.jwks_file is not None:
            self._jwks = jwt.PyJWKSet.from_dict(json.loads(settings.jwks_file.read_text()))
        elif settings.jwks_url:
            self._jwks_client = jwt.PyJWKClient(settings.jwks_url, cache_keys=True)

    def _jwk_for(self, token: str) -> jwt.PyJWK:
        if self._jwks_client is not None:
            return self._jwks_client.get_signing_key_from_jwt(token)
        assert self._jwks is not None
        kid = jwt.get_unverified_header(token).get("kid")
        alg = jwt.get_unverified_header(token).get("alg")
        candidates = [key for key in self._jwks.keys if kid is None or key.key_id == kid]
        if not candidates:
            raise AuthError("token signed with an unknown key")
        # Without a kid, the first key of the token's type (a JWKS may mix RSA and EC keys).
        fitting = [key for key in candidates if key.key_type == _KEY_TYPES.get(str(alg))]
        return (fitting or candidates)[0]

    def _key_for(self, token: str, alg: str) -> tuple[object, list[str]]:
        if alg == "HS256" and self._secret is not None:
            return self._secret, ["HS256"]
        if alg in _KEY_TYPES and (self._jwks is not None or self._jwks_client is not None):
            jwk = self._jwk_for(token)
            if jwk.key_type != _KEY_TYPES[alg]:
                raise AuthError(f"token algorithm {alg} does not match its key ({jwk.key_type})")
            return jwk.key, [alg]
        raise AuthError(f"token algorithm {alg!r} is not accepted")

    def verify(self, token: str) -> Principal:
        """The principal of a valid token, or AuthError (verified once while it holds)."""
        known = hashlib.sha256(token.encode()).digest()
        now = time.time()
        cached = self._verified.get(known)
        if cached is not None and now < cached[1]:
            self._verified.move_to_end(known)
            return cached[0]
        principal, expires = self._verify(token)
        # Until it expires, or REVERIFY_SECONDS pass (a key rotated out stops being trusted).
        self._verified[known] = (principal, min(expires, now + REVERIFY_SECONDS))
        while len(self._verified) > VERIFIED_ENTRIES:
            self._verified.popitem(last=False)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
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
        except (ValueError, TypeError):
            # A key the algorithm cannot use (e.g. a P-384 key for ES256): a refusal, not a 500.
            raise AuthError("invalid token: its key cannot verify its algorithm") from None
        if int(claims["iat"]) > time.time() + _MAX_CLOCK_SKEW:
            raise AuthError("invalid token: issued in the future")
        expires = float(claims["exp"])
        return replace(self._claims.principal(claims), expires_at=expires), expires


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
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": issued,
        "exp": issued + ttl_seconds,
    }
    # At the configured claim paths, so the service reads its own tokens back.
    _put(claims, settings.roles_claim, roles)
    if scopes:
        _put(claims, settings.scopes_claim, scopes)
    if unit:
        _put(claims, settings.unit_claim, unit)
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def _put(claims: dict[str, object], path: str, value: object) -> None:
    *parents, last = path.split(".")
    target = claims
    for step in parents:
        nested = target.setdefault(step, {})
        assert isinstance(nested, dict)
        target = nested
    target[last] = value
