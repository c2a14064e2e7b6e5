"""The database settings: read replicas, pool sizes, PgBouncer and the direct LISTEN connection.

`service.settings.Settings` inherits these fields; they are read from the same environment and
listed in the README's table (docs/operations.md, "Replicas, pools and PgBouncer", sizes them).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _urls(value: Any) -> Any:
    """`url1,url2` (the variable's text) as a tuple; a tuple or list is kept (tests)."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _field(name: str, **extra: Any) -> Any:
    return Field(validation_alias=name, **extra)


_SECRET: dict[str, Any] = {"secret": True}


class DatabaseSettings(BaseSettings):
    """Where reads go, how many connections each pool holds, and PgBouncer's constraints."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    # Streaming replicas for queries, subscriptions' catch-up, proofs and as-of replays.
    read_database_urls: Annotated[tuple[str, ...], BeforeValidator(_urls)] = _field(
        "KINERJA_READ_DATABASE_URL", default=(), json_schema_extra=_SECRET
    )
    # A min-position read the replica has not reached in time: the primary answers, or 503.
    read_fallback: Literal["primary", "refuse"] = _field("KINERJA_READ_FALLBACK", default="primary")
    pool_min_size: Annotated[int, Field(ge=0)] = _field("KINERJA_POOL_MIN_SIZE", default=2)
    pool_max_size: Annotated[int, Field(ge=1)] = _field("KINERJA_POOL_MAX_SIZE", default=20)
    read_pool_max_size: Annotated[int, Field(ge=1)] = _field(
        "KINERJA_READ_POOL_MAX_SIZE", default=20
    )
    as_of_pool_size: Annotated[int, Field(ge=4)] = _field("KINERJA_AS_OF_POOL_SIZE", default=4)
    # Transaction pooling: no prepared-statement cache; LISTEN and as-of sessions go direct.
    pgbouncer: bool = _field("KINERJA_PGBOUNCER", default=False)
    listen_database_url: str | None = _field(
        "KINERJA_LISTEN_DATABASE_URL", default=None, json_schema_extra=_SECRET
    )
