"""The seed's story over HTTP: DPMPTSP's staff, their evaluations and training, its service."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.performance_scenario import NOTES, TARGETS
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
SUPERVISOR = "197001012000011001"
STAFF = ["198503152010011002", "198604162011012003", "198705172012011004"]
NEED = "Pelayanan Perizinan"
BELOW, AS_EXPECTED = "DI_BAWAH_EKSPEKTASI", "SESUAI_EKSPEKTASI"
Q1 = {"periodStart": "2026-01-01", "periodEnd": "2026-03-31"}
Q2 = {"periodStart": "2026-04-01", "periodEnd": "2026-06-30"}
ERRORS = """__typename ... on ValidationError { field message } ... on NotAuthorized { message }
  ... on RuleViolation { rule message }"""
STANDARD = f"""
mutation($input: PublishServiceStandardInput!) {{
  publishServiceStandard(input: $input) {{ {ERRORS}
    ... on PublishServiceStandardSuccess {{ standard {{ serviceCode name maxDays version
      effectiveFrom }} position }} }}
}}"""
DELIVERY = f"""
mutation($input: RecordServiceDeliveryInput!) {{
  recordServiceDelivery(input: $input) {{ {ERRORS}
    ... on RecordServiceDeliverySuccess {{ delivery {{ serviceCode withinStandardRate medianDays }}
      position }} }}
}}"""
SURVEY = f"""
mutation($input: RecordSatisfactionSurveyInput!) {{
  recordSatisfactionSurvey(input: $input) {{ {ERRORS}
    ... on RecordSatisfactionSurveySuccess {{ survey {{ ikm grade respondents requiredSample
      sampleSufficient }} position }} }}
}}"""
COMPLAINTS = f"""
mutation($input: RecordComplaintsInput!) {{
  recordComplaints(input: $input) {{ {ERRORS}
    ... on RecordComplaintsSuccess {{ complaints {{ received resolved resolutionRate }} }} }}
}}"""
SUBMIT = f"""
mutation($input: SubmitEvaluationInput!) {{
  submitEvaluation(input: $input) {{ {ERRORS}
    ... on SubmitEvaluationSuccess {{ evaluation {{ id }} }} }}
}}"""
FINALIZE = f"""
mutation($id: ID!) {{
  finalizeEvaluation(input: {{evaluationId: $id}}) {{ {ERRORS}
    ... on FinalizeEvaluationSuccess {{ evaluation {{ predicate }} }} }}
}}"""


class Story:
    """DPMPTSP, its supervisor and three staff, told through the API."""

    def __init__(self, client: httpx.AsyncClient, tokens: Tokens) -> None:
        self.client = client
        self.tokens = tokens
        self.hr = tokens.header(HR, "HR")
        self.supervisor = tokens.header(SUPERVISOR, "EVALUATOR")

    async def __call__(
        self, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        body = await gql(self.client, query, variables, headers or self.hr)
        assert "errors" not in body, body
        data: dict[str, Any] = next(iter(body["data"].values()))
        return data

    async def staff_and_plans(self) -> None:
        await self(
            'mutation { registerUnit(input: {code: "DPMPTSP", name: "Dinas Penanaman Modal dan'
            ' Pelayanan Terpadu Satu Pintu"}) { __typename } }',
            {},
        )
        await self(REGISTER, {"nip": SUPERVISOR, "kind": "PENGAWAS", "boss": None})
        for nip in STAFF:
            await self(REGISTER, {"nip": nip, "kind": "PELAKSANA", "boss": SUPERVISOR})
        await self("mutation { openCycle(input: {year: 2026}) { __typename } }", {})
        for nip in STAFF:
            agreed = await self(AGREE, {"nip": nip, "targets": TARGETS}, self.supervisor)
            assert agreed["__typename"] == "AgreePerformancePlanSuccess", agreed

    async def evaluate(self, nip: str, period: str, results: str, needs: list[str]) -> str:
        fields = {
            "nip": nip,
            "year": 2026,
            "period": period,
            "targetRatings": [
                {"targetIndex": i, "rating": results, "evidence": [f"ND-{i}/2026"]}
                for i in range(len(TARGETS))
            ],
            "behaviourRating": AS_EXPECTED,
            "behaviourNotes": NOTES,
            "feedback": "Percepat proses perizinan.",
            "developmentNeeds": needs,
        }
        submitted = await self(SUBMIT, {"input": fields}, self.supervisor)
        assert submitted["__typename"] == "SubmitEvaluationSuccess", submitted
        final = await self(FINALIZE, {"id": submitted["evaluation"]["id"]}, self.supervisor)
        assert final["__typename"] == "FinalizeEvaluationSuccess", final
        return str(final["evaluation"]["predicate"])

    async def training_closing_needs(self, nips: list[str]) -> None:
        published = await self(PROGRAM, {})
        program = published["program"]["id"]
        for i, nip in enumerate(nips):
            done = await self(
                COMPLETE, {"nip": nip, "program": program, "cert": f"BPSDM/PERIZINAN/2026/{i}"}
            )
            assert done["__typename"] == "RecordTrainingCompletionSuccess", done

    async def service(self) -> None:
        standard = {
            "unitCode": "DPMPTSP",
            "serviceCode": "NIB",
            "name": "Izin usaha (NIB)",
            "maxDays": 5,
            "effectiveFrom": "2025-01-01",
        }
        published = await self(STANDARD, {"input": standard})
        assert published["__typename"] == "PublishServiceStandardSuccess", published
        for period, within in ((Q1, 120), (Q2, 170)):
            figures = {"requests": 220, "completed": 200, "completedWithinStandard": within}
            recorded = await self(
                DELIVERY,
                {
                    "input": {
                        "unitCode": "DPMPTSP",
                        "serviceCode": "NIB",
                        **period,
                        **figures,
                        "medianDays": 4.0,
                        "source": "OSS-RBA",
                    }
                },
            )
            assert recorded["__typename"] == "RecordServiceDeliverySuccess", recorded
        for period, score, respondents in ((Q1, 3.50, 300), (Q2, 3.54, 200)):
            survey = {
                "unitCode": "DPMPTSP",
                **period,
                "population": 1000,
                "respondents": respondents,
                "elementScores": [score] * 9,
                "source": "SKM",
            }
            surveyed = await self(SURVEY, {"input": survey})
            assert surveyed["__typename"] == "RecordSatisfactionSurveySuccess", surveyed
        complaints = {
            "unitCode": "DPMPTSP",
            **Q1,
            "received": 12,
            "resolved": 9,
            "source": "SP4N-LAPOR!",
        }
        assert (await self(COMPLAINTS, {"input": complaints}))["complaints"]["resolved"] == 9


REGISTER = """
mutation($nip: String!, $kind: PositionKind!, $boss: String) {
  registerEmployee(input: {nip: $nip, name: "Pegawai", employmentType: PNS, unitCode: "DPMPTSP",
      positionKind: $kind, positionTitle: "Staf", supervisorNip: $boss}) { __typename }
}"""
AGREE = """
mutation($nip: String!, $targets: [PlanTargetInput!]!) {
  agreePerformancePlan(input: {nip: $nip, year: 2026, targets: $targets}) { __typename }
}"""
PROGRAM = """
mutation { publishTrainingProgram(input: {code: "PERIZINAN-1",
  title: "Perizinan Berusaha Berbasis Risiko", kind: PELATIHAN,
  competencyArea: "Pelayanan Perizinan", jp: 24, provider: "BPSDM Jawa Tengah"})
  { __typename ... on PublishTrainingProgramSuccess { program { id } } } }"""
COMPLETE = """
mutation($nip: String!, $program: ID!, $cert: String!) {
  recordTrainingCompletion(input: {nip: $nip, programId: $program, completedOn: "2026-05-10",
      certificateNumber: $cert}) { __typename }
}"""
