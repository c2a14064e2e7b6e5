"""Abuse of the public-service outcome operations: every bad input a coded answer, nothing
appended, nothing read without a role that may read it, bounded work."""

from __future__ import annotations

import httpx

from service.services import Services
from tests.api.outcomes_story import DELIVERY, SURVEY, Story
from tests.conftest import Tokens
from tests.graphql import gql

OUTCOMES = '{ unit(code: "DPMPTSP") { serviceOutcomes(year: 2026) { ikm } } }'


async def _story(client: httpx.AsyncClient, tokens: Tokens) -> Story:
    story = Story(client, tokens)
    await story.staff_and_plans()
    await story.service()
    return story


async def test_reads_need_a_token_and_a_role_that_reads_unit_views(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    await _story(client, tokens)
    anonymous = await gql(client, OUTCOMES)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    employee = await gql(client, OUTCOMES, headers=tokens.header("198503152010011002", "EMPLOYEE"))
    assert employee["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    impact = "{ programmeImpact(year: 2026) { note } }"
    assert (await gql(client, impact))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    partner = await gql(client, OUTCOMES, headers=tokens.header("app-1", "PARTNER"))
    assert partner["data"]["unit"]["serviceOutcomes"][0]["ikm"] == 87.5


async def test_bad_query_arguments_are_bad_user_input_or_not_found(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    story = await _story(client, tokens)
    cases = {
        '{ unit(code: "DPMPTSP") { serviceOutcomes(year: 99999) { ikm } } }': "BAD_USER_INPUT",
        "{ programmeImpact(year: 1800) { note } }": "BAD_USER_INPUT",
        '{ programmeImpact(year: 2026, unitCode: "no such unit!") { note } }': "BAD_USER_INPUT",
        '{ programmeImpact(year: 2026, unitCode: "NOWHERE") { note } }': "NOT_FOUND",
    }
    for query, code in cases.items():
        body = await gql(client, query, headers=story.hr)
        assert body["errors"][0]["extensions"]["code"] == code, (query, body)


async def test_hostile_inputs_are_refused_with_a_field_and_append_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    story = await _story(client, tokens)
    head = await services.store.head()
    base = {
        "unitCode": "DPMPTSP",
        "serviceCode": "NIB",
        "periodStart": "2026-07-01",
        "periodEnd": "2026-09-30",
        "requests": 10,
        "completed": 9,
        "completedWithinStandard": 5,
        "source": "OSS",
    }
    refusals = [
        (DELIVERY, base | {"periodEnd": "2026-06-30"}, "periodEnd"),
        (DELIVERY, base | {"periodStart": "2020-01-01"}, "periodEnd"),
        (DELIVERY, base | {"periodEnd": "2099-12-31", "periodStart": "2099-10-01"}, "periodEnd"),
        (DELIVERY, base | {"medianDays": -1.0}, "medianDays"),
        (DELIVERY, base | {"source": "   "}, "source"),
        (DELIVERY, base | {"source": "x" * 5000}, "source"),
        (DELIVERY, base | {"serviceCode": "KTP"}, "serviceCode"),
        (DELIVERY, base | {"unitCode": "DPMPTSP'; DROP TABLE events; --"}, "unitCode"),
        (DELIVERY, base | {"requests": 2_000_000_000, "completed": 0}, "requests"),
    ]
    survey = {
        "unitCode": "DPMPTSP",
        "periodStart": "2026-07-01",
        "periodEnd": "2026-09-30",
        "population": 100,
        "respondents": 80,
        "source": "SKM",
    }
    refusals += [
        (SURVEY, survey | {"elementScores": [3.0] * 10_000}, "elementScores"),
        (SURVEY, survey | {"elementScores": [3.0] * 9, "population": 0}, "population"),
        (SURVEY, survey | {"elementScores": [3.0] * 9, "respondents": 101}, "respondents"),
    ]
    for query, variables, field in refusals:
        body = await gql(client, query, {"input": variables}, story.hr)
        answer = next(iter(body["data"].values()))
        assert (answer["__typename"], answer.get("field")) == ("ValidationError", field), answer
    overflow = await gql(client, DELIVERY, {"input": base | {"requests": 2**40}}, story.hr)
    assert overflow["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await services.store.head() == head


async def test_outcome_events_are_in_the_audit_trail(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    await _story(client, tokens)
    query = """query($type: String!) { auditTrail(eventType: $type, first: 10) {
      edges { node { type actorRole effectiveDate payload } } } }"""
    auditor = tokens.header("auditor-1", "AUDITOR")
    body = await gql(client, query, {"type": "SatisfactionSurveyRecorded"}, auditor)
    nodes = [e["node"] for e in body["data"]["auditTrail"]["edges"]]
    assert [n["effectiveDate"] for n in nodes] == ["2026-03-31", "2026-06-30"]
    assert nodes[0]["payload"]["ikm"] == "87.50" and nodes[0]["actorRole"] == "HR"
