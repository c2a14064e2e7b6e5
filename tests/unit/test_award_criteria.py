"""Award criteria on their boundaries, the rule-set hash, and the decision's override rule."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from domain.award import Award, AwardOutcome, Evaluated
from domain.award_criteria import (
    CompletionFact,
    EvaluationFact,
    EvidenceRef,
    NomineeFacts,
    PenaltyFact,
    eligible,
    evaluate,
)
from domain.discipline import PenaltyLevel
from domain.errors import InvalidValue, RuleBroken
from domain.rating import Period, Predicate
from domain.rule_set import AwardKind, Criterion, CriterionKind, RuleSetSpec, in_force
from domain.values import EmploymentType

NIP_TMT_2016_03 = "198503152016031002"
DAY = date(2026, 3, 1)
AT = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)

BERPRESTASI = RuleSetSpec(
    AwardKind.ASN_BERPRESTASI,
    1,
    date(2020, 1, 1),
    (Criterion(CriterionKind.PREDICATE_AT_LEAST_LAST_ANNUAL, Predicate.SANGAT_BAIK, count=2),),
)
PRIORITAS = RuleSetSpec(
    AwardKind.PRIORITAS_PENGEMBANGAN_KOMPETENSI,
    1,
    date(2020, 1, 1),
    (
        Criterion(CriterionKind.PREDICATE_AT_LEAST_LATEST, Predicate.BAIK),
        Criterion(CriterionKind.JP_REQUIREMENT_MET),
    ),
)
SATYALANCANA = RuleSetSpec(
    AwardKind.SATYALANCANA_KARYA_SATYA,
    1,
    date(2020, 1, 1),
    (
        Criterion(CriterionKind.EMPLOYMENT_TYPE_PNS),
        Criterion(CriterionKind.YEARS_OF_SERVICE_AT_LEAST, years=10),
        Criterion(CriterionKind.NO_MEDIUM_OR_HEAVY_PENALTY),
    ),
)

_positions = iter(range(10, 10_000))


def _ref() -> EvidenceRef:
    return EvidenceRef(next(_positions), uuid4(), 1)


def _annual(year: int, predicate: Predicate) -> EvaluationFact:
    return EvaluationFact(_ref(), year, Period.TAHUNAN, predicate)


def _facts(
    *,
    evaluations: tuple[EvaluationFact, ...] = (),
    completions: tuple[CompletionFact, ...] = (),
    penalties: tuple[PenaltyFact, ...] = (),
    employment_type: EmploymentType = EmploymentType.PNS,
) -> NomineeFacts:
    return NomineeFacts(
        registration=EvidenceRef(1, UUID(int=1), 1),
        employment_type=employment_type,
        nip=NIP_TMT_2016_03,
        evaluations=evaluations,
        completions=completions,
        penalties=penalties,
    )


def test_sangat_baik_in_the_last_two_annual_evaluations_is_met() -> None:
    facts = _facts(
        evaluations=(_annual(2024, Predicate.SANGAT_BAIK), _annual(2025, Predicate.SANGAT_BAIK))
    )
    [result] = evaluate(BERPRESTASI, facts, DAY)
    assert result.met
    assert result.actual == "2025: SANGAT_BAIK, 2024: SANGAT_BAIK"
    assert {e.position for e in result.evidence} == {e.evidence.position for e in facts.evaluations}


def test_sangat_baik_only_in_the_last_annual_evaluation_is_not_met() -> None:
    facts = _facts(
        evaluations=(_annual(2024, Predicate.BAIK), _annual(2025, Predicate.SANGAT_BAIK))
    )
    [result] = evaluate(BERPRESTASI, facts, DAY)
    assert not result.met
    only_one = _facts(evaluations=(_annual(2025, Predicate.SANGAT_BAIK),))
    assert not evaluate(BERPRESTASI, only_one, DAY)[0].met


def test_annual_evaluations_with_a_gap_are_not_consecutive() -> None:
    facts = _facts(
        evaluations=(_annual(2022, Predicate.SANGAT_BAIK), _annual(2025, Predicate.SANGAT_BAIK))
    )
    assert not evaluate(BERPRESTASI, facts, DAY)[0].met


def _completion(jp: int, on: date, *, revoked: bool = False) -> CompletionFact:
    return CompletionFact(_ref(), jp, on, revoked)


def test_jp_requirement_is_met_at_exactly_20_and_not_at_19() -> None:
    latest = (EvaluationFact(_ref(), 2026, Period.TRIWULAN_I, Predicate.BAIK),)
    exactly = _facts(
        evaluations=latest,
        completions=(_completion(12, date(2026, 1, 10)), _completion(8, date(2026, 2, 1))),
    )
    results = evaluate(PRIORITAS, exactly, DAY)
    assert [r.met for r in results] == [True, True]
    assert results[1].actual == "20 JP" and results[1].required == "20 JP"
    short = _facts(
        evaluations=latest,
        completions=(
            _completion(19, date(2026, 1, 10)),
            _completion(5, date(2025, 12, 31)),
            _completion(5, date(2026, 2, 1), revoked=True),
        ),
    )
    jp = evaluate(PRIORITAS, short, DAY)[1]
    assert not jp.met and jp.actual == "19 JP"
    assert len(jp.evidence) == 1


def test_latest_predicate_is_the_latest_period_not_the_latest_recorded() -> None:
    facts = _facts(
        evaluations=(
            EvaluationFact(_ref(), 2026, Period.TRIWULAN_I, Predicate.BUTUH_PERBAIKAN),
            EvaluationFact(_ref(), 2025, Period.TAHUNAN, Predicate.SANGAT_BAIK),
        )
    )
    result = evaluate(PRIORITAS, facts, DAY)[0]
    assert not result.met
    assert result.actual == "BUTUH_PERBAIKAN (2026 TRIWULAN_I)"


def test_ten_years_of_service_reached_on_the_day_of_the_decision_counts() -> None:
    facts = _facts()
    on_the_day = evaluate(SATYALANCANA, facts, date(2026, 3, 1))
    day_before = evaluate(SATYALANCANA, facts, date(2026, 2, 28))
    assert on_the_day[1].met and on_the_day[1].actual == "10 years"
    assert not day_before[1].met and day_before[1].actual == "9 years"
    assert eligible(on_the_day) and not eligible(day_before)


def test_a_medium_penalty_bars_satyalancana_but_a_light_or_later_one_does_not() -> None:
    light = PenaltyFact(_ref(), PenaltyLevel.RINGAN, date(2024, 1, 1))
    later = PenaltyFact(_ref(), PenaltyLevel.BERAT, date(2026, 3, 2))
    assert evaluate(SATYALANCANA, _facts(penalties=(light, later)), DAY)[2].met
    medium = PenaltyFact(_ref(), PenaltyLevel.SEDANG, date(2025, 6, 1))
    result = evaluate(SATYALANCANA, _facts(penalties=(light, medium)), DAY)[2]
    assert not result.met
    assert result.evidence == (medium.evidence,)


def test_a_pppk_is_not_a_pns_and_has_no_known_tmt() -> None:
    results = evaluate(SATYALANCANA, _facts(employment_type=EmploymentType.PPPK), DAY)
    assert [r.met for r in results] == [False, False, True]
    assert results[1].actual == "unknown"


def test_the_hash_is_sha256_of_the_documented_canonical_json() -> None:
    document = {
        "award_kind": "PRIORITAS_PENGEMBANGAN_KOMPETENSI",
        "version": 1,
        "effective_from": "2020-01-01",
        "criteria": [
            {"kind": "PREDICATE_AT_LEAST_LATEST", "predicate": "BAIK"},
            {"kind": "JP_REQUIREMENT_MET"},
        ],
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert PRIORITAS.content_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_rule_set_in_force_is_the_highest_version_already_effective() -> None:
    v2 = RuleSetSpec(AwardKind.ASN_BERPRESTASI, 2, date(2026, 3, 2), BERPRESTASI.criteria)
    v3 = RuleSetSpec(AwardKind.ASN_BERPRESTASI, 3, date(2026, 1, 1), BERPRESTASI.criteria)
    assert in_force([BERPRESTASI, v2], AwardKind.ASN_BERPRESTASI, DAY) == BERPRESTASI
    assert in_force([BERPRESTASI, v2, v3], AwardKind.ASN_BERPRESTASI, DAY) == v3
    assert in_force([BERPRESTASI], AwardKind.SATYALANCANA_KARYA_SATYA, DAY) is None


def test_a_criterion_takes_exactly_its_own_parameters() -> None:
    with pytest.raises(InvalidValue, match="needs count"):
        Criterion(CriterionKind.PREDICATE_AT_LEAST_LAST_ANNUAL, Predicate.BAIK)
    with pytest.raises(InvalidValue, match="takes no years"):
        Criterion(CriterionKind.JP_REQUIREMENT_MET, years=3)


def _decide(facts: NomineeFacts, outcome: AwardOutcome, justification: str | None) -> Award.Decided:
    award = Award.nominate(uuid4(), uuid4(), "SETDA", AwardKind.ASN_BERPRESTASI, "kinerja", AT)
    results = evaluate(BERPRESTASI, facts, DAY)
    award.decide(outcome, Evaluated(BERPRESTASI, results, 42, DAY), justification, AT)
    decided = award.collect_events()[-1]
    assert isinstance(decided, Award.Decided)
    return decided


def test_granting_an_ineligible_nominee_needs_a_justification_and_is_flagged() -> None:
    ineligible = _facts(evaluations=(_annual(2025, Predicate.BAIK),))
    with pytest.raises(RuleBroken) as refused:
        _decide(ineligible, AwardOutcome.GRANTED, None)
    assert refused.value.rule == "override_justification"
    decided = _decide(ineligible, AwardOutcome.GRANTED, "pelayanan luar biasa saat bencana")
    assert decided.flagged and not decided.eligible
    assert decided.facts_position == 42
    assert decided.rule_set_hash == BERPRESTASI.content_hash


def test_rejecting_an_eligible_nominee_needs_a_justification() -> None:
    good = _facts(
        evaluations=(_annual(2024, Predicate.SANGAT_BAIK), _annual(2025, Predicate.SANGAT_BAIK))
    )
    with pytest.raises(RuleBroken):
        _decide(good, AwardOutcome.REJECTED, "  ")
    assert not _decide(good, AwardOutcome.GRANTED, None).flagged
