"""Awards over HTTP: the seed's story end to end, inspectors, partners and the fairness summary."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from domain.evaluation import local_day
from service.services import Services, build_services, close_services
from service.settings import Settings
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
BOSS = "197001012000011001"
STAFF = "198503152010011002"
# Decisions use today's date, so the scenario happens in the current year.
YEAR = local_day(datetime.now(UTC)).year
CORE_VALUES = ["BERORIENTASI_PELAYANAN", "AKUNTABEL", "KOMPETEN", "HARMONIS", "LOYAL", "ADAPTIF"]
NOTES = [{"value": v, "note": "baik"} for v in [*CORE_VALUES, "KOLABORATIF"]]

ENROL = """
mutation($nip: String!, $program: ID!) {
  enrollInTraining(input: {nip: $nip, programId: $program}) {
    __typename ... on RuleViolation { rule message }
  }
}"""
NOMINATE = """
mutation($nip: String!, $kind: AwardKind!) {
  nominateForAward(input: {nip: $nip, kind: $kind, rationale: "pelayanan prima"}) {
    __typename ... on NominateForAwardSuccess { nomination { id status } }
    ... on NotAuthorized { message }
  }
}"""
DECIDE = """
mutation($id: ID!, $outcome: AwardOutcome!, $why: String) {
  decideAward(input: {nominationId: $id, outcome: $outcome, justification: $why}) {
    __typename ... on RuleViolation { rule message } ... on NotAuthorized { message }
    ... on DecideAwardSuccess { position decision { id outcome eligible flagged
      ruleSet { id version hash }
      criteria { name required actual met evidence { position type streamId } } } }
  }
}"""
DECISIONS = """
query($flagged: Boolean) {
  awardDecisions(flagged: $flagged) { edges { node { id outcome flagged overrideJustification
    decidedBy nominee { nip name } criteria { evidence { payload } } } } }
}"""


@pytest.fixture
async def city(settings: Settings, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The real app on a city started for the first time (default rule sets published)."""
    from service.app import create_app

    on = settings.model_copy(update={"default_rule_sets": True})
    services: Services = await build_services(on, database_url, run_projector=False)
    transport = httpx.ASGITransport(app=create_app(on, services))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
            yield http
    finally:
        await close_services(services)


class Session:
    """One actor calling the API; every call must succeed at the GraphQL level."""

    def __init__(self, client: httpx.AsyncClient, tokens: Tokens) -> None:
        self.client, self.tokens = client, tokens

    async def call(
        self, query: str, variables: dict[str, Any] | None = None, sub: str = HR, *roles: str
    ) -> dict[str, Any]:
        headers = self.tokens.header(sub, *(roles or ("HR",)))
        body = await gql(self.client, query, variables or {}, headers)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    async def unit(self, code: str, name: str) -> None:
        await self.call(
            "mutation($c: String!, $n: String!) { registerUnit(input: {code: $c, name: $n})"
            " { __typename } }",
            {"c": code, "n": name},
        )

    async def employee(self, nip: str, unit: str, supervisor: str | None = None) -> None:
        await self.call(
            "mutation($nip: String!, $unit: String!, $sup: String) {"
            ' registerEmployee(input: {nip: $nip, name: "Rina Wulandari", employmentType: PNS,'
            ' unitCode: $unit, positionKind: PELAKSANA, positionTitle: "Pengadministrasi",'
            " supervisorNip: $sup}) { __typename } }",
            {"nip": nip, "unit": unit, "sup": supervisor},
        )

    async def program(self, code: str, jp: int, advanced: bool) -> str:
        data = await self.call(
            "mutation($code: String!, $jp: Int!, $adv: Boolean!) { publishTrainingProgram("
            'input: {code: $code, title: "Pelatihan", kind: PELATIHAN, competencyArea: "Tata",'
            ' jp: $jp, provider: "BPSDM", advanced: $adv})'
            " { ... on PublishTrainingProgramSuccess { program { id } } } }",
            {"code": code, "jp": jp, "adv": advanced},
        )
        return str(data["publishTrainingProgram"]["program"]["id"])

    async def nominate(self, nip: str, kind: str) -> str:
        data = await self.call(NOMINATE, {"nip": nip, "kind": kind})
        return str(data["nominateForAward"]["nomination"]["id"])


async def _administration_employee_with_good_results(s: Session) -> str:
    """SETDA's administration employee: SANGAT_BAIK in TRIWULAN_I and 20 JP this year."""
    await s.unit("SETDA", "Sekretariat Daerah")
    await s.employee(BOSS, "SETDA")
    await s.employee(STAFF, "SETDA", BOSS)
    await s.call(f"mutation {{ openCycle(input: {{year: {YEAR}}}) {{ __typename }} }}")
    await s.call(
        "mutation($nip: String!, $y: Int!) { agreePerformancePlan(input: {nip: $nip, year: $y,"
        ' targets: [{title: "Arsip", indicator: "tertib", target: "100%", main: true}]})'
        " { __typename } }",
        {"nip": STAFF, "y": YEAR},
    )
    submitted = await s.call(
        "mutation($nip: String!, $y: Int!, $notes: [BehaviourNoteInput!]!) {"
        " submitEvaluation(input: {nip: $nip, year: $y, period: TRIWULAN_I,"
        " targetRatings: [{targetIndex: 0, rating: DI_ATAS_EKSPEKTASI}],"
        ' behaviourRating: DI_ATAS_EKSPEKTASI, behaviourNotes: $notes, feedback: "teladan"})'
        " { ... on SubmitEvaluationSuccess { evaluation { id } } } }",
        {"nip": STAFF, "y": YEAR, "notes": NOTES},
        BOSS,
        "EVALUATOR",
    )
    evaluation_id = submitted["submitEvaluation"]["evaluation"]["id"]
    await s.call(
        "mutation($id: ID!) { finalizeEvaluation(input: {evaluationId: $id}) { __typename } }",
        {"id": evaluation_id},
        BOSS,
        "EVALUATOR",
    )
    regular = await s.program("ADM-01", 20, advanced=False)
    recorded = await s.call(
        "mutation($nip: String!, $p: ID!, $on: Date!) { recordTrainingCompletion(input: {"
        ' nip: $nip, programId: $p, completedOn: $on, certificateNumber: "SERT/ADM/1"})'
        " { __typename } }",
        {"nip": STAFF, "p": regular, "on": f"{YEAR}-01-01"},
    )
    assert recorded["recordTrainingCompletion"]["__typename"] == "RecordTrainingCompletionSuccess"
    return await s.program("PIM-ADV", 40, advanced=True)


async def test_the_seed_story_good_results_grant_priority_then_advanced_training(
    city: httpx.AsyncClient, tokens: Tokens
) -> None:
    s = Session(city, tokens)
    advanced = await _administration_employee_with_good_results(s)
    before = await s.call(ENROL, {"nip": STAFF, "program": advanced})
    assert before["enrollInTraining"]["rule"] == "advanced_training_opportunity"
    nomination = await s.nominate(STAFF, "PRIORITAS_PENGEMBANGAN_KOMPETENSI")
    decided = await s.call(DECIDE, {"id": nomination, "outcome": "GRANTED"})
    decision = decided["decideAward"]["decision"]
    assert (decision["outcome"], decision["eligible"], decision["flagged"]) == (
        "GRANTED",
        True,
        False,
    )
    assert [c["met"] for c in decision["criteria"]] == [True, True]
    await _evidence_is_in_the_audit_trail(s, decision)
    employee = await s.call(
        "query($nip: String!) { employee(nip: $nip) { awards { id kind outcome }"
        " advancedTrainingOpportunity { awardId } } }",
        {"nip": STAFF},
    )
    assert employee["employee"]["awards"] == [
        {"id": nomination, "kind": "PRIORITAS_PENGEMBANGAN_KOMPETENSI", "outcome": "GRANTED"}
    ]
    assert employee["employee"]["advancedTrainingOpportunity"] == {"awardId": nomination}
    after = await s.call(ENROL, {"nip": STAFF, "program": advanced})
    assert after["enrollInTraining"]["__typename"] == "EnrollInTrainingSuccess"
    again = await s.call(
        "query($id: ID!) { reevaluateAwardDecision(id: $id) { matches ruleSet { hash } } }",
        {"id": nomination},
        "inspektorat",
        "INSPECTOR",
    )
    assert again["reevaluateAwardDecision"] == {
        "matches": True,
        "ruleSet": {"hash": decision["ruleSet"]["hash"]},
    }


async def _evidence_is_in_the_audit_trail(s: Session, decision: dict[str, Any]) -> None:
    trail = await s.call(
        "query($nip: String!) { auditTrail(nip: $nip, first: 100) { edges { node { position"
        " type streamId } } } }",
        {"nip": STAFF},
    )
    shown = {e["node"]["position"]: e["node"] for e in trail["auditTrail"]["edges"]}
    evidence = [e for c in decision["criteria"] for e in c["evidence"]]
    assert [e["type"] for e in evidence] == ["EvaluationFinalised", "TrainingCompletionRecorded"]
    assert all(shown[e["position"]] == e for e in evidence)


async def test_inspectors_read_but_change_nothing_and_partners_see_no_personal_data(
    city: httpx.AsyncClient, tokens: Tokens
) -> None:
    s = Session(city, tokens)
    await _administration_employee_with_good_results(s)
    nomination = await s.nominate(STAFF, "ASN_BERPRESTASI")
    refused = await s.call(DECIDE, {"id": nomination, "outcome": "GRANTED"})
    assert refused["decideAward"]["rule"] == "override_justification"
    for role in ("INSPECTOR", "AUDITOR"):
        blocked = await s.call(
            DECIDE, {"id": nomination, "outcome": "GRANTED", "why": "x"}, "insp", role
        )
        assert blocked["decideAward"]["__typename"] == "NotAuthorized"
        nominated = await s.call(NOMINATE, {"nip": STAFF, "kind": "ASN_BERPRESTASI"}, "insp", role)
        assert nominated["nominateForAward"]["__typename"] == "NotAuthorized"
    why = "teladan saat penanganan banjir"
    await s.call(DECIDE, {"id": nomination, "outcome": "GRANTED", "why": why})
    inspector = await s.call(DECISIONS, {"flagged": True}, "insp", "INSPECTOR")
    [edge] = inspector["awardDecisions"]["edges"]
    assert edge["node"]["overrideJustification"] == why
    assert edge["node"]["nominee"] == {"nip": STAFF, "name": "Rina Wulandari"}
    partner = await s.call(DECISIONS, {"flagged": True}, "app-1", "PARTNER")
    node = partner["awardDecisions"]["edges"][0]["node"]
    assert node["nominee"] == {"nip": None, "name": None}
    assert node["overrideJustification"] is None and node["decidedBy"] == "***"
    assert STAFF not in json.dumps(node) and "Rina" not in json.dumps(node)
    headers = tokens.header("app-3", "PARTNER", scopes=["pii"])
    body = await gql(city, DECISIONS, {"flagged": True}, headers)
    assert body["data"]["awardDecisions"]["edges"][0]["node"]["nominee"]["nip"] == STAFF


async def test_fairness_summary_suppresses_counts_below_five(
    city: httpx.AsyncClient, tokens: Tokens
) -> None:
    s = Session(city, tokens)
    await s.unit("DISDIK", "Dinas Pendidikan")
    for serial in range(1, 4):
        nip = f"19850315201001100{serial}"
        await s.employee(nip, "DISDIK")
        nomination = await s.nominate(nip, "ASN_BERPRESTASI")
        await s.call(DECIDE, {"id": nomination, "outcome": "GRANTED", "why": "guru teladan"})
    rows = await s.call(
        "query($y: Int!) { awardFairness(kind: ASN_BERPRESTASI, year: $y) { unitCode gender"
        " eligible nominated granted grantRate } }",
        {"y": YEAR},
        "insp",
        "INSPECTOR",
    )
    assert rows["awardFairness"] == [
        {
            "unitCode": "DISDIK",
            "gender": "MALE",
            "eligible": "<5",
            "nominated": "<5",
            "granted": "<5",
            "grantRate": None,
        }
    ]


async def test_rule_sets_show_their_hash_as_documented(
    city: httpx.AsyncClient, tokens: Tokens
) -> None:
    s = Session(city, tokens)
    data = await s.call(
        "query { ruleSets { awardKind version effectiveFrom hash"
        " criteria { kind predicate count years } } }"
    )
    assert len(data["ruleSets"]) == 4
    for rule_set in data["ruleSets"]:
        criteria = [{k: v for k, v in c.items() if v is not None} for c in rule_set["criteria"]]
        canonical = {
            "award_kind": rule_set["awardKind"],
            "version": rule_set["version"],
            "effective_from": rule_set["effectiveFrom"],
            "criteria": criteria,
        }
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert rule_set["hash"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
