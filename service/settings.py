"""Configuration from the environment (the README's table lists every variable)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


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


@dataclass(frozen=True)
class Settings:
    """Every setting the service reads, resolved once at start."""

    database_url: str | None
    data_dir: Path
    host: str
    port: int
    env: str
    jwt_secret: str | None
    jwt_issuer: str
    jwt_audience: str
    jwks_file: Path | None
    jwks_url: str | None
    id_secret: str
    graphiql: bool
    run_projector: bool
    log_origin: str
    log_key_file: Path
    checkpoint_interval: float
    checkpoint_every: int
    max_body_bytes: int
    rate_per_second: float
    rate_burst: int
    allow_list_file: Path | None
    min_position_timeout: float
    default_rule_sets: bool = True
    # runtime:
    views_wait: float = 5.0
    as_of_wait: float = 5.0
    shutdown_timeout: int = 10
    # privilege:
    owner_database_url: str | None = None
    service_role: str = "kinerja_service"
    service_password: str | None = None
    kek_file: Path | None = None
    checkpoint_dir: Path = Path("var/checkpoints")
    # pipeline:
    max_header_bytes: int = 16_384
    max_token_bytes: int = 8_192
    address_rate_per_second: float = 200.0
    address_rate_burst: int = 1000
    response_cache_bytes: int = 32_000_000
    document_cache_bytes: int = 8_000_000
    apq_bytes: int = 8_000_000

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        # An empty variable counts as unset: an empty signing key must never be accepted.
        env = {k: v for k, v in (os.environ if environ is None else environ).items() if v}
        data_dir = Path(env.get("KINERJA_DATA_DIR", "./var")).resolve()
        mode = env.get("KINERJA_ENV", "development")
        jwks_file = env.get("KINERJA_JWKS_FILE")
        jwks_url = env.get("KINERJA_JWKS_URL")
        jwt_secret = env.get("KINERJA_JWT_SECRET")
        if jwt_secret is None and not (jwks_file or jwks_url) and mode != "production":
            jwt_secret = _secret_file(data_dir / "jwt-secret")
        id_secret = env.get("KINERJA_ID_SECRET") or _secret_file(data_dir / "id-secret")
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            data_dir=data_dir,
            host=env.get("KINERJA_HOST", "127.0.0.1"),
            port=int(env.get("KINERJA_PORT", "8000")),
            env=mode,
            jwt_secret=jwt_secret,
            jwt_issuer=env.get("KINERJA_JWT_ISSUER", "kinerja"),
            jwt_audience=env.get("KINERJA_JWT_AUDIENCE", "kinerja"),
            jwks_file=Path(jwks_file) if jwks_file else None,
            jwks_url=jwks_url,
            id_secret=id_secret,
            graphiql=env.get("KINERJA_GRAPHIQL", "0" if mode == "production" else "1") == "1",
            run_projector=env.get("KINERJA_PROJECTOR", "inprocess") == "inprocess",
            log_origin=env.get("KINERJA_LOG_ORIGIN", "kinerja.salatiga.go.id/log"),
            log_key_file=Path(env.get("KINERJA_LOG_KEY_FILE", str(data_dir / "log-signing.key"))),
            checkpoint_interval=float(env.get("KINERJA_CHECKPOINT_SECONDS", "60")),
            checkpoint_every=int(env.get("KINERJA_CHECKPOINT_EVENTS", "1000")),
            max_body_bytes=int(env.get("KINERJA_MAX_BODY_BYTES", "1000000")),
            rate_per_second=float(env.get("KINERJA_RATE_PER_SECOND", "50")),
            rate_burst=int(env.get("KINERJA_RATE_BURST", "200")),
            min_position_timeout=float(env.get("KINERJA_MIN_POSITION_TIMEOUT", "5")),
            default_rule_sets=env.get("KINERJA_DEFAULT_RULE_SETS", "1") == "1",
            allow_list_file=Path(env["KINERJA_ALLOWLIST_FILE"])
            if env.get("KINERJA_ALLOWLIST_FILE")
            else None,
            # runtime:
            views_wait=float(env.get("KINERJA_VIEWS_WAIT_SECONDS", "5")),
            as_of_wait=float(env.get("KINERJA_AS_OF_WAIT_SECONDS", "5")),
            shutdown_timeout=int(env.get("KINERJA_SHUTDOWN_SECONDS", "10")),
            # privilege:
            owner_database_url=env.get("KINERJA_OWNER_DATABASE_URL"),
            service_role=env.get("KINERJA_SERVICE_ROLE", "kinerja_service"),
            service_password=env.get("KINERJA_SERVICE_PASSWORD"),
            kek_file=Path(env["KINERJA_KEK_FILE"])
            if env.get("KINERJA_KEK_FILE")
            else (None if mode == "production" else data_dir / "kek"),
            checkpoint_dir=Path(env.get("KINERJA_CHECKPOINT_DIR", str(data_dir / "checkpoints"))),
            # pipeline:
            max_header_bytes=int(env.get("KINERJA_MAX_HEADER_BYTES", "16384")),
            max_token_bytes=int(env.get("KINERJA_MAX_TOKEN_BYTES", "8192")),
            address_rate_per_second=float(env.get("KINERJA_ADDRESS_RATE_PER_SECOND", "200")),
            address_rate_burst=int(env.get("KINERJA_ADDRESS_RATE_BURST", "1000")),
            response_cache_bytes=int(env.get("KINERJA_RESPONSE_CACHE_BYTES", "32000000")),
            document_cache_bytes=int(env.get("KINERJA_DOCUMENT_CACHE_BYTES", "8000000")),
            apq_bytes=int(env.get("KINERJA_APQ_BYTES", "8000000")),
        )
