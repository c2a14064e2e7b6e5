"""The actors, documents and inputs the performance API tests share."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
SUPERVISOR = "197001012000011001"
OTHER_EVALUATOR = "197502022001012003"
NIP = "198503152010011002"
ABOVE, AS_EXPECTED, BELOW = "DI_ATAS_EKSPEKTASI", "SESUAI_EKSPEKTASI", "DI_BAWAH_EKSPEKTASI"
CORE_VALUES = [
    "BERORIENTASI_PELAYANAN",
    "AKUNTABEL",
    "KOMPETEN",
    "HARMONIS",
    "LOYAL",
    "ADAPTIF",
    "KOLABORATIF",
]
NOTES = [{"value": v, "note": f"Catatan {v.lower()}"} for v in CORE_VALUES]

SETUP = """
mutation($sup: String!, $nip: String!, $other: String!) {
  registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"}) { __typename }
  s: registerEmployee(input: {nip: $sup, name: "Budi Santoso", employmentType: PNS,
      unitCode: "DINKES", positionKind: PENGAWAS, positionTitle: "Kepala Seksi"}) { __typename }
  o: registerEmployee(input: {nip: $other, name: "Ani Lestari", employmentType: PNS,
      unitCode: "DINKES", positionKind: PENGAWAS, positionTitle: "Kepala Seksi"}) { __typename }
  e: registerEmployee(input: {nip: $nip, name: "Sri Wahyuni", employmentType: PNS,
      unitCode: "DINKES", positionKind: PELAKSANA, positionTitle: "Analis",
      supervisorNip: $sup}) { __typename }
  openCycle(input: {year: 2026}) { __typename ... on OpenCycleSuccess { cycle { year status } } }
}"""
AGREE = """
mutation($nip: String!, $year: Int!, $targets: [PlanTargetInput!]!) {
  agreePerformancePlan(input: {nip: $nip, year: $year, targets: $targets}) {
    __typename ... on AgreePerformancePlanSuccess { plan { id year targets { title main } } }
    ... on ValidationError { field message } ... on NotAuthorized { message }
  }
}"""
RESULT = """__typename
    ... on ValidationError { field message } ... on NotAuthorized { message }
    ... on RuleViolation { rule message } ... on NotFound { message }"""
EVALUATION = "evaluation { id year period status predicate previousPredicate resultsRating flagged"
EVALUATION += " overrideJustification distributionRuleVersion }"
SUBMIT = f"""
mutation($input: SubmitEvaluationInput!) {{
  submitEvaluation(input: $input) {{ {RESULT} ... on SubmitEvaluationSuccess {{ {EVALUATION} }} }}
}}"""
FINALIZE = f"""
mutation($id: ID!) {{
  finalizeEvaluation(input: {{evaluationId: $id}}) {{
    {RESULT} ... on FinalizeEvaluationSuccess {{ {EVALUATION} position }}
  }}
}}"""
OBJECT = f"""
mutation($id: ID!) {{
  fileObjection(input: {{evaluationId: $id, reason: "Bukti dukung belum dinilai."}}) {{
    {RESULT} ... on FileObjectionSuccess {{ {EVALUATION} }}
  }}
}}"""
RESOLVE = f"""
mutation($input: ResolveObjectionInput!) {{
  resolveObjection(input: $input) {{ {RESULT} ... on ResolveObjectionSuccess {{ {EVALUATION} }} }}
}}"""
EMPLOYEE = """
query($nip: String!) {
  employee(nip: $nip) { currentPredicate talentBox developmentNeeds
    evaluations { id year period predicate status } }
}"""
DISTRIBUTION = """
query($period: Period!) {
  unit(code: "DINKES") { distribution(year: 2026, period: $period) { predicate count }
    completionRate(year: 2026, period: $period) }
}"""
TARGETS = [
    {"title": "Layanan imunisasi", "indicator": "cakupan", "target": "95%", "main": True},
    {"title": "Laporan bulanan", "indicator": "tepat waktu", "target": "12", "main": False},
    {"title": "Sosialisasi", "indicator": "kegiatan", "target": "4", "main": False},
]


def evaluation_input(
    ratings: list[str], behaviour: str, period: str = "TRIWULAN_I", **extra: Any
) -> dict[str, Any]:
    return {
        "nip": NIP,
        "year": 2026,
        "period": period,
        "targetRatings": [
            {"targetIndex": i, "rating": r, "evidence": [f"ND-{i}/2026"]}
            for i, r in enumerate(ratings)
        ],
        "behaviourRating": behaviour,
        "behaviourNotes": NOTES,
        "feedback": "Tingkatkan ketepatan laporan.",
        "developmentNeeds": ["Analisis Data"],
        **extra,
    }


class Api:
    """The actors of one scenario, each with their own token."""

    def __init__(self, client: httpx.AsyncClient, tokens: Tokens) -> None:
        self.client = client
        self.hr = tokens.header(HR, "HR")
        self.supervisor = tokens.header(SUPERVISOR, "EVALUATOR")
        self.other = tokens.header(OTHER_EVALUATOR, "EVALUATOR")
        self.employee = tokens.header(NIP, "EMPLOYEE")

    async def __call__(
        self, query: str, variables: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, Any]:
        body = await gql(self.client, query, variables, headers)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    @classmethod
    async def started(cls, client: httpx.AsyncClient, tokens: Tokens) -> Api:
        """A unit with a supervisor, a second evaluator and an employee; 2026 open; a plan."""
        api = cls(client, tokens)
        await api.setup()
        return api

    async def setup(self) -> None:
        variables = {"sup": SUPERVISOR, "nip": NIP, "other": OTHER_EVALUATOR}
        data = await self(SETUP, variables, self.hr)
        assert data["openCycle"]["cycle"] == {"year": 2026, "status": "OPEN"}
        agreed = await self(AGREE, {"nip": NIP, "year": 2026, "targets": TARGETS}, self.supervisor)
        assert agreed["agreePerformancePlan"]["__typename"] == "AgreePerformancePlanSuccess"

    async def submit(self, variables: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        result: dict[str, Any] = (await self(SUBMIT, {"input": variables}, headers))[
            "submitEvaluation"
        ]
        return result

    async def evaluate(self, ratings: list[str], behaviour: str, **extra: Any) -> dict[str, Any]:
        submitted = await self.submit(
            evaluation_input(ratings, behaviour, **extra), self.supervisor
        )
        assert submitted["__typename"] == "SubmitEvaluationSuccess", submitted
        assert submitted["evaluation"]["predicate"] is None
        final = await self(FINALIZE, {"id": submitted["evaluation"]["id"]}, self.supervisor)
        result: dict[str, Any] = final["finalizeEvaluation"]
        return result
