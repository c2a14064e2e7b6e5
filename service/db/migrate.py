"""The schema, changed only by `kinerja migrate`: numbered SQL migrations, applied once each, in
order, under an advisory lock, then the read tables of every projection. `kinerja serve` and
`kinerja project` only check that the database is not behind (`require_current_schema`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from importlib import resources

from projections.engine import Projection
from projections.registry import all_projections
from service.db.pg import Connection
from service.db.roles import ServiceRole, ensure_service_role
from service.db.startup import StartupRefused

_MIGRATION_LOCK = 7_301_001
RUN_MIGRATE = "run `kinerja migrate`"


class SchemaBehind(StartupRefused):
    """The database lacks migrations or read tables this version of kinerja needs."""


def _migration_files() -> list[tuple[int, str, str]]:
    folder = resources.files("service.db") / "migrations"
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
    then: Callable[[Connection], Awaitable[object]] | None = None,
) -> list[str]:
    """Apply every migration not applied yet, create missing read tables, run `then` (e.g.
    wrapping keys stored unwrapped) and set the service role's rights (with `service`); return
    the names of the migrations applied now. Runs as the owner role, in one transaction."""
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
        if then is not None:
            await then(conn)
        if service is not None:
            await ensure_service_role(conn, service)
    return applied_now


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
