"""What each command answers: typed records of the ids a mutation reads its object back by.

An answer is stored as JSON beside its idempotency key, so a retried command answers the same
record (`Answer(**stored)`): fields are plain strings and numbers, named as they are stored.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CycleAnswer:
    year: int


@dataclass(frozen=True)
class UnitAnswer:
    code: str


@dataclass(frozen=True)
class EmployeeAnswer:
    employee_id: str


@dataclass(frozen=True)
class EmployeeRecordAnswer:
    """A plan or an evaluation: its own id and its employee's."""

    id: str
    employee_id: str


@dataclass(frozen=True)
class RuleSetAnswer:
    rule_set_id: str


@dataclass(frozen=True)
class AwardAnswer:
    award_id: str


@dataclass(frozen=True)
class PenaltyAnswer:
    penalty_id: str
    employee_id: str


@dataclass(frozen=True)
class DialogueAnswer:
    dialogue_id: str
    employee_id: str


@dataclass(frozen=True)
class ProgramAnswer:
    program_id: str


@dataclass(frozen=True)
class EnrolmentAnswer:
    enrolment_id: str
    employee_id: str
    program_id: str
    development_need: str | None


@dataclass(frozen=True)
class CompletionAnswer:
    completion_id: str
    employee_id: str | None = None


@dataclass(frozen=True)
class StandardAnswer:
    unit_code: str
    service_code: str


@dataclass(frozen=True)
class PeriodAnswer:
    """A unit's figures for a reporting period (of one service, for deliveries)."""

    unit_code: str
    period_start: str
    period_end: str
    service_code: str | None = None
