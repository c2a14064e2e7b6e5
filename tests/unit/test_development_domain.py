"""Development rules in the domain: recommendations, dialogues, transfers, and events recorded
before this release (version 1) still decoding with their original meaning."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dialogue import DialogueEntry, DialogueKind, PerformanceDialogue
from domain.employee import Employee, Registration, Superior
from domain.enrolment_rules import competency_area_key
from domain.errors import InvalidValue, RuleBroken
from domain.organisation import Unit, unit_stream_id
from domain.rating import Period
from domain.recommendation import Candidate, recommend, sector_rank
from domain.training import TrainingProgram, program_stream_id
from domain.values import EmploymentType, PositionKind
from service.log.codec import EventCodec

NOW = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
AREAS = ["Analisis Data", "pengendalian infeksi", "Pelayanan Publik"]
SECTORS = [None, "kesehatan", "Kesehatan", "pendidikan"]

_candidate = st.builds(
    Candidate,
    program_id=st.uuids(),
    code=st.text("ABC-123", min_size=1, max_size=6),
    competency_area=st.sampled_from([*AREAS, "ANALISIS  data", "Administrasi"]),
    sector=st.sampled_from(SECTORS),
    advanced=st.booleans(),
    retired=st.booleans(),
    completed=st.booleans(),
)


@given(
    needs=st.lists(st.sampled_from(AREAS), max_size=3),
    candidates=st.lists(_candidate, max_size=30),
    unit_sector=st.sampled_from(SECTORS),
    allowed=st.booleans(),
)
def test_recommendations_keep_the_rules_and_put_the_units_sector_first(
    needs: list[str],
    candidates: list[Candidate],
    unit_sector: str | None,
    allowed: bool,
) -> None:
    found = recommend(needs, candidates, unit_sector, allowed)
    by_id = {c.program_id: c for c in candidates}
    keys = {competency_area_key(n) for n in needs}
    chosen = [by_id[r.program_id] for r in found]
    for c, r in zip(chosen, found, strict=True):
        assert competency_area_key(c.competency_area) in keys
        assert competency_area_key(r.need) == competency_area_key(c.competency_area)
        assert not c.retired and not c.completed
        assert allowed or not c.advanced
        assert r.need in r.reason
    ranks = [(sector_rank(c.sector, unit_sector), c.code) for c in chosen]
    assert ranks == sorted(ranks)
    eligible = [
        c
        for c in candidates
        if competency_area_key(c.competency_area) in keys
        and not (c.retired or c.completed or (c.advanced and not allowed))
    ]
    assert len(found) == min(len(eligible), 20)


def _employee(nip: str = "198503152010011002", unit: str = "DINKES") -> Employee:
    registration = Registration(
        nip, "Sri", EmploymentType.PNS, unit, PositionKind.PELAKSANA, "Analis", "x", uuid4()
    )
    return Employee.register(uuid4(), registration, NOW)


def test_a_transfer_ends_the_supervision_unless_a_supervisor_of_the_new_unit_is_named() -> None:
    alone = _employee()
    alone.transfer("DISDIK", NOW)
    assert (alone.supervisor_id, alone.supervisor_nip) == (None, None)
    assert [type(e).__name__ for e in alone.collect_events()][-2:] == [
        "Transferred",
        "SupervisionEnded",
    ]
    boss = Superior(uuid4(), "197203032001011004", "DISDIK")
    named = _employee()
    named.transfer("DISDIK", NOW, boss)
    assert (named.supervisor_id, named.supervisor_nip) == (boss.id, boss.nip)
    with pytest.raises(InvalidValue) as wrong_unit:
        _employee().transfer("DISDIK", NOW, Superior(uuid4(), boss.nip, "DINKES"))
    assert wrong_unit.value.field == "supervisorNip"
    me = _employee()
    with pytest.raises(RuleBroken):
        me.transfer("DISDIK", NOW, Superior(me.id, "198503152010011002", "DISDIK"))


def _entry(**change: object) -> DialogueEntry:
    fields: dict[str, object] = {
        "year": 2026,
        "period": Period.TRIWULAN_I,
        "held_on": date(2026, 2, 10),
        "kind": DialogueKind.COUNSELLING,
        "notes": "  Catatan konseling.  ",
        "agreed_actions": ("Aksi",),
    }
    return DialogueEntry(**(fields | change))  # type: ignore[arg-type]


def test_a_dialogue_is_held_in_its_cycle_year_or_after_and_never_in_the_future() -> None:
    recorded = PerformanceDialogue.record(uuid4(), uuid4(), uuid4(), "DINKES", _entry(), NOW)
    event = recorded.collect_events()[0]
    assert isinstance(event, PerformanceDialogue.Recorded)
    assert (event.notes, event.agreed_actions, event.kind) == (
        "Catatan konseling.",
        ["Aksi"],
        "COUNSELLING",
    )
    # A session on the first days of the next year still belongs to the year it looks back on.
    later = _entry(year=2025, period=Period.TAHUNAN, held_on=date(2026, 1, 5))
    PerformanceDialogue.record(uuid4(), uuid4(), uuid4(), "DINKES", later, NOW)
    for bad in (_entry(held_on=date(2026, 3, 2)), _entry(held_on=date(2025, 12, 31))):
        with pytest.raises(InvalidValue) as refused:
            PerformanceDialogue.record(uuid4(), uuid4(), uuid4(), "DINKES", bad, NOW)
        assert refused.value.field == "heldOn"


def _decode(stream: UUID, topic: str, state: dict[str, object]) -> object:
    return EventCodec().decode(stream, 1, topic, json.dumps(state).encode())


def test_version_1_events_decode_with_no_sector_and_no_resource_persons() -> None:
    base = {"timestamp": {"_type_": "datetime_iso", "_data_": NOW.isoformat()}}
    unit = _decode(
        unit_stream_id("DINKES"),
        "domain.organisation:Unit.Registered",
        base | {"originator_topic": "domain.organisation:Unit", "code": "DINKES", "name": "D"},
    )
    assert isinstance(unit, Unit.Registered) and unit.sector is None
    aggregate = unit.mutate(None)
    assert isinstance(aggregate, Unit) and aggregate.sector is None
    old_program = {
        "originator_topic": "domain.training:TrainingProgram",
        "code": "DKK-01",
        "title": "Pelatihan",
        "kind": "PELATIHAN",
        "competency_area": "Pelayanan publik",
        "jp": 8,
        "provider": "BPSDM",
        "sector": None,
        "advanced": False,
    }
    program = _decode(
        program_stream_id("DKK-01"), "domain.training:TrainingProgram.Published", base | old_program
    )
    assert isinstance(program, TrainingProgram.Published)
    assert program.resource_persons == []
