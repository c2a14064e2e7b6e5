"""A unit's performance year over HTTP: distribution bounds, overrides, unit-limited HR, talent."""

from __future__ import annotations

import httpx
import pytest

from service.services import Services
from tests.api.performance_scenario import (
    ABOVE,
    AS_EXPECTED,
    EMPLOYEE,
    FINALIZE,
    HR,
    NIP,
    Api,
)
from tests.conftest import Tokens


@pytest.fixture
async def api(client: httpx.AsyncClient, tokens: Tokens) -> Api:
    return await Api.started(client, tokens)


async def test_an_override_lets_an_annual_predicate_outside_the_bounds_pass_flagged(
    api: Api,
) -> None:
    set_org = (
        'mutation { setOrganizationPredicate(input: {unitCode: "DINKES", year: 2026,'
        " predicate: SANGAT_KURANG}) { __typename } }"
    )
    assert (await api(set_org, {}, api.hr))["setOrganizationPredicate"] == {
        "__typename": "SetOrganizationPredicateSuccess"
    }
    refused = await api.evaluate([ABOVE], ABOVE, period="TAHUNAN")
    assert refused["__typename"] == "RuleViolation"
    assert refused["rule"] == "distribution"
    override = (
        'mutation { recordDistributionOverride(input: {unitCode: "DINKES", year: 2026,'
        ' justification: "Unit meraih penghargaan nasional."}) { __typename } }'
    )
    await api(override, {}, api.hr)
    evaluations = await api(EMPLOYEE, {"nip": NIP}, api.hr)
    evaluation_id = evaluations["employee"]["evaluations"][0]["id"]
    final = (await api(FINALIZE, {"id": evaluation_id}, api.supervisor))["finalizeEvaluation"]
    assert final["evaluation"]["flagged"] is True
    assert final["evaluation"]["overrideJustification"] == "Unit meraih penghargaan nasional."
    assert final["evaluation"]["distributionRuleVersion"] == 1
    year = await api(
        '{ unit(code: "DINKES") { performanceYear(year: 2026) { organizationPredicate'
        " flaggedEvaluations overrides { justification } } } }",
        {},
        api.hr,
    )
    assert year["unit"]["performanceYear"] == {
        "organizationPredicate": "SANGAT_KURANG",
        "flaggedEvaluations": 1,
        "overrides": [{"justification": "Unit meraih penghargaan nasional."}],
    }


async def test_potential_and_the_talent_box(api: Api) -> None:
    await api.evaluate([AS_EXPECTED], AS_EXPECTED)
    recorded = await api(
        f'mutation {{ recordPotential(input: {{nip: "{NIP}", year: 2026, level: TINGGI}})'
        " { __typename ... on RecordPotentialSuccess { employee { talentBox } } } }",
        {},
        api.hr,
    )
    assert recorded["recordPotential"]["employee"] == {"talentBox": 8}


async def test_an_hr_token_limited_to_another_unit_is_refused(
    api: Api, tokens: Tokens, services: Services
) -> None:
    elsewhere = tokens.header(HR, "HR", unit="DISDIK")
    head = await services.store.head()
    set_org = await api(
        'mutation { setOrganizationPredicate(input: {unitCode: "DINKES", year: 2026,'
        " predicate: BAIK}) { __typename } }",
        {},
        elsewhere,
    )
    assert set_org["setOrganizationPredicate"]["__typename"] == "NotAuthorized"
    potential = await api(
        f'mutation {{ recordPotential(input: {{nip: "{NIP}", year: 2026, level: RENDAH}})'
        " { __typename } }",
        {},
        elsewhere,
    )
    assert potential["recordPotential"]["__typename"] == "NotAuthorized"
    assert await services.store.head() == head
    own_unit = tokens.header(HR, "HR", unit="DINKES")
    allowed = await api(
        f'mutation {{ recordPotential(input: {{nip: "{NIP}", year: 2026, level: RENDAH}})'
        " { __typename } }",
        {},
        own_unit,
    )
    assert allowed["recordPotential"]["__typename"] == "RecordPotentialSuccess"
