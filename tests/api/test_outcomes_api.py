"""Public-service outcomes over HTTP: the seed's story of DPMPTSP, its outcomes beside its
performance, programme impact with small counts suppressed, and the refusals."""

from __future__ import annotations

from typing import Any

import httpx

from service.services import Services
from tests.api.outcomes_story import (
    AS_EXPECTED,
    BELOW,
    COMPLAINTS,
    DELIVERY,
    NEED,
    Q1,
    Q2,
    STAFF,
    STANDARD,
    SURVEY,
    Story,
)
from tests.conftest import Tokens
from tests.graphql import gql

UNIT = """
{ unit(code: "DPMPTSP") {
    serviceStandards { serviceCode name maxDays version effectiveFrom }
    serviceOutcomes(year: 2026) { periodStart periodEnd ikm grade respondents requiredSample
      sampleSufficient
      deliveries { serviceCode requests completed completedWithinStandard withinStandardRate
        medianDays }
      complaints { received resolved resolutionRate medianResolutionDays } }
    completionRate(year: 2026, period: TRIWULAN_II)
    jpCompliance(year: 2026) { employees compliant }
} }"""
IMPACT = """
{ programmeImpact(year: 2026, unitCode: "DPMPTSP") { note
    cohorts { name employees improved improvedRate }
    units { unitCode trainingCompletions jpComplianceRate withinStandardRateChange
      ikmChange } } }"""


async def _told(client: httpx.AsyncClient, tokens: Tokens) -> Story:
    story = Story(client, tokens)
    await story.staff_and_plans()
    for nip in STAFF:
        assert await story.evaluate(nip, "TRIWULAN_I", BELOW, [NEED]) == "BUTUH_PERBAIKAN"
    await story.training_closing_needs(STAFF[:2])
    for nip in STAFF[:2]:
        assert await story.evaluate(nip, "TRIWULAN_II", AS_EXPECTED, []) == "BAIK"
    assert await story.evaluate(STAFF[2], "TRIWULAN_II", BELOW, [NEED]) == "BUTUH_PERBAIKAN"
    await story.service()
    return story


async def test_dpmptsp_shows_its_service_improving_beside_its_performance(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    story = await _told(client, tokens)
    body = await gql(client, UNIT, headers=story.hr)
    assert "errors" not in body, body
    unit = body["data"]["unit"]
    assert unit["serviceStandards"] == [
        {
            "serviceCode": "NIB",
            "name": "Izin usaha (NIB)",
            "maxDays": 5,
            "version": 1,
            "effectiveFrom": "2025-01-01",
        }
    ]
    q1, q2 = unit["serviceOutcomes"]
    assert (q1["periodStart"], q1["periodEnd"], q2["periodStart"]) == (
        Q1["periodStart"],
        Q1["periodEnd"],
        Q2["periodStart"],
    )
    assert [p["deliveries"][0]["withinStandardRate"] for p in (q1, q2)] == [0.6, 0.85]
    assert [p["deliveries"][0]["medianDays"] for p in (q1, q2)] == [4.0, 4.0]
    assert [(p["ikm"], p["grade"]) for p in (q1, q2)] == [(87.5, "B"), (88.5, "A")]
    assert (q2["respondents"], q2["requiredSample"], q2["sampleSufficient"]) == (200, 278, False)
    assert q1["sampleSufficient"] is True
    assert q1["complaints"] == {
        "received": 12,
        "resolved": 9,
        "resolutionRate": 0.75,
        "medianResolutionDays": None,
    }
    assert q2["complaints"] is None
    assert unit["completionRate"] == 0.75  # three of the four staff evaluated in TRIWULAN_II
    assert unit["jpCompliance"]["compliant"] == 2

    impact = (await gql(client, IMPACT, headers=story.hr))["data"]["programmeImpact"]
    assert "association" in impact["note"].lower() and "causation" in impact["note"].lower()
    assert impact["cohorts"] == [
        {
            "name": "NEED_CLOSED_BY_TRAINING",
            "employees": "<5",
            "improved": "<5",
            "improvedRate": None,
        },
        {"name": "NEED_STAYED_OPEN", "employees": "<5", "improved": "<5", "improvedRate": None},
    ]
    assert impact["units"] == [
        {
            "unitCode": "DPMPTSP",
            "trainingCompletions": "<5",
            "jpComplianceRate": None,
            "withinStandardRateChange": 0.25,
            "ikmChange": 1.0,
        }
    ]


async def _errors(
    client: httpx.AsyncClient, story: Story, query: str, input: dict[str, Any]
) -> Any:
    body = await gql(client, query, {"input": input}, story.hr)
    return next(iter(body["data"].values()))


async def test_refused_outcomes_name_the_field_and_append_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    story = Story(client, tokens)
    await story.staff_and_plans()
    await story.service()
    head = await services.store.head()
    delivery = {
        "unitCode": "DPMPTSP",
        "serviceCode": "NIB",
        "periodStart": "2026-07-01",
        "periodEnd": "2026-09-30",
        "requests": 10,
        "completed": 11,
        "completedWithinStandard": 5,
        "source": "OSS-RBA",
    }
    refused = await _errors(client, story, DELIVERY, delivery)
    assert (refused["__typename"], refused["field"]) == ("ValidationError", "completed")
    refused = await _errors(client, story, DELIVERY, delivery | {"completed": 4})
    assert (refused["__typename"], refused["field"]) == (
        "ValidationError",
        "completedWithinStandard",
    )
    survey = {
        "unitCode": "DPMPTSP",
        "periodStart": "2026-07-01",
        "periodEnd": "2026-09-30",
        "population": 100,
        "respondents": 80,
        "source": "SKM",
    }
    for scores in ([3.0] * 8, [3.0] * 8 + [0.9], [4.1] + [3.0] * 8):
        refused = await _errors(client, story, SURVEY, survey | {"elementScores": scores})
        assert (refused["__typename"], refused["field"]) == ("ValidationError", "elementScores")
    again = await _errors(client, story, SURVEY, survey | Q1 | {"elementScores": [3.0] * 9})
    assert again["__typename"] == "ValidationError"
    limited = tokens.header("hr-dinkes", "HR", unit="DINKES")
    body = await gql(client, DELIVERY, {"input": delivery | {"completed": 9}}, limited)
    assert body["data"]["recordServiceDelivery"]["__typename"] == "NotAuthorized"
    assert await services.store.head() == head


async def test_a_retry_with_the_same_key_returns_the_first_answer_and_a_stale_version_conflicts(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    story = Story(client, tokens)
    await story.staff_and_plans()
    await story.service()
    complaints = {
        "unitCode": "DPMPTSP",
        **Q2,
        "received": 5,
        "resolved": 5,
        "source": "SP4N-LAPOR!",
        "idempotencyKey": "lapor-2026-q2",
    }
    first = await gql(client, COMPLAINTS, {"input": complaints}, story.hr)
    head = await services.store.head()
    again = await gql(client, COMPLAINTS, {"input": complaints}, story.hr)
    assert again == first and await services.store.head() == head
    revised = {
        "unitCode": "DPMPTSP",
        "serviceCode": "NIB",
        "name": "Izin usaha (NIB)",
        "maxDays": 3,
        "effectiveFrom": "2026-07-01",
    }
    stale = await gql(client, STANDARD, {"input": revised | {"expectedVersion": 0}}, story.hr)
    assert stale["data"]["publishServiceStandard"]["__typename"] == "VersionConflict"
    ok = await gql(client, STANDARD, {"input": revised | {"expectedVersion": 1}}, story.hr)
    assert ok["data"]["publishServiceStandard"]["standard"]["version"] == 2
