"""Erasure by crypto-shredding: the person becomes unreadable everywhere, the log still verifies."""

from __future__ import annotations

import io

import httpx

from service.cli.audit import verify_database, verify_lines, write_export
from service.services import Services
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
NIP = "198503152010011002"
NAME = "Sri Wahyuni Erasable"

SETUP = """
mutation($nip: String!, $name: String!) {
  registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"}) { __typename }
  registerEmployee(input: {nip: $nip, name: $name, employmentType: PNS, unitCode: "DINKES",
      positionKind: PELAKSANA, positionTitle: "Perawat"}) { __typename }
}"""

ERASE = """
mutation($nip: String!, $reason: String!) {
  eraseSubject(input: {nip: $nip, reason: $reason}) {
    __typename ... on EraseSubjectSuccess { erased position }
    ... on NotAuthorized { message } ... on ValidationError { field }
  }
}"""


async def _read_tables_text(services: Services) -> str:
    names = [t.name for p in services.projector.projections for t in p.tables]
    parts: list[str] = []
    for name in names:
        rows = await services.pool.fetch(f"SELECT t::text AS row FROM {name} t")
        parts.extend(r["row"] for r in rows)
    return "\n".join(parts)


async def test_an_erased_person_is_readable_nowhere_and_the_log_still_verifies(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    hr = tokens.header(HR, "HR")
    body = await gql(client, SETUP, {"nip": NIP, "name": NAME}, hr)
    assert body["data"]["registerEmployee"]["__typename"] == "RegisterEmployeeSuccess"
    raw = await services.pool.fetch("SELECT payload, metadata::text AS meta FROM events")
    assert all(NIP.encode() not in r["payload"] and NAME.encode() not in r["payload"] for r in raw)
    await services.transparency.checkpoint()

    as_of = "query($n: String!, $at: DateTime!) { employeeAsOf(nip: $n, at: $at) { nip name } }"
    now = {"n": NIP, "at": "2999-01-01T00:00:00Z"}
    auditor = tokens.header("auditor-1", "AUDITOR")
    before = await gql(client, as_of, now, auditor)
    assert before["data"]["employeeAsOf"] == {"nip": NIP, "name": NAME}
    refused = await gql(client, ERASE, {"nip": NIP, "reason": "request"}, hr)
    assert refused["data"]["eraseSubject"]["__typename"] == "NotAuthorized"
    admin = tokens.header("admin-1", "ADMIN")
    erased = await gql(
        client, ERASE, {"nip": NIP, "reason": "subject's request, PDP art. 8"}, admin
    )
    assert erased["data"]["eraseSubject"]["erased"] is True

    gone = await gql(client, "query($n: String!) { employee(nip: $n) { name } }", {"n": NIP}, hr)
    assert gone["data"]["employee"] is None
    listing = await gql(
        client, "{ employees { edges { node { nip name unit { code } } } } }", headers=hr
    )
    assert listing["data"]["employees"]["edges"] == [
        {"node": {"nip": None, "name": None, "unit": {"code": "DINKES"}}}
    ]
    after = await gql(client, as_of, now, auditor)
    assert after["data"]["employeeAsOf"] == {"nip": None, "name": None}
    tables = await _read_tables_text(services)
    assert NIP not in tables and NAME not in tables
    raw = await services.pool.fetch("SELECT payload, metadata::text AS meta FROM events")
    assert all(NIP.encode() not in r["payload"] and NAME.encode() not in r["payload"] for r in raw)
    assert all(NIP not in r["meta"] for r in raw)
    export = io.StringIO()
    await write_export(services, export)
    assert NIP not in export.getvalue() and NAME not in export.getvalue()

    trail = await gql(
        client,
        "query($n: String!) { auditTrail(nip: $n) { edges { node { type payload } } } }",
        {"n": NIP},
        tokens.header("auditor-1", "AUDITOR"),
    )
    nodes = [e["node"] for e in trail["data"]["auditTrail"]["edges"]]
    assert [n["type"] for n in nodes] == ["EmployeeRegistered", "EmployeeErased"]
    assert nodes[0]["payload"]["nip"] is None and nodes[0]["payload"]["name"] is None
    assert NIP not in str(trail) and NAME not in str(trail)

    export.seek(0)
    assert verify_lines(export, services.transparency.signer.public_key_b64()).ok
    assert (await verify_database(services)).ok
