"""`kinerja seed-demo`: a synthetic city fed through the real command handlers.

Everything goes through the handlers the API uses (so every rule applies and every event is
signed into the hash chain), a few calls at a time so the store's group commit can batch them.
"""

from __future__ import annotations

import asyncio
import random
from datetime import date, datetime

from domain.assessment import AssessmentDraft, TargetRating
from domain.award import AwardOutcome
from domain.errors import RuleBroken
from domain.evaluation import evaluation_stream_id
from domain.plan import PlanTarget
from domain.rating import CoreValue, Period, Predicate
from domain.rule_set import AwardKind
from domain.training import TrainingKind
from domain.training_completion import CompletionEntry
from service.demo.city import (
    AREAS,
    RATINGS_FOR,
    City,
    Person,
    YearRatings,
    draw_year,
    generate_city,
)
from service.demo.city import organisation_predicate as fitting_predicate
from service.demo.commands import Command, Tick, at, bind, boss, hr, round_robin, run_all
from service.demo.outcomes import seed_outcomes
from service.handlers.envelope import CommandContext
from service.handlers.organisation import RegisterEmployee
from service.handlers.performance import SubmitEvaluation
from service.handlers.training import PublishProgram, RecordCompletion
from service.log.records import AppendResult
from service.services import Services

QUARTERS = (
    (Period.TRIWULAN_I, 4),
    (Period.TRIWULAN_II, 7),
    (Period.TRIWULAN_III, 10),
    (Period.TRIWULAN_IV, 12),
)


class DemoSeeder:
    """Seeds one city, phase by phase, in the order the year would have happened."""

    def __init__(self, services: Services, city: City, seed: int, tick: Tick) -> None:
        self.s = services
        self.city = city
        self.seed = seed
        self.tick = tick
        self.programs: dict[str, str] = {}
        self.certificates = 0

    async def organisation(self, first_year: int) -> None:
        """Units, then people level by level (a supervisor registers before their staff)."""
        day = hr(at(date(first_year, 1, 2)))
        await run_all(
            [
                bind(self.s.organisation.register_unit, day, c, n)
                for c, n in self.city.units.items()
            ],
            self.tick,
        )
        for level in sorted({p.level for p in self.city.people}):
            people = [p for p in self.city.people if p.level == level]
            commands = [
                bind(
                    self.s.organisation.register_employee,
                    day,
                    RegisterEmployee(
                        p.nip,
                        p.name,
                        p.employment_type,
                        p.unit_code,
                        p.kind,
                        p.title,
                        p.supervisor_nip,
                    ),
                )
                for p in people
            ]
            await run_all(commands, self.tick)
        await self.catalogue(day)
        await self.s.projector.catch_up()

    async def catalogue(self, day: CommandContext) -> None:
        """One programme per competency area the evaluations name as a development need."""
        catalogue = [
            PublishProgram(
                f"DEMO-{i + 1:02d}",
                f"Pelatihan {area}",
                TrainingKind.PELATIHAN,
                area,
                12,
                "BPSDM Provinsi Jawa Tengah",
            )
            for i, area in enumerate(AREAS)
        ]
        publish = self.s.training.publish_program
        published = await run_all([bind(publish, day, p) for p in catalogue], self.tick)
        for area, result in zip(AREAS, published, strict=True):
            assert result is not None
            self.programs[area] = result.result["program_id"]

    async def year(self, year: int) -> None:
        """A whole cycle: plans, four quarters, trainings, the annual results, awards."""
        ratings = draw_year(self.city, year, self.seed)
        await self.s.performance.open_cycle(hr(at(date(year, 1, 2))), year)
        evaluated = self.city.evaluated()
        plan = [
            PlanTarget.parse("Pelayanan sesuai standar", "cakupan layanan", "95%", True),
            PlanTarget.parse("Laporan kinerja tepat waktu", "laporan", "12 laporan", False),
        ]
        await run_all(
            [
                bind(
                    self.s.performance.agree_plan,
                    boss(p.supervisor_nip or "", at(date(year, 1, 15))),
                    p.nip,
                    year,
                    plan,
                )
                for p in evaluated
            ],
            self.tick,
        )
        for index, (period, month) in enumerate(QUARTERS):
            if period is Period.TRIWULAN_IV:
                await self.s.projector.catch_up()
                await self.trainings(year, ratings)
            found = {p.nip: ratings.quarterly[p.nip][index] for p in evaluated}
            await self.evaluate(
                year, period, date(year, month, 5 if month < 12 else 10), found, ratings
            )
        await self.distribution(year, ratings)
        await self.s.projector.catch_up()
        await self.evaluate(year, Period.TAHUNAN, date(year, 12, 18), ratings.annual, ratings)
        await self.s.projector.catch_up()
        await self.awards(year, ratings)
        await self.s.performance.close_cycle(hr(at(date(year, 12, 31))), year)

    async def evaluate(
        self, year: int, period: Period, day: date, found: dict[str, Predicate], r: YearRatings
    ) -> None:
        """Submit every evaluation of a period, then finalise them (the supervisor does both)."""
        people = self.city.evaluated()
        submit = [
            bind(
                self.s.performance.submit_evaluation,
                boss(p.supervisor_nip or "", at(day)),
                SubmitEvaluation(p.nip, year, period, _draft(found[p.nip], r.needs.get(p.nip))),
            )
            for p in people
        ]
        await run_all(submit, self.tick)
        # Annual results of one unit share its year's stream: one at a time per unit,
        # interleaved across units so the chunks still run side by side.
        locks = {code: asyncio.Lock() for code in self.city.units}
        if period is Period.TAHUNAN:
            people = round_robin(people)
        finalise = [self._finalise(p, year, period, at(day, 6), locks) for p in people]
        await run_all(finalise, self.tick)

    def _finalise(
        self, p: Person, year: int, period: Period, now: datetime, locks: dict[str, asyncio.Lock]
    ) -> Command:
        evaluation_id = str(evaluation_stream_id(self.s.ids.employee_id(p.nip), year, period))
        ctx = boss(p.supervisor_nip or "", now)

        async def call() -> AppendResult:
            if period is not Period.TAHUNAN:
                return await self.s.performance.finalise_evaluation(ctx, evaluation_id, None)
            async with locks[p.unit_code]:
                return await self.s.performance.finalise_evaluation(ctx, evaluation_id, None)

        return call

    async def distribution(self, year: int, r: YearRatings) -> None:
        """Per unit: the organisation predicate its annual results fit, or an override."""
        day = hr(at(date(year, 12, 12)))
        commands: list[Command] = []
        for code in self.city.units:
            predicates = [r.annual[p.nip] for p in self.city.evaluated() if p.unit_code == code]
            org = fitting_predicate(predicates, self.city.headcount(code))
            handlers = self.s.unit_performance
            if org is None:
                commands.append(
                    bind(
                        handlers.record_distribution_override,
                        day,
                        code,
                        year,
                        "Hasil evaluasi unit kerja diverifikasi oleh tim penilai kinerja",
                    )
                )
            else:
                commands.append(bind(handlers.set_organization_predicate, day, code, year, org))
        await run_all(commands, self.tick)

    async def trainings(self, year: int, r: YearRatings) -> None:
        """Completions in November: most open needs closed, and some other courses taken."""
        rng = random.Random(f"{self.seed}:training:{year}")
        commands: list[Command] = []
        for person in self.city.people:
            need = r.needs.get(person.nip)
            area = need if need and rng.random() < 0.7 else None
            if area is None and rng.random() < 0.35:
                area = rng.choice(AREAS)
            if area is None:
                continue
            self.certificates += 1
            done = date(year, 11, rng.randint(1, 25))
            entry = CompletionEntry(
                done, f"DEMO/{year}/{self.certificates:06d}", jp=rng.choice((12, 20, 24))
            )
            commands.append(
                bind(
                    self.s.training.record_completion,
                    hr(at(done, 7)),
                    RecordCompletion(person.nip, self.programs[area], entry),
                )
            )
        await run_all(commands, self.tick)

    async def awards(self, year: int, r: YearRatings) -> None:
        """Nominate the best few; grant where the rules say eligible, reject otherwise."""
        best = [p for p in self.city.evaluated() if r.annual[p.nip] is Predicate.SANGAT_BAIK]
        chosen = random.Random(f"{self.seed}:awards:{year}").sample(
            best, max(1, len(best) // 20) if best else 0
        )
        day = hr(at(date(year, 12, 28)))
        kind = AwardKind.PRIORITAS_PENGEMBANGAN_KOMPETENSI
        nominated = await run_all(
            [
                bind(
                    self.s.awards.nominate, day, p.nip, kind, "kinerja dan pengembangan kompetensi"
                )
                for p in chosen
            ],
            self.tick,
        )
        await run_all([_decision(self.s, day, n) for n in nominated if n is not None], self.tick)


def _decision(services: Services, ctx: CommandContext, nominated: AppendResult) -> Command:
    async def decide() -> AppendResult:
        award_id = nominated.result["award_id"]
        try:
            return await services.awards.decide(ctx, award_id, AwardOutcome.GRANTED, None)
        except RuleBroken as refused:
            if refused.rule != "override_justification":
                raise
            return await services.awards.decide(ctx, award_id, AwardOutcome.REJECTED, None)

    return decide


def _draft(predicate: Predicate, need: str | None) -> AssessmentDraft:
    results, behaviour = RATINGS_FOR[predicate]
    return AssessmentDraft(
        target_ratings=[TargetRating(0, results, ("ND-01",)), TargetRating(1, results)],
        behaviour_rating=behaviour,
        behaviour_notes=[(value, "sesuai pengamatan atasan") for value in CoreValue],
        feedback="Pertahankan kinerja dan tingkatkan kompetensi",
        development_needs=[need] if need else None,
    )


async def seed_demo(
    services: Services, employees: int, years: int, seed: int, last_year: int, tick: Tick
) -> City:
    """Seed the city: organisation first, then each year from the oldest to `last_year`."""
    first_year = last_year - years + 1
    city = generate_city(employees, first_year, seed)
    seeder = DemoSeeder(services, city, seed, tick)
    await seeder.organisation(first_year)
    for year in range(first_year, last_year + 1):
        await seeder.year(year)
    if "DPMPTSP" in city.units:
        tick(
            await seed_outcomes(services, first_year, last_year, seed), await services.store.head()
        )
    await services.projector.catch_up()
    return city
