"""The catalogue over HTTP: resource persons, the sector / area / kind / advanced filters, and the
training recommended to an employee for their open development needs."""

from __future__ import annotations

from typing import Any

import httpx

from service.services import Services
from tests.api.performance_scenario import CORE_VALUES
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
SUPERVISOR = "197001012000011001"
NURSE = "198503152010011002"
PPI, DATA = "Pengendalian Infeksi", "Analisis Data"
PUBLISH = """
mutation($input: PublishTrainingProgramInput!) {
  publishTrainingProgram(input: $input) { __typename
    ... on PublishTrainingProgramSuccess { program { id resourcePersons { name expertise
      institution } } }
    ... on ValidationError { message field } }
}"""
CATALOGUE = """
query($sector: String, $area: String, $kind: TrainingKind, $advanced: Boolean) {
  trainingPrograms(sector: $sector, competencyArea: $area, kind: $kind, advanced: $advanced,
      first: 50) { edges { node { code } } }
}"""
RECOMMENDED = """
query($nip: String!) {
  employee(nip: $nip) { recommendedTrainings { program { code sector } need reason } }
}"""
PERSONS: list[dict[str, Any]] = [
    {"name": "dr. Ratna Sari, M.Kes", "expertise": "epidemiologi", "institution": "UKSW"},
    {"name": "Agus Prasetyo", "expertise": "statistik kesehatan", "institution": None},
]


class Hr:
    """The city's HR office and the nurse's supervisor speaking to the API."""

    def __init__(self, client: httpx.AsyncClient, tokens: Tokens) -> None:
        self.client, self.tokens = client, tokens
        self.certificates = 0

    async def call(self, query: str, variables: dict[str, Any] | None = None, **who: Any) -> Any:
        headers = who.get("headers") or self.tokens.header(HR, "HR")
        body = await gql(self.client, query, variables or {}, headers)
        assert "errors" not in body, body
        return next(iter(body["data"].values()))

    async def program(self, code: str, area: str, **extra: Any) -> str:
        fields: dict[str, Any] = {"code": code, "title": code, "kind": "PELATIHAN"}
        fields |= {"competencyArea": area, "jp": 8, "provider": "BPSDM Jateng"}
        published = await self.call(PUBLISH, {"input": fields | extra})
        assert published["__typename"] == "PublishTrainingProgramSuccess", published
        return str(published["program"]["id"])

    async def start(self) -> None:
        await self.call(
            'mutation { registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan",'
            ' sector: "Kesehatan"}) { __typename } }'
        )
        for nip, boss in ((SUPERVISOR, None), (NURSE, SUPERVISOR)):
            registered = await self.call(
                "mutation($nip: String!, $boss: String) { registerEmployee(input: {nip: $nip,"
                ' name: "Sri", employmentType: PNS, unitCode: "DINKES", positionKind: PELAKSANA,'
                ' positionTitle: "Perawat", supervisorNip: $boss}) { __typename } }',
                {"nip": nip, "boss": boss},
            )
            assert registered == {"__typename": "RegisterEmployeeSuccess"}
        await self.call("mutation { openCycle(input: {year: 2026}) { __typename } }")
        plan = await self.as_supervisor(
            "mutation($nip: String!) { agreePerformancePlan(input: {nip: $nip, year: 2026,"
            ' targets: [{title: "Layanan", indicator: "cakupan", target: "95%", main: true}]})'
            " { __typename } }",
            {"nip": NURSE},
        )
        assert plan == {"__typename": "AgreePerformancePlanSuccess"}

    async def as_supervisor(self, query: str, variables: dict[str, Any]) -> Any:
        return await self.call(
            query, variables, headers=self.tokens.header(SUPERVISOR, "EVALUATOR")
        )

    async def evaluate(self, period: str, needs: list[str]) -> None:
        notes = ", ".join(f'{{value: {v}, note: "baik"}}' for v in CORE_VALUES)
        submitted = await self.as_supervisor(
            "mutation($nip: String!, $period: Period!, $needs: [String!]) {"
            " submitEvaluation(input: {nip: $nip, year: 2026, period: $period,"
            " targetRatings: [{targetIndex: 0, rating: SESUAI_EKSPEKTASI}],"
            f' behaviourRating: SESUAI_EKSPEKTASI, feedback: "cukup", behaviourNotes: [{notes}],'
            " developmentNeeds: $needs})"
            " { ... on SubmitEvaluationSuccess { evaluation { id } } } }",
            {"nip": NURSE, "period": period, "needs": needs},
        )
        final = await self.as_supervisor(
            "mutation($id: ID!) { finalizeEvaluation(input: {evaluationId: $id}) { __typename } }",
            {"id": submitted["evaluation"]["id"]},
        )
        assert final == {"__typename": "FinalizeEvaluationSuccess"}

    async def complete(self, program: str) -> None:
        self.certificates += 1
        done = await self.call(
            "mutation($nip: String!, $p: ID!, $c: String!) { recordTrainingCompletion(input:"
            ' {nip: $nip, programId: $p, completedOn: "2026-04-01", certificateNumber: $c})'
            " { __typename } }",
            {"nip": NURSE, "p": program, "c": f"SERT/{self.certificates}"},
        )
        assert done == {"__typename": "RecordTrainingCompletionSuccess"}

    async def recommended(self) -> list[str]:
        found = await self.call(RECOMMENDED, {"nip": NURSE})
        return [r["program"]["code"] for r in found["recommendedTrainings"]]

    async def grant_advanced_training(self) -> None:
        await self.call(
            "mutation { publishRuleSet(input: {awardKind: PRIORITAS_PENGEMBANGAN_KOMPETENSI,"
            ' version: 1, effectiveFrom: "2020-01-01", criteria: [{kind: EMPLOYMENT_TYPE_PNS}]})'
            " { __typename } }"
        )
        nominated = await self.call(
            "mutation($nip: String!) { nominateForAward(input: {nip: $nip,"
            ' kind: PRIORITAS_PENGEMBANGAN_KOMPETENSI, rationale: "berprestasi"})'
            " { ... on NominateForAwardSuccess { nomination { id } } } }",
            {"nip": NURSE},
        )
        decided = await self.call(
            "mutation($id: ID!) { decideAward(input: {nominationId: $id, outcome: GRANTED})"
            " { __typename } }",
            {"id": nominated["nomination"]["id"]},
        )
        assert decided == {"__typename": "DecideAwardSuccess"}


async def test_resource_persons_round_trip_and_their_names_need_pii_for_a_partner(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    hr = Hr(client, tokens)
    await hr.program("WS-DATA", DATA, kind="WORKSHOP", resourcePersons=PERSONS)
    query = (
        "query { trainingPrograms { edges { node { code resourcePersons { name expertise"
        " institution } } } } }"
    )
    for headers, named in (
        (tokens.header(HR, "HR"), True),
        (tokens.header(NURSE, "EMPLOYEE"), True),
        (tokens.header("app", "PARTNER", scopes=["pii"]), True),
        (tokens.header("app", "PARTNER"), False),
    ):
        found = await hr.call(query, headers=headers)
        persons = found["edges"][0]["node"]["resourcePersons"]
        expected = [p | {"name": p["name"] if named else None} for p in PERSONS]
        assert persons == expected, headers
    head = await services.store.head()
    too_many = [{"name": f"Narasumber {i}", "expertise": "x"} for i in range(21)]
    for persons, field in (
        (too_many, "resourcePersons"),
        ([{"name": " ", "expertise": "x"}], "resourcePersons.name"),
        (
            [{"name": "Ani", "expertise": "x"}, {"name": "ani ", "expertise": "y"}],
            "resourcePersons",
        ),
    ):
        fields: dict[str, Any] = {"code": "WS-2", "title": "t", "kind": "WORKSHOP"}
        fields |= {"competencyArea": DATA, "jp": 4, "provider": "p", "resourcePersons": persons}
        refused = await hr.call(PUBLISH, {"input": fields})
        assert (refused["__typename"], refused["field"]) == ("ValidationError", field)
    assert await services.store.head() == head


async def test_the_catalogue_filters_by_sector_area_kind_and_advanced(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = Hr(client, tokens)
    await hr.program("PPI-KES", "pengendalian infeksi", sector="kesehatan")
    await hr.program("PPI-UMUM", PPI)
    await hr.program("PPI-DIK", PPI, sector="Pendidikan")
    await hr.program("PPI-LANJUT", PPI, sector="Kesehatan", advanced=True)
    await hr.program("WS-DATA", DATA, kind="WORKSHOP")

    async def codes(**where: Any) -> list[str]:
        found = await hr.call(CATALOGUE, where, headers=tokens.header("app", "PARTNER"))
        return [e["node"]["code"] for e in found["edges"]]

    assert await codes(sector=" KESEHATAN ") == ["PPI-KES", "PPI-LANJUT"]
    assert await codes(area="pengendalian  INFEKSI") == [
        "PPI-DIK",
        "PPI-KES",
        "PPI-LANJUT",
        "PPI-UMUM",
    ]
    assert await codes(kind="WORKSHOP") == ["WS-DATA"]
    assert await codes(advanced=True) == ["PPI-LANJUT"]
    assert await codes(sector="kesehatan", advanced=False) == ["PPI-KES"]
    assert await codes(sector="pertanian") == []
    assert len(await codes()) == 5


async def test_recommendations_follow_open_needs_prefer_the_sector_and_respect_the_rules(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = Hr(client, tokens)
    await hr.start()
    ppi_kes = await hr.program("PPI-KES", "pengendalian infeksi", sector="kesehatan")
    await hr.program("PPI-UMUM", PPI)
    await hr.program("PPI-DIK", PPI, sector="Pendidikan")
    await hr.program("PPI-LANJUT", PPI, sector="Kesehatan", advanced=True)
    retired = await hr.program("PPI-LAMA", PPI)
    await hr.call(
        'mutation($id: ID!) { retireTrainingProgram(input: {programId: $id, reason: "usang"})'
        " { __typename } }",
        {"id": retired},
    )
    await hr.program("ADM-1", "Administrasi kepegawaian")
    await hr.program("WS-DATA", DATA, kind="WORKSHOP")
    assert await hr.recommended() == []
    await hr.evaluate("TRIWULAN_I", [PPI, DATA])
    assert await hr.recommended() == ["PPI-KES", "PPI-UMUM", "WS-DATA", "PPI-DIK"]
    found = (await hr.call(RECOMMENDED, {"nip": NURSE}))["recommendedTrainings"]
    assert found[0]["need"] == PPI
    assert "sector of the employee's unit (kesehatan)" in found[0]["reason"]
    assert "open to every sector" in found[1]["reason"]
    assert "pendidikan" in found[3]["reason"].casefold()
    await hr.complete(ppi_kes)
    assert await hr.recommended() == ["WS-DATA"]
    await hr.evaluate("TRIWULAN_II", [PPI])
    assert await hr.recommended() == ["PPI-UMUM", "WS-DATA", "PPI-DIK"]
    await hr.grant_advanced_training()
    assert await hr.recommended() == ["PPI-LANJUT", "PPI-UMUM", "WS-DATA", "PPI-DIK"]
    found = (await hr.call(RECOMMENDED, {"nip": NURSE}))["recommendedTrainings"]
    assert "granted opportunity" in found[0]["reason"]
