"""Replaying the log: the employee as of a moment, and read tables checked against a rebuild."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from service.cli.projections import verify_projections
from service.services import Services
from tests.api.test_training_api import NURSE, Office
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
NIP = "198503152010011002"

SETUP = """
mutation($nip: String!) {
  a: registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"}) { __typename }
  b: registerUnit(input: {code: "DISDIK", name: "Dinas Pendidikan"}) { __typename }
  registerEmployee(input: {nip: $nip, name: "Budi Santoso", employmentType: PNS,
      unitCode: "DINKES", positionKind: PELAKSANA, positionTitle: "Pengadministrasi"}) {
    __typename }
  transferEmployee(input: {nip: $nip, unitCode: "DISDIK"}) { __typename }
}"""

AS_OF = """
query($nip: String!, $at: DateTime!) {
  employeeAsOf(nip: $nip, at: $at) { name unit { code name } version }
}"""


async def test_employee_as_of_shows_the_unit_of_that_moment(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = tokens.header(HR, "HR")
    body = await gql(client, SETUP, {"nip": NIP}, hr)
    assert body["data"]["transferEmployee"]["__typename"] == "TransferEmployeeSuccess"
    trail = await gql(
        client,
        "query($n: String!) { auditTrail(nip: $n) { edges { node { type recordedAt } } } }",
        {"n": NIP},
        hr,
    )
    moments = {
        e["node"]["type"]: datetime.fromisoformat(e["node"]["recordedAt"])
        for e in trail["data"]["auditTrail"]["edges"]
    }
    registered, transferred = moments["EmployeeRegistered"], moments["EmployeeTransferred"]
    tick = timedelta(microseconds=1)
    auditor = tokens.header("auditor-1", "AUDITOR")

    async def unit_at(at: datetime) -> object:
        answer = await gql(client, AS_OF, {"nip": NIP, "at": at.isoformat()}, auditor)
        employee = answer["data"]["employeeAsOf"]
        return employee["unit"]["code"] if employee else None

    assert await unit_at(registered - tick) is None
    assert await unit_at(registered) == "DINKES"
    assert await unit_at(transferred - tick) == "DINKES"
    assert await unit_at(transferred) == "DISDIK"
    partner = await gql(
        client, AS_OF, {"nip": NIP, "at": transferred.isoformat()}, tokens.header("app", "PARTNER")
    )
    assert partner["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_projection_verification_reports_a_row_changed_by_hand(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    await gql(client, SETUP, {"nip": NIP}, tokens.header(HR, "HR"))
    assert await verify_projections(services) == []
    await services.pool.execute("UPDATE directory_employees SET position_title = 'Kepala'")
    differences = await verify_projections(services)
    assert [d.table for d in differences] == ["directory_employees"]
    assert "position_title" in differences[0].describe()


async def test_every_field_of_an_employee_as_of_reads_the_replayed_views(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = Office(client, tokens)
    await hr.unit_and_employee("DINKES", "Dinas Kesehatan", NURSE)
    program = await hr.program("DKK-01", jp=12)
    first = await hr.complete(NURSE, program, "2025-03-04")
    await hr.complete(NURSE, program, "2025-10-01", jp=8)
    query = (
        "query($nip: String!, $p: Int!) { employeeAtPosition(nip: $nip, position: $p)"
        " { unit { code } jp(year: 2025) { earned compliant } } }"
    )
    auditor = tokens.header("auditor-1", "AUDITOR")
    then = await gql(client, query, {"nip": NURSE, "p": first["position"]}, auditor)
    assert then["data"]["employeeAtPosition"] == {
        "unit": {"code": "DINKES"},
        "jp": {"earned": 12, "compliant": False},
    }
    now = await gql(client, query, {"nip": NURSE, "p": 10_000}, auditor)
    assert now["data"]["employeeAtPosition"]["jp"] == {"earned": 20, "compliant": True}
