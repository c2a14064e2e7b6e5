"""A unit-limited HR token trying to reach past its unit, by every door it has."""

from __future__ import annotations

import httpx

from service.services import Services
from tests.api.policy_scenario import FEEDBACK, NAME, NIP, PolicyCity
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"


async def test_unit_limited_hr_reads_and_acts_nowhere_outside_its_unit(
    client: httpx.AsyncClient, services: Services, tokens: Tokens
) -> None:
    await PolicyCity.built(client, tokens)
    outside = tokens.header(HR, "HR", unit="DISDIK")
    listed = await gql(
        client, '{ employees(unitCode: "DINKES") { edges { cursor } } }', None, outside
    )
    assert [e["extensions"]["code"] for e in listed["errors"]] == ["FORBIDDEN"]
    for query in (
        f'{{ employee(nip: "{NIP}") {{ name }} }}',
        f'{{ employeeAsOf(nip: "{NIP}", at: "2999-01-01T00:00:00Z") {{ name }} }}',
        "{ employees(first: 50) { edges { node { name unit { code } } } } }",
        f'{{ auditTrail(nip: "{NIP}", first: 100) {{ edges {{ node {{ actor reason payload }} }}'
        " } }",
        "{ awardDecisions { edges { node { nominee { name } overrideJustification } } } }",
    ):
        body = await gql(client, query, None, outside)
        assert "errors" not in body, body
        assert NAME not in str(body) and NIP not in str(body) and FEEDBACK not in str(body), query
    head = await services.store.head()
    refused = await gql(
        client,
        "mutation($nip: String!) { recordDisciplinaryPenalty(input: {nip: $nip, level: RINGAN,"
        ' date: "2026-01-06", reason: "x"}) { __typename } }',
        {"nip": NIP},
        outside,
    )
    assert refused["data"]["recordDisciplinaryPenalty"]["__typename"] == "NotAuthorized"
    assert await services.store.head() == head
