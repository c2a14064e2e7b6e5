"""Who reads what in the audit trail: auditors everything, partners no personal data."""

from __future__ import annotations

import httpx

from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
NIP = "198503152010011002"
TRAIL = "query($n: String) { auditTrail(nip: $n) { edges { node { type actor reason payload } } } }"


async def test_auditors_read_everything_and_partners_no_personal_data(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = tokens.header(HR, "HR")
    await gql(
        client,
        'mutation { registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"})'
        " { __typename } }",
        headers=hr,
    )
    await gql(
        client,
        'mutation($nip: String!) { registerEmployee(input: {nip: $nip, name: "Sri Wahyuni",'
        ' employmentType: PNS, unitCode: "DINKES", positionKind: PELAKSANA,'
        ' positionTitle: "Perawat"}) { __typename } }',
        {"nip": NIP},
        hr,
    )
    auditor = await gql(client, TRAIL, {"n": NIP}, tokens.header("auditor-1", "AUDITOR"))
    [seen] = [e["node"] for e in auditor["data"]["auditTrail"]["edges"]]
    assert (seen["payload"]["nip"], seen["payload"]["name"], seen["actor"]) == (
        NIP,
        "Sri Wahyuni",
        HR,
    )
    for partner in (
        tokens.header("app-1", "PARTNER"),
        tokens.header("app-1", "PARTNER", scopes=["events"]),
    ):
        body = await gql(client, TRAIL, {"n": None}, partner)
        nodes = [e["node"] for e in body["data"]["auditTrail"]["edges"]]
        assert [n["type"] for n in nodes] == ["UnitRegistered", "EmployeeRegistered"]
        assert NIP not in str(body) and "Sri Wahyuni" not in str(body) and HR not in str(body)
        assert nodes[1]["payload"]["nip"] == "***"
    granted = await gql(
        client, TRAIL, {"n": None}, tokens.header("app-2", "PARTNER", scopes=["pii"])
    )
    assert "Sri Wahyuni" in str(granted)
    employee = await gql(client, TRAIL, {"n": HR}, tokens.header(NIP, "EMPLOYEE"))
    assert employee["errors"][0]["extensions"]["code"] == "FORBIDDEN"
