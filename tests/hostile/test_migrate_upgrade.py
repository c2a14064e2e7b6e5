"""`kinerja migrate` keeps the promises on databases that lived before them: it wraps keys
stored in the clear and takes back any right granted to the service role by hand."""

from __future__ import annotations

import os
from functools import partial
from uuid import uuid4

import asyncpg
import pytest

from service.db.migrate import migrate
from service.log.kek import KekError, KekRing, check_kek, wrap_plain_keys
from service.services import Services
from tests.conftest import SERVICE_ROLE
from tests.owner import owner_connection


async def test_migrate_wraps_the_keys_stored_before_wrapping(
    services: Services, database_url: str
) -> None:
    subject, plain = uuid4(), os.urandom(32)
    assert services.settings.kek_file is not None
    keks = KekRing(services.settings.kek_file)
    async with owner_connection(database_url) as owner:
        # A key as version 4 stored it: in the clear, no KEK named.
        await owner.execute("ALTER TABLE subject_keys DISABLE TRIGGER subject_keys_wrapped")
        await owner.execute(
            "INSERT INTO subject_keys (subject_id, key) VALUES ($1, $2)", subject, plain
        )
        await owner.execute("ALTER TABLE subject_keys ENABLE TRIGGER subject_keys_wrapped")
        with pytest.raises(KekError, match="not wrapped yet: run `kinerja migrate`"):
            await check_kek(owner, keks)
        await migrate(owner, service=SERVICE_ROLE, then=partial(wrap_plain_keys, keks=keks))
        row = await owner.fetchrow(
            "SELECT key, kek_id FROM subject_keys WHERE subject_id = $1", subject
        )
        await check_kek(owner, keks)
    assert row is not None and row["kek_id"] == keks.current.id
    assert plain not in bytes(row["key"])
    assert keks.current.unwrap(subject, bytes(row["key"])) == plain


async def test_migrate_takes_back_rights_granted_by_hand(
    services: Services, database_url: str
) -> None:
    async with owner_connection(database_url) as owner:
        await owner.execute(f'GRANT UPDATE, DELETE ON events TO "{SERVICE_ROLE.name}"')
        await owner.execute(f'GRANT UPDATE ON subject_keys TO "{SERVICE_ROLE.name}"')
        await migrate(owner, service=SERVICE_ROLE)
    for statement in ("DELETE FROM events", "UPDATE subject_keys SET key = NULL"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await services.pool.execute(statement)
