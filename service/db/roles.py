"""The service role: what `kinerja serve` and `kinerja project` may do in the database.

`kinerja migrate` (the owner) creates the role and sets its rights from scratch on every run, so
the grants below are the whole truth. The service appends to the log and never changes it; it
owns nothing, so it cannot disable a trigger; it destroys a key only by appending an erasure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import asyncpg

from service.db.pg import Connection
from service.db.startup import StartupRefused

log = logging.getLogger("kinerja.roles")

# Exactly what the service's writes need, for the tables that hold the log, its keys and its
# checkpoints. Every other table of the owner (read tables, caches) gets READ_TABLE_GRANT: a new
# table that must never change belongs in this list.
SERVICE_GRANTS = {
    "events": "SELECT, INSERT",
    "checkpoints": "SELECT, INSERT",
    "idempotency_keys": "SELECT, INSERT",
    "subject_keys": "SELECT, INSERT",
    "kek_in_use": "SELECT",
    "snapshots": "SELECT, INSERT, UPDATE, DELETE",
    "projection_checkpoints": "SELECT, UPDATE",
    "schema_migrations": "SELECT",
    # The stored Merkle subtrees are written once each, never changed.
    "merkle_nodes": "SELECT, INSERT",
}
# The projector's read tables and caches, including tables created later (default privileges).
READ_TABLE_GRANT = "SELECT, INSERT, UPDATE, DELETE"


class RoleError(StartupRefused):
    """The configured service role would hold more than the service needs."""


@dataclass(frozen=True)
class ServiceRole:
    """The database role of the running service, and its password when migrate should set it."""

    name: str
    password: str | None = None


async def _ident(conn: Connection, name: str) -> str:
    return str(await conn.fetchval("SELECT quote_ident($1)", name))


async def _create_role(conn: Connection, role: ServiceRole, ident: str) -> None:
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role.name)
    try:
        if not exists:
            try:
                async with conn.transaction():
                    await conn.execute(f"CREATE ROLE {ident} LOGIN NOSUPERUSER NOCREATEDB")
            except (asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
                pass  # created meanwhile by a migrate of another database on the same server
        if role.password is not None:
            statement = await conn.fetchval(
                "SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)",
                role.name,
                role.password,
            )
            await conn.execute(str(statement))
    except asyncpg.InsufficientPrivilegeError:
        raise RoleError(
            f"the owner may not create or change the role {role.name}: create it once as an"
            f" administrator (CREATE ROLE {ident} LOGIN PASSWORD '...'), or grant the owner"
            " CREATEROLE"
        ) from None


async def _refuse_powerful(conn: Connection, role: ServiceRole) -> None:
    row = await conn.fetchrow(
        "SELECT r.rolsuper, r.rolname = current_user AS is_owner,"
        " pg_has_role(r.rolname, current_user, 'MEMBER') AS in_owner"
        " FROM pg_roles r WHERE r.rolname = $1",
        role.name,
    )
    assert row is not None
    if row["is_owner"] or row["in_owner"]:
        raise RoleError(
            f"the service role {role.name} is (or is a member of) the owner role: give"
            " `kinerja serve` its own role in DATABASE_URL and the owner KINERJA_OWNER_DATABASE_URL"
        )
    if row["rolsuper"]:
        raise RoleError(f"the service role {role.name} is a superuser: it could change the log")


async def check_connected_role(conn: Connection, *, production: bool) -> None:
    """Serve as a role that owns the log (or is a superuser): refused in production, warned
    about elsewhere, since such a role could disable the triggers and rewrite history."""
    row = await conn.fetchrow(
        "SELECT current_user AS me, r.rolsuper, pg_has_role(current_user, t.tableowner, 'MEMBER')"
        " AS owns FROM pg_roles r, pg_tables t WHERE r.rolname = current_user"
        " AND t.tablename = 'events' AND t.schemaname = current_schema()"
    )
    if row is None or not (row["rolsuper"] or row["owns"]):
        return
    what = "is a superuser" if row["rolsuper"] else "owns the event log"
    message = (
        f"the service connects as {row['me']}, which {what}: put the service role in"
        " DATABASE_URL and the owner in KINERJA_OWNER_DATABASE_URL"
    )
    if production:
        raise RoleError(message)
    log.warning(message)


async def ensure_service_role(conn: Connection, role: ServiceRole) -> None:
    """Create the service role if needed and give it exactly its rights (owner, in migrate)."""
    ident = await _ident(conn, role.name)
    await _create_role(conn, role, ident)
    await _refuse_powerful(conn, role)
    schema = await _ident(conn, str(await conn.fetchval("SELECT current_schema()")))
    await conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {ident}")
    await conn.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM {ident}")
    try:
        async with conn.transaction():
            # PostgreSQL before 15 lets everyone create tables in `public`.
            await conn.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC")
    except asyncpg.InsufficientPrivilegeError:
        pass  # not ours to change; the schema's owner decides
    await conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {ident}")
    ours = await conn.fetch(
        "SELECT quote_ident(tablename) AS name, tablename FROM pg_tables"
        " WHERE schemaname = current_schema() AND tableowner = current_user"
    )
    for table in ours:
        rights = SERVICE_GRANTS.get(table["tablename"], READ_TABLE_GRANT)
        await conn.execute(f"GRANT {rights} ON {table['name']} TO {ident}")
    await conn.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {READ_TABLE_GRANT} ON TABLES TO {ident}"
    )
    await conn.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {ident}"
    )
    await conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {ident}")
