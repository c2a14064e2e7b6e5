"""Supervision: nobody supervises themself, directly or through a circle of superiors."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.employee import MAX_SUPERVISION_DEPTH, refuse_supervision_cycle
from domain.errors import RuleBroken

PEOPLE = [uuid4() for _ in range(8)]


def _chain(supervises: dict[UUID, UUID], start: UUID) -> list[UUID]:
    """`start` and the superiors above it, as the handler gathers them (stops at a repeat)."""
    chain = [start]
    while (above := supervises.get(chain[-1])) is not None and above not in chain:
        chain.append(above)
    if above is not None and above in chain:
        chain.append(above)
    return chain


def test_a_two_and_a_three_cycle_are_refused_and_name_the_rule() -> None:
    a, b, c = PEOPLE[:3]
    with pytest.raises(RuleBroken) as two:
        refuse_supervision_cycle(a, [b, a])
    assert two.value.rule == "supervision_cycle"
    with pytest.raises(RuleBroken) as three:
        refuse_supervision_cycle(a, [b, c, a])
    assert three.value.rule == "supervision_cycle"
    with pytest.raises(RuleBroken) as itself:
        refuse_supervision_cycle(a, [a])
    assert itself.value.rule == "self_supervision"
    refuse_supervision_cycle(a, [b, c])


def test_a_chain_deeper_than_the_city_records_is_refused() -> None:
    chain = [uuid4() for _ in range(MAX_SUPERVISION_DEPTH + 1)]
    with pytest.raises(RuleBroken) as deep:
        refuse_supervision_cycle(uuid4(), chain)
    assert deep.value.rule == "supervision_depth"
    refuse_supervision_cycle(uuid4(), chain[:-1])


@given(
    edges=st.dictionaries(st.sampled_from(PEOPLE), st.sampled_from(PEOPLE), max_size=8),
    employee=st.sampled_from(PEOPLE),
    supervisor=st.sampled_from(PEOPLE),
)
def test_accepted_assignments_never_close_a_circle(
    edges: dict[UUID, UUID], employee: UUID, supervisor: UUID
) -> None:
    """Whatever the existing edges, an accepted edge leaves the employee off the chain above."""
    chain = _chain(edges, supervisor)
    try:
        refuse_supervision_cycle(employee, chain)
    except RuleBroken:
        assert employee in chain
        return
    after = {**edges, employee: supervisor}
    seen: set[UUID] = set()
    person: UUID | None = supervisor
    while person is not None and person not in seen and person != employee:
        seen.add(person)
        person = after.get(person)
    assert person != employee


def test_a_transfer_naming_a_supervisor_refuses_a_circle_and_records_nothing() -> None:
    from datetime import UTC, datetime

    from domain.employee import Employee, Registration, Superior
    from domain.values import EmploymentType, PositionKind

    now = datetime(2026, 3, 1, tzinfo=UTC)
    registration = Registration(
        "198503152010011002",
        "Sri Wahyuni",
        EmploymentType.PNS,
        "DINKES",
        PositionKind.PENGAWAS,
        "Kepala Seksi",
    )
    employee = Employee.register(uuid4(), registration, now)
    employee.collect_events()
    boss = Superior(uuid4(), "198001012005011003", "DISDIK")
    with pytest.raises(RuleBroken) as circle:
        # The new supervisor is supervised by the employee being transferred.
        employee.transfer("DISDIK", now, boss, superiors=[employee.id])
    assert circle.value.rule == "supervision_cycle"
    assert employee.collect_events() == []
    employee.transfer("DISDIK", now, boss, superiors=[uuid4()])
    assert employee.supervisor_id == boss.id
