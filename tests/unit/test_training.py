"""Competency development in the domain: catalogue, enrolment, completion, revocation, JP rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from domain.employee import Employee, Registration
from domain.enrolment_rules import AdvancedTrainingOpportunity, NeedLink, advanced_training_allowed
from domain.errors import InvalidValue, RuleBroken
from domain.jp_rules import DEFAULT_JP_RULES, JpRuleSet, JpStanding, rules_for_year
from domain.training import (
    ProgramDetails,
    TrainingEnrolment,
    TrainingKind,
    TrainingProgram,
    completion_stream_id,
)
from domain.training_completion import CompletionContext, CompletionEntry, TrainingCompletion
from domain.values import EmploymentType, PositionKind
from projections.engine import Fact
from projections.needs_met import needs_met_changes, needs_met_refs

NOW = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def program(jp: int = 8, *, advanced: bool = False, code: str = "DKK-01") -> TrainingProgram:
    details = ProgramDetails.parse(
        code,
        "Pelatihan Pelayanan Prima Puskesmas",
        TrainingKind.PELATIHAN,
        "Pelayanan publik",
        jp,
        "BPSDM Jawa Tengah",
        "kesehatan",
        advanced,
    )
    return TrainingProgram.publish(details, NOW)


def employee(kind: EmploymentType = EmploymentType.PNS) -> Employee:
    registration = Registration(
        "198503152010011002", "Sri Wahyuni", kind, "DINKES", PositionKind.PELAKSANA, "Perawat"
    )
    return Employee.register(uuid4(), registration, NOW)


def complete(
    prog: TrainingProgram,
    person: Employee,
    on: date = date(2025, 12, 20),
    certificate: str = "CERT-1",
    jp: int | None = None,
    needs: tuple[str, ...] = (),
) -> TrainingCompletion:
    entry = CompletionEntry(completed_on=on, certificate_number=certificate, jp=jp)
    return TrainingCompletion.record(
        prog, person, entry, DEFAULT_JP_RULES, CompletionContext(TODAY, None, needs), NOW
    )


def test_a_programme_is_published_with_its_code_upper_cased() -> None:
    prog = program()
    [event] = prog.collect_events()
    assert isinstance(event, TrainingProgram.Published)
    assert (event.code, event.kind, event.jp, event.sector) == (
        "DKK-01",
        "PELATIHAN",
        8,
        "kesehatan",
    )


def test_kinds_are_classical_or_not() -> None:
    assert TrainingKind.WORKSHOP.classical
    assert not TrainingKind.MENTORING.classical
    assert not TrainingKind.E_LEARNING.classical


@pytest.mark.parametrize(("field", "args"), [("jp", {"jp": 0}), ("code", {"code": " "})])
def test_a_programme_with_a_bad_field_is_refused(field: str, args: dict[str, object]) -> None:
    values: dict[str, object] = {"code": "X1", "jp": 4} | args
    with pytest.raises(InvalidValue) as refused:
        ProgramDetails.parse(
            str(values["code"]), "T", TrainingKind.SEMINAR, "Area", int(str(values["jp"])), "P"
        )
    assert refused.value.field == field


def test_a_completion_counts_to_its_completion_date_year_and_defaults_to_the_programmes_jp() -> (
    None
):
    completion = complete(program(jp=12), employee())
    [event] = completion.collect_events()
    assert isinstance(event, TrainingCompletion.Recorded)
    assert (event.year, event.effective_date, event.jp) == (2025, date(2025, 12, 20), 12)
    assert (event.required_jp, event.cap_jp, event.rule_version) == (20, None, 1)
    assert event.competency_area == "Pelayanan publik"


def test_a_pppk_completion_carries_the_cap_and_no_minimum() -> None:
    [event] = complete(program(), employee(EmploymentType.PPPK)).collect_events()
    assert isinstance(event, TrainingCompletion.Recorded)
    assert (event.required_jp, event.cap_jp) == (0, 24)


def test_a_future_completion_date_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        complete(program(), employee(), on=date(2026, 1, 11))
    assert refused.value.field == "completedOn"


@pytest.mark.parametrize("jp", [0, -3])
def test_jp_of_zero_or_below_is_refused(jp: int) -> None:
    with pytest.raises(InvalidValue) as refused:
        complete(program(), employee(), jp=jp)
    assert refused.value.field == "jp"


def test_a_retired_programme_takes_no_completion() -> None:
    prog = program()
    prog.retire("replaced by DKK-02", NOW)
    with pytest.raises(RuleBroken) as refused:
        complete(prog, employee())
    assert refused.value.rule == "program_retired"


def test_the_same_certificate_number_gives_the_same_stream_whatever_its_spacing() -> None:
    assert completion_stream_id("sk 123/2025") == completion_stream_id(" SK123/2025 ")
    assert completion_stream_id("SK-1") != completion_stream_id("SK-2")


def test_a_revocation_is_a_new_event_carrying_what_the_ledger_needs() -> None:
    completion = complete(program(), employee())
    completion.revoke("certificate was forged", NOW)
    _recorded, revoked = completion.collect_events()
    assert isinstance(revoked, TrainingCompletion.Revoked)
    assert (revoked.year, revoked.jp, revoked.completion_id) == (2025, 8, completion.id)
    with pytest.raises(RuleBroken):
        completion.revoke("again", NOW)


def test_advanced_training_needs_a_granted_opportunity() -> None:
    with pytest.raises(RuleBroken) as refused:
        TrainingEnrolment.enrol(program(advanced=True), employee(), NeedLink(), (), NOW)
    assert refused.value.rule == "advanced_training_opportunity"
    granted = [AdvancedTrainingOpportunity(award_id=uuid4(), granted_on=date(2025, 6, 1))]
    assert advanced_training_allowed(granted, TODAY)
    assert not advanced_training_allowed(granted, date(2025, 5, 31))
    enrolment = TrainingEnrolment.enrol(
        program(advanced=True), employee(), NeedLink(), granted, NOW
    )
    assert enrolment.program_id == program().id


def test_an_enrolment_for_a_need_names_an_open_need_in_the_programmes_area() -> None:
    open_needs = ("Pelayanan Publik", "Manajemen keuangan")
    need = NeedLink(" pelayanan  publik ", open_needs)
    enrolment = TrainingEnrolment.enrol(program(), employee(), need, (), NOW)
    assert enrolment.development_need == "Pelayanan Publik"
    for named in ("Manajemen keuangan", "Pelayanan publik"):
        with pytest.raises(InvalidValue) as refused:
            needs = open_needs if named.startswith("Manajemen") else ()
            TrainingEnrolment.enrol(program(), employee(), NeedLink(named, needs), (), NOW)
        assert refused.value.field == "developmentNeed"


def test_a_completion_meets_the_open_needs_of_its_area_as_they_were_spelled() -> None:
    needs = ("PELAYANAN PUBLIK", "Manajemen keuangan")
    completion = complete(program(), employee(), needs=needs)
    [event] = completion.collect_events()
    assert isinstance(event, TrainingCompletion.Recorded)
    assert event.development_needs_met == ["PELAYANAN PUBLIK"]
    completion.revoke("invalid", NOW)
    [revoked] = completion.collect_events()
    assert isinstance(revoked, TrainingCompletion.Revoked)
    assert revoked.development_needs_met == ["PELAYANAN PUBLIK"]


def test_the_rules_of_a_year_are_the_version_in_force_on_its_first_day() -> None:
    v2 = JpRuleSet(version=2, effective_from=date(2027, 1, 1), pns_min_jp=24, pppk_cap_jp=30)
    sets = (DEFAULT_JP_RULES, v2)
    assert rules_for_year(2026, sets) is DEFAULT_JP_RULES
    assert rules_for_year(2027, sets) is v2
    assert rules_for_year(2010, sets) is DEFAULT_JP_RULES


def test_standing_of_a_pns_and_of_a_pppk() -> None:
    pns = JpStanding(earned=12, required=20, cap=None)
    assert (pns.remaining, pns.compliant, pns.above_cap) == (8, False, False)
    pppk = JpStanding(earned=30, required=0, cap=24)
    assert (pppk.remaining, pppk.compliant, pppk.above_cap) == (0, True, True)


def test_a_completion_closes_the_need_it_met_and_its_revocation_reopens_it() -> None:
    completion = complete(program(), employee(), needs=("Pelayanan Publik",))
    [recorded] = completion.collect_events()
    completion.revoke("invalid", NOW)
    [revoked] = completion.collect_events()
    assert isinstance(recorded, TrainingCompletion.Recorded)
    assert isinstance(revoked, TrainingCompletion.Revoked)
    [ref] = needs_met_refs("needs", recorded)
    need = {"area": "Pelayanan Publik", "closed": False, "closed_by": None, "closed_at": None}

    def fact(event: object, position: int) -> Fact:
        return Fact(position, completion.id, position, "", NOW, None, None, {}, event)

    closed = needs_met_changes("needs", fact(recorded, 1), recorded, {ref: need})[ref]
    assert closed is not None
    assert (closed["closed"], closed["closed_by"]) == (True, completion.id)
    reopened = needs_met_changes("needs", fact(revoked, 2), revoked, {ref: closed})[ref]
    assert reopened == need
