"""What each role may do: city-wide acts, ADMIN as HR, a token without roles, the export."""

from __future__ import annotations

import io
from typing import Any

import httpx

from service.cli.audit import write_export
from service.services import Services
from tests.api.policy_scenario import (
    BEHAVIOUR,
    CORRECTION,
    FEEDBACK,
    JUSTIFICATION,
    NAME,
    NIP,
    OBJECTION,
    OTHER_EVALUATOR,
    OVERRIDE,
    PENALTY,
    RATIONALE,
    SUPERVISOR,
    PolicyCity,
)
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
PROGRAM = {
    "code": "PPI-01",
    "title": "Pencegahan dan Pengendalian Infeksi",
    "kind": "PELATIHAN",
    "competencyArea": "Analisis Data",
    "jp": 24,
    "provider": "BPSDM Jawa Tengah",
}
RESULT = "__typename ... on NotAuthorized { message }"
CITY_WIDE = {
    "registerUnit": 'mutation { registerUnit(input: {code: "BAPPEDA", name: "Bappeda"})'
    f" {{ {RESULT} }} }}",
    "publishRuleSet": "mutation { publishRuleSet(input: {awardKind: ASN_BERPRESTASI, version: 2,"
    ' effectiveFrom: "2021-01-01", criteria: [{kind: JP_REQUIREMENT_MET}]})'
    f" {{ {RESULT} }} }}",
    "publishTrainingProgram": "mutation($program: PublishTrainingProgramInput!) {"
    f" publishTrainingProgram(input: $program) {{ {RESULT} }} }}",
    "retireTrainingProgram": "mutation($id: ID!) { retireTrainingProgram(input: {programId: $id})"
    f" {{ {RESULT} }} }}",
    "openCycle": f"mutation {{ openCycle(input: {{year: 2027}}) {{ {RESULT} }} }}",
    "closeCycle": f"mutation {{ closeCycle(input: {{year: 2026}}) {{ {RESULT} }} }}",
}


async def _data(client: httpx.AsyncClient, query: str, variables: dict[str, Any], h: Any) -> Any:
    body = await gql(client, query, variables, h)
    assert "errors" not in body, body
    return body["data"]


async def test_unit_limited_hr_is_refused_every_city_wide_act_and_appends_nothing(
    client: httpx.AsyncClient, services: Services, tokens: Tokens
) -> None:
    await PolicyCity.built(client, tokens)
    published = await _data(
        client,
        "mutation($p: PublishTrainingProgramInput!) { publishTrainingProgram(input: $p) {"
        " ... on PublishTrainingProgramSuccess { program { id } } } }",
        {"p": PROGRAM},
        tokens.header(HR, "HR"),
    )
    variables = {
        "id": published["publishTrainingProgram"]["program"]["id"],
        "program": PROGRAM | {"code": "PPI-02"},
    }
    limited = tokens.header(HR, "HR", unit="DINKES")
    head = await services.store.head()
    answers = {
        name: (await _data(client, document, variables, limited))[name]
        for name, document in CITY_WIDE.items()
    }
    assert {n: a["__typename"] for n, a in answers.items()} == dict.fromkeys(
        CITY_WIDE, "NotAuthorized"
    )
    assert all("limited to one unit" in a["message"] for a in answers.values())
    assert await services.store.head() == head
    # The same acts from city-wide HR go through: the refusal is the unit claim's.
    done = await _data(client, CITY_WIDE["registerUnit"], {}, tokens.header(HR, "HR"))
    assert done["registerUnit"]["__typename"] == "RegisterUnitSuccess"


async def test_admin_records_a_disciplinary_penalty_as_hr_may(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await PolicyCity.built(client, tokens)
    recorded = await _data(
        client,
        "mutation($nip: String!) { recordDisciplinaryPenalty(input: {nip: $nip, level: SEDANG,"
        ' date: "2026-02-01", reason: "Absen tanpa keterangan"}) { __typename } }',
        {"nip": NIP},
        tokens.header("admin-1", "ADMIN"),
    )
    assert recorded["recordDisciplinaryPenalty"]["__typename"] == "RecordDisciplinaryPenaltySuccess"


async def test_a_token_without_roles_reads_only_what_an_anonymous_caller_may(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await PolicyCity.built(client, tokens)
    nobody = tokens.header("nobody-1")
    public = await gql(client, "{ __typename publicKey }", headers=nobody)
    assert "errors" not in public and public["data"]["publicKey"]
    for field in (
        "units { code }",
        'unit(code: "DINKES") { code name }',
        "trainingPrograms { edges { node { code } } }",
        "ruleSets { version }",
        "logCheckpoint { size }",
        "inclusionProof(position: 1) { position }",
        f'employee(nip: "{NIP}") {{ id }}',
        f'jpLedger(nip: "{NIP}", year: 2026) {{ earned }}',
    ):
        body = await gql(client, f"{{ {field} }}", headers=nobody)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], field
        assert not any((body["data"] or {}).values()), field


async def test_a_partner_without_pii_reads_no_objection_reason_and_no_override_text(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await PolicyCity.built(client, tokens)
    partner = tokens.header("app-1", "PARTNER")
    trail = await _data(
        client,
        '{ auditTrail(eventType: "EvaluationObjectionFiled")'
        " { edges { node { reason payload } } } }",
        {},
        partner,
    )
    [node] = [e["node"] for e in trail["auditTrail"]["edges"]]
    assert node["payload"]["objection_reason"] == "***" and node["reason"] is None
    assert node["payload"]["unit_code"] == "DINKES"
    unit = await _data(
        client,
        '{ unit(code: "DINKES") { performanceYear(year: 2026) { overrides { justification } } } }',
        {},
        partner,
    )
    assert unit["unit"]["performanceYear"]["overrides"] == [{"justification": None}]


async def test_the_export_carries_no_personal_data_or_free_text_about_a_person_in_the_clear(
    client: httpx.AsyncClient, services: Services, tokens: Tokens
) -> None:
    await PolicyCity.built(client, tokens)
    out = io.StringIO()
    assert await write_export(services, out) == await services.store.head()
    exported = out.getvalue()
    about_the_person = (NAME, NIP, FEEDBACK, BEHAVIOUR, CORRECTION, OBJECTION, PENALTY)
    assert [t for t in (*about_the_person, RATIONALE, JUSTIFICATION) if t in exported] == []
    # The unit's override justification is about no person: it has no key to be sealed under.
    assert OVERRIDE in exported


async def test_an_evaluator_reads_free_text_only_while_they_supervise_the_person(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await PolicyCity.built(client, tokens)
    trail = "{ auditTrail(first: 100) { edges { node { payload } } } }"
    before, other = SUPERVISOR, OTHER_EVALUATOR
    assert FEEDBACK in str(await _data(client, trail, {}, tokens.header(before, "EVALUATOR")))
    assert FEEDBACK not in str(await _data(client, trail, {}, tokens.header(other, "EVALUATOR")))
    moved = await _data(
        client,
        "mutation($nip: String!, $to: String!) { assignSupervisor(input: {nip: $nip,"
        " supervisorNip: $to}) { __typename } }",
        {"nip": NIP, "to": other},
        tokens.header(HR, "HR"),
    )
    assert moved["assignSupervisor"]["__typename"] == "AssignSupervisorSuccess"
    assert FEEDBACK not in str(await _data(client, trail, {}, tokens.header(before, "EVALUATOR")))
    assert FEEDBACK in str(await _data(client, trail, {}, tokens.header(other, "EVALUATOR")))
