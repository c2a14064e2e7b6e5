"""Least privilege: the service role can append to the log but never change it, cannot touch
keys or idempotency keys except through their one door, owns nothing, and still works."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from service.services import Services
from tests.conftest import Tokens
from tests.graphql import gql
from tests.owner import owner_connection

HR = "196001011990011001"
NIP = "198503152010011002"
SETUP = """
mutation($nip: String!) {
  registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"}) { __typename }
  registerEmployee(input: {nip: $nip, name: "Sri Wahyuni", employmentType: PNS,
      unitCode: "DINKES", positionKind: PELAKSANA, positionTitle: "Perawat"}) { __typename }
}"""
ERASE = """
mutation($nip: String!) {
  eraseSubject(input: {nip: $nip, reason: "subject's request"}) {
    __typename ... on EraseSubjectSuccess { erased }
  }
}"""

REFUSED = [
    "UPDATE events SET event_type = 'X'",
    "DELETE FROM events",
    "TRUNCATE events",
    "ALTER TABLE events DISABLE TRIGGER USER",
    "ALTER TABLE events DISABLE TRIGGER events_no_update_delete",
    "DROP TABLE events",
    "UPDATE checkpoints SET note = ''",
    "DELETE FROM checkpoints",
    "UPDATE subject_keys SET key = NULL",
    "DELETE FROM subject_keys",
    "TRUNCATE subject_keys",
    "UPDATE idempotency_keys SET result = '{}'",
    "DELETE FROM idempotency_keys",
    "UPDATE kek_in_use SET kek_id = 'mine'",
    "DELETE FROM schema_migrations",
    "CREATE TABLE mine (a int)",
    "ALTER TABLE directory_employees ADD COLUMN mine int",
]


@pytest.mark.parametrize("statement", REFUSED)
async def test_the_service_role_cannot_change_the_log_keys_or_schema(
    services: Services, client: httpx.AsyncClient, tokens: Tokens, statement: str
) -> None:
    body = await gql(client, SETUP, {"nip": NIP}, tokens.header(HR, "HR"))
    assert body["data"]["registerEmployee"]["__typename"] == "RegisterEmployeeSuccess"
    head = await services.store.head()
    keys = await services.pool.fetch("SELECT subject_id, key FROM subject_keys ORDER BY 1")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await services.pool.execute(statement)
    assert await services.store.head() == head
    assert await services.pool.fetch("SELECT subject_id, key FROM subject_keys ORDER BY 1") == keys


async def test_the_service_role_owns_nothing_and_is_no_superuser(
    services: Services, database_url: str
) -> None:
    async with services.pool.acquire() as conn:
        me = await conn.fetchrow(
            "SELECT current_user AS name, usesuper FROM pg_user WHERE usename = current_user"
        )
        owned = await conn.fetch(
            "SELECT relname FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles"
            " WHERE rolname = current_user)"
        )
    assert me is not None and me["usesuper"] is False
    assert owned == []
    async with owner_connection(database_url) as owner:
        grants = await owner.fetch(
            "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) AS p"
            " FROM information_schema.role_table_grants WHERE grantee = $1"
            " AND table_name IN ('events', 'subject_keys', 'idempotency_keys', 'checkpoints')"
            " GROUP BY table_name ORDER BY table_name",
            me["name"],
        )
    assert [(g["table_name"], g["p"]) for g in grants] == [
        ("checkpoints", "INSERT,SELECT"),
        ("events", "INSERT,SELECT"),
        ("idempotency_keys", "INSERT,SELECT"),
        ("subject_keys", "INSERT,SELECT"),
    ]


async def test_erasure_destroys_the_key_in_the_transaction_of_its_event(
    services: Services, client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await gql(client, SETUP, {"nip": NIP}, tokens.header(HR, "HR"))
    subject = services.ids.employee_id(NIP)
    assert await services.pool.fetchval(
        "SELECT key IS NOT NULL FROM subject_keys WHERE subject_id = $1", subject
    )
    erased = await gql(client, ERASE, {"nip": NIP}, tokens.header("admin-1", "ADMIN"))
    assert erased["data"]["eraseSubject"] == {"__typename": "EraseSubjectSuccess", "erased": True}
    row = await services.pool.fetchrow(
        "SELECT key, kek_id, erased_at, (SELECT recorded_at FROM events"
        " WHERE event_type = 'EmployeeErased' AND subject_id = $1) AS recorded_at"
        " FROM subject_keys WHERE subject_id = $1",
        subject,
    )
    assert row is not None and row["key"] is None and row["kek_id"] is None
    # now() is the transaction's start: the same instant means the same transaction.
    assert row["erased_at"] == row["recorded_at"]


async def test_a_key_cannot_be_planted_under_another_kek(services: Services) -> None:
    await services.keyring.ensure([services.ids.employee_id(NIP)])
    with pytest.raises(asyncpg.PostgresError, match="the database uses KEK"):
        await services.pool.execute(
            "INSERT INTO subject_keys (subject_id, key, kek_id)"
            " VALUES (gen_random_uuid(), '\\x00', 'not-the-kek')"
        )
