"""Competency development over HTTP: the catalogue, completions, the JP ledger and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from service.services import Services
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
NURSE = "198503152010011002"
TEACHER = "198807122012012003"
PPPK = "199001012023212001"

PUBLISH = """
mutation($input: PublishTrainingProgramInput!) {
  publishTrainingProgram(input: $input) {
    __typename
    ... on PublishTrainingProgramSuccess { program { id code kind classical sector advanced } }
    ... on ValidationError { message field }
  }
}"""
RECORD = """
mutation($input: RecordTrainingCompletionInput!) {
  recordTrainingCompletion(input: $input) {
    __typename
    ... on RecordTrainingCompletionSuccess { completion { id jp completedOn revoked
      program { code } employee { nip } } position }
    ... on ValidationError { message field }
    ... on RuleViolation { message rule }
    ... on NotFound { message }
    ... on NotAuthorized { message }
  }
}"""
REVOKE = """
mutation($id: ID!) {
  revokeTrainingCompletion(input: {completionId: $id, reason: "certificate was not issued"}) {
    __typename ... on RevokeTrainingCompletionSuccess { completion { revoked } }
  }
}"""
ENROL = """
mutation($nip: String!, $program: ID!, $need: String) {
  enrollInTraining(input: {nip: $nip, programId: $program, developmentNeed: $need}) {
    __typename
    ... on EnrollInTrainingSuccess { enrolment { program { code } developmentNeed } }
    ... on RuleViolation { message rule }
    ... on NotAuthorized { message }
  }
}"""
LEDGER = """
query($nip: String!, $year: Int!) {
  jpLedger(nip: $nip, year: $year) { year earned required cap remaining compliant aboveCap
    ruleVersion entries { programId jp completedOn revoked } }
}"""


class Office:
    """The city's HR office speaking to the API in a test."""

    def __init__(self, client: httpx.AsyncClient, tokens: Tokens) -> None:
        self.client, self.tokens = client, tokens
        self.certificates = 0

    async def call(
        self, query: str, variables: dict[str, Any], sub: str = HR, role: str = "HR"
    ) -> dict[str, Any]:
        body = await gql(self.client, query, variables, self.tokens.header(sub, role))
        assert "errors" not in body, body
        data: dict[str, Any] = next(iter(body["data"].values()))
        return data

    async def unit_and_employee(self, unit: str, name: str, nip: str, kind: str = "PNS") -> None:
        await gql(
            self.client,
            "mutation($c: String!, $n: String!) { registerUnit(input: {code: $c, name: $n})"
            " { __typename } }",
            {"c": unit, "n": name},
            self.tokens.header(HR, "HR"),
        )
        registered = await self.call(
            "mutation($nip: String!, $unit: String!, $kind: EmploymentType!) {"
            ' registerEmployee(input: {nip: $nip, name: "Dewi", employmentType: $kind,'
            ' unitCode: $unit, positionKind: FUNGSIONAL, positionTitle: "Fungsional"})'
            " { __typename } }",
            {"nip": nip, "unit": unit, "kind": kind},
        )
        assert registered["__typename"] == "RegisterEmployeeSuccess"

    async def program(self, code: str, jp: int = 8, **extra: Any) -> str:
        fields = {
            "code": code,
            "title": f"Programme {code}",
            "kind": "PELATIHAN",
            "competencyArea": "Pelayanan publik",
            "jp": jp,
            "provider": "BPSDM",
        }
        published = await self.call(PUBLISH, {"input": fields | extra})
        assert published["__typename"] == "PublishTrainingProgramSuccess", published
        return str(published["program"]["id"])

    async def complete(self, nip: str, program: str, on: str, **extra: Any) -> dict[str, Any]:
        self.certificates += 1
        fields = {
            "nip": nip,
            "programId": program,
            "completedOn": on,
            "certificateNumber": f"SERT/{self.certificates:04d}/2025",
        }
        return await self.call(RECORD, {"input": fields | extra})

    async def ledger(self, nip: str, year: int) -> dict[str, Any]:
        return await self.call(LEDGER, {"nip": nip, "year": year})


async def test_a_pns_reaches_20_jp_and_falls_back_when_a_completion_is_revoked(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = Office(client, tokens)
    await hr.unit_and_employee("DINKES", "Dinas Kesehatan", NURSE)
    program = await hr.program("DKK-01", jp=12)
    first = await hr.complete(NURSE, program, "2025-03-04")
    assert first["__typename"] == "RecordTrainingCompletionSuccess", first
    ledger = await hr.ledger(NURSE, 2025)
    assert (ledger["earned"], ledger["required"], ledger["remaining"]) == (12, 20, 8)
    assert ledger["compliant"] is False
    await hr.complete(NURSE, program, "2025-10-01", jp=8)
    ledger = await hr.ledger(NURSE, 2025)
    assert (ledger["earned"], ledger["remaining"], ledger["compliant"]) == (20, 0, True)
    revoked = await hr.call(REVOKE, {"id": first["completion"]["id"]})
    assert revoked == {
        "__typename": "RevokeTrainingCompletionSuccess",
        "completion": {"revoked": True},
    }
    ledger = await hr.ledger(NURSE, 2025)
    assert (ledger["earned"], ledger["compliant"]) == (8, False)
    assert [(e["jp"], e["revoked"]) for e in ledger["entries"]] == [(12, True), (8, False)]
    mine = await hr.call(
        "query($nip: String!) { employee(nip: $nip) { jp(year: 2025) { earned compliant } } }",
        {"nip": NURSE},
        sub=NURSE,
        role="EMPLOYEE",
    )
    assert mine == {"jp": {"earned": 8, "compliant": False}}


async def test_a_pppk_above_the_cap_is_flagged_with_every_jp_recorded(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = Office(client, tokens)
    await hr.unit_and_employee("DINKES", "Dinas Kesehatan", PPPK, kind="PPPK")
    program = await hr.program("DKK-02", jp=15)
    for on in ("2025-02-01", "2025-08-01"):
        done = await hr.complete(PPPK, program, on)
        assert done["__typename"] == "RecordTrainingCompletionSuccess"
    ledger = await hr.ledger(PPPK, 2025)
    assert (ledger["earned"], ledger["cap"], ledger["aboveCap"]) == (30, 24, True)
    assert (ledger["required"], ledger["compliant"], len(ledger["entries"])) == (0, True, 2)


async def test_a_completion_dated_in_an_earlier_year_counts_to_that_year(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = Office(client, tokens)
    await hr.unit_and_employee("DINKES", "Dinas Kesehatan", NURSE)
    program = await hr.program("DKK-03", jp=6)
    await hr.complete(NURSE, program, "2025-12-30")
    assert (await hr.ledger(NURSE, 2025))["earned"] == 6
    recorded_year = datetime.now(UTC).year
    assert (await hr.ledger(NURSE, recorded_year))["earned"] == 0
    trail = await hr.call(
        'query($nip: String!) { auditTrail(nip: $nip, eventType: "TrainingCompletionRecorded")'
        " { edges { node { effectiveDate } } } }",
        {"nip": NURSE},
    )
    assert [e["node"]["effectiveDate"] for e in trail["edges"]] == ["2025-12-30"]


async def test_refused_completions_say_why_and_append_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    hr = Office(client, tokens)
    await hr.unit_and_employee("DINKES", "Dinas Kesehatan", NURSE)
    program = await hr.program("DKK-04")
    retired = await hr.program("DKK-OLD")
    await hr.call(
        "mutation($id: ID!) { retireTrainingProgram(input: {programId: $id}) { __typename } }",
        {"id": retired},
    )
    taken = await hr.complete(NURSE, program, "2025-05-05")
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    head = await services.store.head()
    assert taken["__typename"] == "RecordTrainingCompletionSuccess"
    duplicate = {"certificateNumber": " sert/0001/2025 "}
    cases: list[tuple[str, dict[str, Any], str, str]] = [
        (NURSE, {"programId": retired}, "RuleViolation", "program_retired"),
        (NURSE, {"completedOn": tomorrow}, "ValidationError", "completedOn"),
        (NURSE, {"jp": 0}, "ValidationError", "jp"),
        (NURSE, {"jp": -4}, "ValidationError", "jp"),
        (NURSE, duplicate, "ValidationError", "certificateNumber"),
        (NURSE, {"programId": "5b0e7c52-3d6c-4f7e-9a51-1f2a3b4c5d6e"}, "NotFound", ""),
        ("199912312020011001", {}, "NotFound", ""),
    ]
    for nip, change, kind, where in cases:
        refused = await hr.complete(nip, program, "2025-05-06", **change)
        assert refused["__typename"] == kind, (change, refused)
        assert refused["message"], refused
        assert refused.get("field", refused.get("rule", "")) == where, refused
    assert await services.store.head() == head


async def test_a_health_training_for_dinas_kesehatan_staff(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = Office(client, tokens)
    await hr.unit_and_employee("DINKES", "Dinas Kesehatan", NURSE)
    program = await hr.program(
        "DKK-PPI",
        jp=20,
        title="Pencegahan dan Pengendalian Infeksi di Puskesmas",
        competencyArea="Pengendalian infeksi",
        sector="kesehatan",
    )
    done = await hr.complete(NURSE, program, "2025-06-20", score=87.5)
    assert done["completion"]["program"] == {"code": "DKK-PPI"}
    catalogue = await hr.call(
        "{ trainingPrograms(first: 10) { edges { node { code sector participants completions } } }"
        " }",
        {},
    )
    assert catalogue["edges"] == [
        {"node": {"code": "DKK-PPI", "sector": "kesehatan", "participants": 1, "completions": 1}}
    ]
    unit = await hr.call(
        '{ unit(code: "DINKES") { jpCompliance(year: 2025) { employees compliant rate } } }', {}
    )
    assert unit == {"jpCompliance": {"employees": 1, "compliant": 1, "rate": 1.0}}


async def test_a_workshop_with_resource_persons_for_dinas_pendidikan(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = Office(client, tokens)
    await hr.unit_and_employee("DISDIK", "Dinas Pendidikan", TEACHER)
    program = await hr.program(
        "DISDIK-WS-01",
        jp=16,
        kind="WORKSHOP",
        title="Workshop Kurikulum Merdeka",
        competencyArea="Pembelajaran berdiferensiasi",
        sector="pendidikan",
        provider="Narasumber: Universitas Kristen Satya Wacana",
    )
    enrolled = await hr.call(
        ENROL, {"nip": TEACHER, "program": program}, sub=TEACHER, role="EMPLOYEE"
    )
    assert enrolled["__typename"] == "EnrollInTrainingSuccess", enrolled
    someone_else = await hr.call(
        ENROL, {"nip": TEACHER, "program": program}, sub=NURSE, role="EMPLOYEE"
    )
    assert someone_else["__typename"] == "NotAuthorized"
    await hr.complete(TEACHER, program, "2025-07-14")
    ledger = await hr.ledger(TEACHER, 2025)
    assert (ledger["earned"], ledger["remaining"]) == (16, 4)
    listed = await hr.call(
        "{ trainingPrograms { edges { node { kind classical participants"
        " enrolments completions } } } }",
        {},
    )
    assert listed["edges"][0]["node"] == {
        "kind": "WORKSHOP",
        "classical": True,
        "participants": 1,
        "enrolments": 1,
        "completions": 1,
    }


async def test_advanced_training_waits_for_a_granted_opportunity(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = Office(client, tokens)
    await hr.unit_and_employee("DINKES", "Dinas Kesehatan", NURSE)
    program = await hr.program("PIM-III", jp=40, advanced=True)
    refused = await hr.call(ENROL, {"nip": NURSE, "program": program})
    assert refused["__typename"] == "RuleViolation"
    assert refused["rule"] == "advanced_training_opportunity"


EVALUATE = """
mutation($nip: String!, $needs: [String!]) {
  submitEvaluation(input: {nip: $nip, year: 2026, period: TRIWULAN_I,
      targetRatings: [{targetIndex: 0, rating: SESUAI_EKSPEKTASI}],
      behaviourRating: SESUAI_EKSPEKTASI, feedback: "Perlu pendalaman PPI",
      behaviourNotes: [{value: BERORIENTASI_PELAYANAN, note: "ramah"},
        {value: AKUNTABEL, note: "tepat waktu"}, {value: KOMPETEN, note: "cukup"},
        {value: HARMONIS, note: "baik"}, {value: LOYAL, note: "baik"},
        {value: ADAPTIF, note: "baik"}, {value: KOLABORATIF, note: "baik"}],
      developmentNeeds: $needs}) {
    __typename ... on SubmitEvaluationSuccess { evaluation { id } }
    ... on ValidationError { message field } ... on RuleViolation { message rule }
  }
}"""
NEEDS = "query($nip: String!) { employee(nip: $nip) { developmentNeeds } }"


async def _evaluated_with_a_need(hr: Office, supervisor: str, need: str) -> None:
    """The nurse's first-quarter evaluation names a development need and is finalised."""
    await hr.call("mutation { openCycle(input: {year: 2026}) { __typename } }", {})
    plan = await hr.call(
        "mutation($nip: String!) { agreePerformancePlan(input: {nip: $nip, year: 2026,"
        ' targets: [{title: "Layanan imunisasi", indicator: "cakupan", target: "95%",'
        " main: true}]}) { __typename ... on ValidationError { message field } } }",
        {"nip": NURSE},
        sub=supervisor,
        role="EVALUATOR",
    )
    assert plan["__typename"] == "AgreePerformancePlanSuccess", plan
    submitted = await hr.call(
        EVALUATE, {"nip": NURSE, "needs": [need]}, sub=supervisor, role="EVALUATOR"
    )
    assert submitted["__typename"] == "SubmitEvaluationSuccess", submitted
    finalised = await hr.call(
        "mutation($id: ID!) { finalizeEvaluation(input: {evaluationId: $id}) { __typename } }",
        {"id": submitted["evaluation"]["id"]},
        sub=supervisor,
        role="EVALUATOR",
    )
    assert finalised["__typename"] == "FinalizeEvaluationSuccess", finalised


async def test_a_development_need_from_an_evaluation_is_closed_by_a_matching_completion(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = Office(client, tokens)
    supervisor = "197001012000011001"
    await hr.unit_and_employee("DINKES", "Dinas Kesehatan", supervisor)
    registered = await hr.call(
        "mutation($nip: String!, $sup: String!) { registerEmployee(input: {nip: $nip,"
        ' name: "Sri", employmentType: PNS, unitCode: "DINKES", positionKind: PELAKSANA,'
        ' positionTitle: "Perawat", supervisorNip: $sup}) { __typename } }',
        {"nip": NURSE, "sup": supervisor},
    )
    assert registered["__typename"] == "RegisterEmployeeSuccess"
    await _evaluated_with_a_need(hr, supervisor, "Pengendalian Infeksi")
    assert await hr.call(NEEDS, {"nip": NURSE}) == {"developmentNeeds": ["Pengendalian Infeksi"]}
    other = await hr.program("DKK-ADM", competencyArea="Administrasi kepegawaian")
    ppi = await hr.program("DKK-PPI-2", jp=12, competencyArea="pengendalian infeksi")
    enrolled = await hr.call(
        ENROL,
        {"nip": NURSE, "program": ppi, "need": "Pengendalian infeksi"},
        sub=supervisor,
        role="EVALUATOR",
    )
    assert enrolled["enrolment"]["developmentNeed"] == "Pengendalian Infeksi", enrolled
    await hr.complete(NURSE, other, "2026-03-01")
    assert await hr.call(NEEDS, {"nip": NURSE}) == {"developmentNeeds": ["Pengendalian Infeksi"]}
    done = await hr.complete(NURSE, ppi, "2026-04-02")
    assert await hr.call(NEEDS, {"nip": NURSE}) == {"developmentNeeds": []}
    await hr.call(REVOKE, {"id": done["completion"]["id"]})
    assert await hr.call(NEEDS, {"nip": NURSE}) == {"developmentNeeds": ["Pengendalian Infeksi"]}
