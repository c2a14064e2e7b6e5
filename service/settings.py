"""Configuration from the environment, typed (the README's table lists every variable).

Each field names its variable (`validation_alias`); a value the service cannot run with stops
the start with one line naming the variable and what it accepts (`SettingsError`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AfterValidator, BeforeValidator, Field, FilePath, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from service.roles import Role
from service.settings_db import DatabaseSettings

Port = Annotated[int, Field(ge=1, le=65535)]
Positive = Annotated[float, Field(gt=0)]
Count = Annotated[int, Field(ge=1)]
# Fields marked so are never printed (`kinerja config`) nor echoed in an error.
SECRET: dict[str, Any] = {"secret": True}
MIN_SECRET_BYTES = 32


class SettingsError(ValueError):
    """A setting the service cannot start with; the message is one line naming the variable."""


def _secret_file(path: Path) -> str:
    """A secret kept in the data folder so restarts, workers and `kinerja token` agree.

    Created once, atomically: processes starting together (API and projector worker on a
    shared volume) all end up with the first one written.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def _development(data: dict[str, Any]) -> bool:
    """Whether the already-validated mode allows generated defaults (not production)."""
    return data.get("env") in ("development", "test")


def _default_jwt_secret(data: dict[str, Any]) -> str | None:
    oidc = data.get("jwks_file") or data.get("jwks_url")
    if oidc or not _development(data) or "data_dir" not in data:
        return None
    return _secret_file(data["data_dir"] / "jwt-secret")


def _default_id_secret(data: dict[str, Any]) -> str:
    if "data_dir" not in data or "env" not in data:
        return ""  # another setting is invalid: its error is the one reported
    return _secret_file(data["data_dir"] / "id-secret")


def _known_roles(mapping: dict[str, str]) -> dict[str, str]:
    """A role map's targets are roles of API.md."""

    unknown = sorted(set(mapping.values()) - {role.value for role in Role})
    if unknown:
        roles = ", ".join(role.value for role in Role)
        raise ValueError(f"name=ROLE pairs with ROLE one of {roles} (not {', '.join(unknown)})")
    return mapping


def _var(name: str, **extra: Any) -> Any:
    """A field read from the environment variable `name`."""
    return Field(validation_alias=name, **extra)


class Settings(DatabaseSettings):
    """Every setting the service reads, resolved once at start (`Settings.from_env`)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    database_url: str | None = _var("DATABASE_URL", default=None, json_schema_extra=SECRET)
    data_dir: Annotated[Path, AfterValidator(Path.resolve)] = _var(
        "KINERJA_DATA_DIR", default=Path("./var")
    )
    host: str = _var("KINERJA_HOST", default="127.0.0.1")
    port: Port = _var(
        "KINERJA_PORT", default=8000, json_schema_extra={"accepts": "a port number 1-65535"}
    )
    env: Literal["development", "test", "production"] = _var("KINERJA_ENV", default="development")
    jwt_issuer: str = _var("KINERJA_JWT_ISSUER", default="kinerja")
    jwt_audience: str = _var("KINERJA_JWT_AUDIENCE", default="kinerja")
    jwks_file: FilePath | None = _var("KINERJA_JWKS_FILE", default=None)
    jwks_url: str | None = _var("KINERJA_JWKS_URL", default=None)
    # Unset outside production and without a JWKS: generated once into the data folder.
    jwt_secret: str | None = _var(
        "KINERJA_JWT_SECRET", default_factory=_default_jwt_secret, json_schema_extra=SECRET
    )
    allow_hs256_with_jwks: bool = _var("KINERJA_ALLOW_HS256_WITH_JWKS", default=False)
    id_secret: str = _var(
        "KINERJA_ID_SECRET", default_factory=_default_id_secret, json_schema_extra=SECRET
    )
    graphiql: bool = _var(
        "KINERJA_GRAPHIQL", default_factory=lambda data: data.get("env") != "production"
    )
    projector: Literal["inprocess", "worker"] = _var("KINERJA_PROJECTOR", default="inprocess")
    log_origin: str = _var("KINERJA_LOG_ORIGIN", default="kinerja.salatiga.go.id/log")
    log_key_file: Path = _var(
        "KINERJA_LOG_KEY_FILE",
        default_factory=lambda data: data.get("data_dir", Path("var")) / "log-signing.key",
    )
    log_format: Literal["console", "json"] = _var(
        "KINERJA_LOG_FORMAT",
        default_factory=lambda data: "console" if _development(data) else "json",
    )
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(lambda v: str(v).upper())
    ] = _var("KINERJA_LOG_LEVEL", default="INFO")
    checkpoint_interval: Positive = _var("KINERJA_CHECKPOINT_SECONDS", default=60.0)
    checkpoint_every: Count = _var("KINERJA_CHECKPOINT_EVENTS", default=1000)
    max_body_bytes: Count = _var("KINERJA_MAX_BODY_BYTES", default=1_000_000)
    rate_per_second: Positive = _var("KINERJA_RATE_PER_SECOND", default=50.0)
    rate_burst: Count = _var("KINERJA_RATE_BURST", default=200)
    allow_list_file: FilePath | None = _var("KINERJA_ALLOWLIST_FILE", default=None)
    min_position_timeout: Positive = _var("KINERJA_MIN_POSITION_TIMEOUT", default=5.0)
    default_rule_sets: bool = _var("KINERJA_DEFAULT_RULE_SETS", default=True)
    # OIDC claim mapping (README "Tokens from the city's identity provider").
    roles_claim: str = _var("KINERJA_ROLES_CLAIM", default="roles")
    scopes_claim: str = _var("KINERJA_SCOPES_CLAIM", default="scopes")
    unit_claim: str = _var("KINERJA_UNIT_CLAIM", default="unit")
    role_map: Annotated[dict[str, str], AfterValidator(_known_roles)] = _var(
        "KINERJA_ROLE_MAP", default_factory=dict
    )
    # Runtime bounds: honest mutation answers, as-of connections, shutdown.
    views_wait: Positive = _var("KINERJA_VIEWS_WAIT_SECONDS", default=5.0)
    as_of_wait: Positive = _var("KINERJA_AS_OF_WAIT_SECONDS", default=5.0)
    shutdown_timeout: Annotated[int, Field(ge=4)] = _var("KINERJA_SHUTDOWN_SECONDS", default=10)
    # Least privilege: the owner migrates, the service role serves; keys and checkpoints.
    owner_database_url: str | None = _var(
        "KINERJA_OWNER_DATABASE_URL", default=None, json_schema_extra=SECRET
    )
    service_role: str = _var("KINERJA_SERVICE_ROLE", default="kinerja_service")
    service_password: str | None = _var(
        "KINERJA_SERVICE_PASSWORD", default=None, json_schema_extra=SECRET
    )
    kek_file: Path | None = _var(
        "KINERJA_KEK_FILE",
        default_factory=lambda data: (
            data["data_dir"] / "kek" if _development(data) and "data_dir" in data else None
        ),
    )
    checkpoint_dir: Path = _var(
        "KINERJA_CHECKPOINT_DIR",
        default_factory=lambda data: data.get("data_dir", Path("var")) / "checkpoints",
    )
    # The request pipeline's bounds.
    max_header_bytes: Count = _var("KINERJA_MAX_HEADER_BYTES", default=16_384)
    max_token_bytes: Count = _var("KINERJA_MAX_TOKEN_BYTES", default=8_192)
    address_rate_per_second: Positive = _var("KINERJA_ADDRESS_RATE_PER_SECOND", default=200.0)
    address_rate_burst: Count = _var("KINERJA_ADDRESS_RATE_BURST", default=1000)
    response_cache_bytes: Count = _var("KINERJA_RESPONSE_CACHE_BYTES", default=32_000_000)
    document_cache_bytes: Count = _var("KINERJA_DOCUMENT_CACHE_BYTES", default=8_000_000)
    apq_bytes: Count = _var("KINERJA_APQ_BYTES", default=8_000_000)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def run_projector(self) -> bool:
        """Whether this process projects (`KINERJA_PROJECTOR=inprocess`)."""
        return self.projector == "inprocess"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what `from_env` passes: a test's environment never leaks in from the process.
        return (init_settings,)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of this environment (the process's by default), or SettingsError."""
        # An empty variable counts as unset: an empty signing key must never be accepted.
        env = {k: v for k, v in (os.environ if environ is None else environ).items() if v}
        values: dict[str, Any] = dict(env)
        if "KINERJA_ROLE_MAP" in env:
            values["KINERJA_ROLE_MAP"] = _pairs(env["KINERJA_ROLE_MAP"])
        try:
            settings = cls(**values)
        except ValidationError as error:
            raise SettingsError(_describe(cls, error, env)) from None
        settings.check_secrets()
        return settings

    def check_secrets(self) -> None:
        """Production refuses weak secrets and HS256 beside a JWKS (unless allowed)."""
        if not self.production:
            return
        for variable, value in (
            ("KINERJA_JWT_SECRET", self.jwt_secret),
            ("KINERJA_ID_SECRET", self.id_secret),
        ):
            if value is not None and len(value.encode()) < MIN_SECRET_BYTES:
                raise SettingsError(
                    f"{variable} is {len(value.encode())} bytes; production needs at least"
                    f" {MIN_SECRET_BYTES} (e.g. `openssl rand -base64 48`)"
                )
        if self.jwt_secret and (self.jwks_file or self.jwks_url) and not self.allow_hs256_with_jwks:
            raise SettingsError(
                "KINERJA_JWT_SECRET is set beside a JWKS: production refuses HS256 tokens then;"
                " unset it, or set KINERJA_ALLOW_HS256_WITH_JWKS=1 to accept both"
            )

    def effective(self) -> dict[str, str]:
        """Each variable with its effective value, secrets redacted (`kinerja config`)."""
        shown: dict[str, str] = {}
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            secret = isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get(
                "secret"
            )
            if value is None or value == ():
                text = "(unset)"
            elif name == "database_url":
                text = redact_url(str(value))
            elif secret:
                text = "(set, redacted)"
            elif isinstance(value, dict):
                text = ",".join(f"{k}={v}" for k, v in value.items()) or "(none)"
            else:
                text = str(value).lower() if isinstance(value, bool) else str(value)
            shown[str(info.validation_alias or name)] = text
        return shown


def _pairs(text: str) -> dict[str, str] | str:
    """`a=B,c=D` as a mapping; anything else is left for the validator to refuse."""
    pairs = [item.partition("=") for item in text.split(",") if item.strip()]
    if not pairs or any(not sep or not k.strip() or not v.strip() for k, sep, v in pairs):
        return text
    return {k.strip(): v.strip() for k, _, v in pairs}


def redact_url(url: str) -> str:
    """The URL with its password replaced by `***` (logs, errors, `kinerja config`)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


_ACCEPTS = {
    "bool_parsing": "true/false, 1/0, yes/no or on/off",
    "int_parsing": "a whole number",
    "float_parsing": "a number",
    "dict_type": "comma-separated name=ROLE pairs",
    "path_not_file": "the path of an existing file",
}


def _describe(cls: type[Settings], error: ValidationError, env: Mapping[str, object]) -> str:
    """One line: each refused variable, its value (never a secret's) and what it accepts."""
    aliases = {str(info.validation_alias): info for info in cls.model_fields.values()}
    parts = []
    for problem in error.errors():
        if problem["type"] == "default_factory_not_called":
            continue  # a default that depends on a refused variable: that one is reported
        variable = str(problem["loc"][0]) if problem["loc"] else "settings"
        info = aliases.get(variable)
        extra = info.json_schema_extra if info is not None else None
        extra = extra if isinstance(extra, dict) else {}
        secret = extra.get("secret")
        message = problem["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
        accepts = extra.get("accepts") or _ACCEPTS.get(problem["type"], message)
        shown = "" if secret else f"={env.get(variable, problem['input'])}"
        parts.append(f"{variable}{shown} is not accepted: expected {accepts}")
    return "; ".join(parts)
