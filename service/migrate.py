"""The schema, changed only by `kinerja migrate`: numbered SQL migrations, applied once each, in
order, under an advisory lock, then the read tables of every projection. `kinerja serve` and
`kinerja project` only check that the database is not behind (`require_current_schema`)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

from projections.engine import Projection
from projections.registry import all_projections
from service.checkpoint_publish import CheckpointPublisher
from service.database import create_pool, open_database, service_role
from service.db_roles import ServiceRole, check_connected_role, ensure_service_role
from service.kek import KekRing, check_kek, open_kek_ring, wrap_plain_keys
from service.pg import Connection
from service.settings import Settings
from service.startup import StartupRefused

_MIGRATION_LOCK = 7_301_001
RUN_MIGRATE = "run `kinerja migrate`"


class SchemaBehind(StartupRefused):
    """The database lacks migrations or read tables this version of kinerja needs."""


def _migration_files() -> list[tuple[int, str, str]]:
    folder = resources.files("service") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number = int(entry.name.split("_", 1)[0])
            found.append((number, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(
    conn: Connection,
    projections: Sequence[Projection] | None = None,
    *,
    service: ServiceRole | None = None,
    keks: KekRing | None = None,
) -> list[str]:
    """Apply every migration not applied yet, create missing read tables, wrap keys stored
    unwrapped (with `keks`) and set the service role's rights (with `service`); return the
    names of the migrations applied now. Runs as the owner role, in one transaction."""
    views = all_projections() if projections is None else projections
    applied_now: list[str] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        # Our schema first, pg_temp last: SECURITY DEFINER functions keep this path.
        await conn.execute(
            "SELECT set_config('search_path', quote_ident(current_schema()) || ', pg_temp', true)"
        )
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for number, name, sql in _migration_files():
            if number in done:
                continue
            await conn.execute(sql)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", number, name
            )
            applied_now.append(name)
        await create_read_tables(conn, views)
        if keks is not None:
            await wrap_plain_keys(conn, keks)
        if service is not None:
            await ensure_service_role(conn, service)
    return applied_now


async def migrate_database(settings: Settings) -> list[str]:
    """`kinerja migrate`: connect as the owner and bring the database up to this version."""
    keks = open_kek_ring(settings)
    async with open_database(settings, owner=True) as url:
        pool = await create_pool(url, min_size=1, max_size=1)
        try:
            async with pool.acquire() as conn:
                return await migrate(conn, service=service_role(settings), keks=keks)
        finally:
            await pool.close()


async def check_ready(conn: Connection, keks: KekRing, *, production: bool) -> None:
    """What `kinerja serve` and `kinerja project` check before they start (and never fix)."""
    await require_current_schema(conn, all_projections())
    await check_kek(conn, keks)
    await check_connected_role(conn, production=production)


async def check_database(settings: Settings) -> None:
    """Connect as the service and refuse (StartupRefused) when it could not start."""
    keks = open_kek_ring(settings)
    CheckpointPublisher(settings.checkpoint_dir).check()
    async with open_database(settings) as url:
        pool = await create_pool(url, min_size=1, max_size=1)
        try:
            async with pool.acquire() as conn:
                await check_ready(conn, keks, production=settings.production)
        finally:
            await pool.close()


async def create_read_tables(conn: Connection, projections: Sequence[Projection]) -> None:
    """Create the read tables and checkpoint rows that do not exist yet (owner only)."""
    for projection in projections:
        for table in projection.tables:
            for statement in table.ddl():
                await conn.execute(statement)
        await conn.execute(
            "INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
            projection.name,
        )


async def missing_schema(conn: Connection, projections: Sequence[Projection]) -> list[str]:
    """What this version needs and the database lacks: migrations, read tables, checkpoints."""
    if await conn.fetchval("SELECT to_regclass('schema_migrations')") is None:
        return ["every migration"]
    done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
    missing = [name for number, name, _ in _migration_files() if number not in done]
    tables = [t.name for p in projections for t in p.tables]
    rows = await conn.fetch(
        "SELECT t.name FROM unnest($1::text[]) AS t(name) WHERE to_regclass(t.name) IS NULL",
        tables,
    )
    missing += [f"read table {r['name']}" for r in rows]
    if not missing:
        names = [p.name for p in projections]
        rows = await conn.fetch(
            "SELECT n.name FROM unnest($1::text[]) AS n(name)"
            " WHERE NOT EXISTS (SELECT 1 FROM projection_checkpoints c WHERE c.name = n.name)",
            names,
        )
        missing += [f"checkpoint of projection {r['name']}" for r in rows]
    return missing


async def require_current_schema(conn: Connection, projections: Sequence[Projection]) -> None:
    """Refuse to start on a database that is behind, in one line that says what to do."""
    missing = await missing_schema(conn, projections)
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        shown = ", ".join(missing[:5]) + more
        raise SchemaBehind(f"the database is behind this kinerja ({shown}): {RUN_MIGRATE}")
