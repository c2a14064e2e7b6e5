"""Award decisions on a real PostgreSQL: evidence, re-evaluation, overrides, rule-set hashes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from importlib import resources

import pytest

from domain.assessment import AssessmentDraft, TargetRating
from domain.award import AwardOutcome
from domain.discipline import PenaltyLevel
from domain.errors import RuleBroken
from domain.evaluation import evaluation_stream_id
from domain.plan import PlanTarget
from domain.rating import CoreValue, Period, Predicate, Rating
from domain.rule_set import AwardKind, Criterion, CriterionKind, RuleSetSpec
from domain.training import TrainingKind
from domain.training_completion import CompletionEntry
from domain.values import EmploymentType, PositionKind
from projections import awards as views
from projections.awards import AwardsProjection
from projections.engine import Projection
from service.audit import reader as audit
from service.auth.tokens import Principal, Role
from service.handlers.envelope import CommandContext, NotAllowed
from service.handlers.organisation import RegisterEmployee
from service.handlers.performance import SubmitEvaluation
from service.handlers.training import PublishProgram, RecordCompletion
from service.services import Services, build_services, close_services
from service.settings import Settings
from service.views.compare import compare_with_live, replay_all
from tests import rfc9162

HR = Principal(sub="196001011990011001", roles=frozenset({Role.HR}))
BOSS = "197001012000011001"
GOOD = "198503152016031002"
NEW = "199001012020012003"
NOW = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
ABOVE = Rating.DI_ATAS_EKSPEKTASI
BELOW = Rating.DI_BAWAH_EKSPEKTASI


@pytest.fixture
async def award_services(settings: Settings, database_url: str) -> AsyncIterator[Services]:
    """The services of a city started for the first time: the default rule sets published."""
    on = settings.model_copy(update={"default_rule_sets": True})
    built = await build_services(on, database_url, run_projector=False)
    try:
        yield built
    finally:
        await close_services(built)


def ctx(principal: Principal = HR, now: datetime = NOW) -> CommandContext:
    return CommandContext(principal=principal, now=now)


def draft(rating: Rating) -> AssessmentDraft:
    return AssessmentDraft(
        target_ratings=[TargetRating(0, rating)],
        behaviour_rating=rating,
        behaviour_notes=[(value, "catatan") for value in CoreValue],
        feedback="umpan balik",
    )


async def given_staff(s: Services) -> None:
    """SETDA with a supervisor and two staff; the 2026 cycle open and plans agreed."""
    await s.organisation.register_unit(ctx(), "SETDA", "Sekretariat Daerah")
    for nip, boss in ((BOSS, None), (GOOD, BOSS), (NEW, BOSS)):
        await s.organisation.register_employee(
            ctx(),
            RegisterEmployee(
                nip, "Nama", EmploymentType.PNS, "SETDA", PositionKind.PELAKSANA, "Analis", boss
            ),
        )
    await s.performance.open_cycle(ctx(), 2026)
    for nip in (GOOD, NEW):
        targets = [PlanTarget.parse("Layanan", "cakupan", "95%", True)]
        await s.performance.agree_plan(ctx(), nip, 2026, targets)


async def evaluate(s: Services, nip: str, period: Period, rating: Rating) -> int:
    """Submit and finalise an evaluation; the position of the finalisation."""
    boss = ctx(Principal(sub=BOSS, roles=frozenset({Role.EVALUATOR})))
    await s.performance.submit_evaluation(boss, SubmitEvaluation(nip, 2026, period, draft(rating)))
    evaluation_id = evaluation_stream_id(s.ids.employee_id(nip), 2026, period)
    return (await s.performance.finalise_evaluation(boss, str(evaluation_id), None)).position


async def complete(s: Services, nip: str, jp: int, certificate: str) -> int:
    """Record a completion of `jp` JP in January 2026; its position."""
    published = await s.training.publish_program(
        ctx(), PublishProgram(f"P-{certificate}", "Pelatihan", TrainingKind.KURSUS, "Tata", jp, "B")
    )
    entry = CompletionEntry(date(2026, 1, 15), certificate)
    record = RecordCompletion(nip, published.result["program_id"], entry)
    return (await s.training.record_completion(ctx(), record)).position


async def decide(
    s: Services,
    nip: str,
    kind: AwardKind,
    outcome: AwardOutcome = AwardOutcome.GRANTED,
    justification: str | None = None,
    now: datetime = NOW,
) -> views.AwardView:
    nominated = await s.awards.nominate(ctx(now=now), nip, kind, "kinerja sangat baik")
    award_id = nominated.result["award_id"]
    await s.awards.decide(ctx(now=now), award_id, outcome, justification)
    await s.projector.catch_up()
    view = await views.award_by_id(s.pool, nominated.result["award_id"])
    assert view is not None
    return view


async def test_a_decision_cites_the_real_evaluation_and_completion_events(
    award_services: Services,
) -> None:
    s = award_services
    await given_staff(s)
    finalised = await evaluate(s, GOOD, Period.TRIWULAN_I, ABOVE)
    completions = [await complete(s, GOOD, 12, "A-1"), await complete(s, GOOD, 8, "A-2")]
    view = await decide(s, GOOD, AwardKind.PRIORITAS_PENGEMBANGAN_KOMPETENSI)
    assert view.outcome == "GRANTED" and view.eligible and not view.flagged
    predicate, jp = view.criteria or []
    assert predicate["met"] and jp["met"] and jp["actual"] == "20 JP"
    assert [e["position"] for e in predicate["evidence"]] == [finalised]
    assert [e["position"] for e in jp["evidence"]] == completions
    trail = await audit.trail(
        s.pool,
        s.store.codec,
        audit.TrailFilter(subject_id=s.ids.employee_id(GOOD)),
        after=0,
        limit=100,
    )
    by_position = {e.position: e for e in trail}
    for cited in [*predicate["evidence"], *jp["evidence"]]:
        event = by_position[cited["position"]]
        assert str(event.stream_id) == cited["stream_id"]
        assert event.stream_version == cited["stream_version"]
    assert by_position[finalised].event_type == "EvaluationFinalised"


async def test_later_events_and_rule_sets_do_not_change_the_reevaluation(
    award_services: Services,
) -> None:
    s = award_services
    await given_staff(s)
    await evaluate(s, GOOD, Period.TRIWULAN_I, ABOVE)
    await complete(s, GOOD, 20, "B-1")
    view = await decide(s, GOOD, AwardKind.PRIORITAS_PENGEMBANGAN_KOMPETENSI)
    await evaluate(s, GOOD, Period.TRIWULAN_II, BELOW)
    stricter = RuleSetSpec(
        AwardKind.PRIORITAS_PENGEMBANGAN_KOMPETENSI,
        2,
        date(2026, 1, 1),
        (Criterion(CriterionKind.PREDICATE_AT_LEAST_LATEST, Predicate.SANGAT_BAIK),),
    )
    await s.awards.publish_rule_set(ctx(), stricter)
    found = await s.awards.reevaluate(s.pool, view.id)
    assert found is not None and found.matches and found.rule_set_matches
    assert found.rule_set is not None and found.rule_set.version == 1
    # The same nominee decided now meets neither the new version nor the latest predicate.
    kind = AwardKind.PRIORITAS_PENGEMBANGAN_KOMPETENSI
    later = await decide(s, GOOD, kind, AwardOutcome.REJECTED)
    assert later.rule_set_version == 2 and not later.eligible and not later.flagged
    # The view built event by event equals the same fold replayed from position 0.
    awards_view: list[Projection] = [AwardsProjection()]
    async with s.pool.acquire() as conn:
        assert (
            await compare_with_live(conn, awards_view, await replay_all(s.store, awards_view)) == []
        )


async def test_granting_an_ineligible_nominee_needs_a_justification_and_is_flagged(
    award_services: Services,
) -> None:
    s = award_services
    await given_staff(s)
    nominated = await s.awards.nominate(ctx(), NEW, AwardKind.ASN_BERPRESTASI, "rajin")
    award_id = nominated.result["award_id"]
    with pytest.raises(RuleBroken) as refused:
        await s.awards.decide(ctx(), award_id, AwardOutcome.GRANTED, None)
    assert refused.value.rule == "override_justification"
    await s.awards.decide(ctx(), award_id, AwardOutcome.GRANTED, "penanganan bencana")
    await s.projector.catch_up()
    [flagged] = await views.decisions_page(
        s.pool, flagged=True, unit_code="SETDA", after=0, limit=10
    )
    assert str(flagged.id) == award_id and flagged.outcome == "GRANTED"
    assert flagged.decided_position is not None
    [event] = await s.store.read_all(flagged.decided_position - 1, 1)
    payload = audit.payload_json(s.store.codec, event)
    assert payload["justification"] == "penanganan bencana"


async def test_years_of_service_count_from_the_nip_and_a_medium_penalty_bars_satyalancana(
    award_services: Services,
) -> None:
    s = award_services
    await given_staff(s)
    kind = AwardKind.SATYALANCANA_KARYA_SATYA
    day_before = datetime(2026, 2, 28, 3, 0, tzinfo=UTC)
    early = await decide(s, GOOD, kind, AwardOutcome.REJECTED, now=day_before)
    assert not early.eligible and not early.flagged
    on_the_day = await decide(s, GOOD, kind, now=NOW)
    assert on_the_day.eligible and not on_the_day.flagged
    await s.awards.record_penalty(ctx(), GOOD, PenaltyLevel.SEDANG, date(2026, 2, 1), "absen")
    barred = await decide(s, GOOD, kind, AwardOutcome.REJECTED, now=NOW)
    assert not barred.eligible
    assert (barred.criteria or [])[2]["actual"] == "SEDANG on 2026-02-01"


async def test_only_hr_or_the_supervisor_nominates_and_inspectors_change_nothing(
    award_services: Services,
) -> None:
    s = award_services
    await given_staff(s)
    boss = ctx(Principal(sub=BOSS, roles=frozenset({Role.EVALUATOR})))
    await s.awards.nominate(boss, GOOD, AwardKind.ASN_BERPRESTASI, "teladan")
    stranger = ctx(Principal(sub=NEW, roles=frozenset({Role.EVALUATOR})))
    with pytest.raises(NotAllowed):
        await s.awards.nominate(stranger, GOOD, AwardKind.ASN_BERPRESTASI, "teladan")
    inspector = ctx(Principal(sub="insp", roles=frozenset({Role.INSPECTOR, Role.AUDITOR})))
    with pytest.raises(NotAllowed):
        await s.awards.nominate(inspector, GOOD, AwardKind.ASN_BERPRESTASI, "teladan")


def _independent_hash(name: str) -> str:
    data = json.loads((resources.files("service.handlers") / "rulesets" / name).read_text("utf-8"))
    canonical = {
        "award_kind": data["award_kind"],
        "version": data["version"],
        "effective_from": data["effective_from"],
        "criteria": data["criteria"],
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def test_default_rule_sets_publish_once_and_keep_their_hash_after_a_restart(
    settings: Settings, database_url: str
) -> None:
    on = settings.model_copy(update={"default_rule_sets": True})
    hashes = []
    for _ in range(2):
        built = await build_services(on, database_url, run_projector=False)
        try:
            await built.projector.catch_up()
            found = await views.rule_sets(built.pool)
            hashes.append({v.award_kind: v.content_hash for v in found})
            assert await built.store.head() == 4
        finally:
            await close_services(built)
    assert hashes[0] == hashes[1]
    assert len(hashes[0]) == 4
    expected = _independent_hash("prioritas_pengembangan_kompetensi.json")
    assert hashes[0]["PRIORITAS_PENGEMBANGAN_KOMPETENSI"] == expected


async def test_an_award_decision_event_is_provably_in_the_signed_log(
    award_services: Services,
) -> None:
    s = award_services
    await given_staff(s)
    await evaluate(s, GOOD, Period.TRIWULAN_I, ABOVE)
    await complete(s, GOOD, 20, "P-1")
    first = await s.transparency.checkpoint()
    await decide(s, GOOD, AwardKind.PRIORITAS_PENGEMBANGAN_KOMPETENSI)
    signed = await s.transparency.checkpoint()
    decided = [e for e in await s.store.read_all(0, 10_000) if e.event_type == "AwardDecided"]
    assert len(decided) == 1
    event = decided[0]
    proof = await s.transparency.inclusion(event.position, signed.checkpoint.size)
    assert rfc9162.verify_inclusion(
        event.position - 1,
        signed.checkpoint.size,
        rfc9162.leaf(event.hash),
        proof.audit_path,
        signed.checkpoint.root_hash,
    )
    consistency = await s.transparency.consistency(first.checkpoint.size, signed.checkpoint.size)
    assert rfc9162.verify_consistency(
        first.checkpoint.size,
        signed.checkpoint.size,
        first.checkpoint.root_hash,
        signed.checkpoint.root_hash,
        consistency.path,
    )
