"""A unit's performance year: its organisation predicate, overrides and final annual predicates.

The distribution check reads this aggregate, and a finalisation appends to it in the same
transaction, so two concurrent finalisations in one unit cannot both slip past the bounds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.distribution import DistributionRuleSet, OrganizationPredicate, check_distribution
from domain.errors import RuleBroken
from domain.rating import Predicate
from domain.values import require_text

_UNIT_YEAR_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:unit-year")


def unit_year_stream_id(unit_code: str, year: int) -> UUID:
    """One stream per unit and year."""
    return uuid5(_UNIT_YEAR_NAMESPACE, f"{unit_code}:{year}")


@dataclass(frozen=True)
class DistributionOutcome:
    """How an annual predicate fared against the unit's bounds, as the events record it."""

    rule_version: int
    organization_predicate: str | None
    flagged: bool
    violations: list[str]
    override_justification: str | None

    @staticmethod
    def event_fields(outcome: DistributionOutcome | None) -> dict[str, Any]:
        """The distribution fields of a finalisation or revision event (empty when unchecked)."""
        return {
            "distribution_rule_version": outcome.rule_version if outcome else None,
            "organization_predicate": outcome.organization_predicate if outcome else None,
            "distribution_flagged": outcome.flagged if outcome else False,
            "override_justification": outcome.override_justification if outcome else None,
        }


class UnitYear(Aggregate):
    """The performance year of one unit (perangkat daerah)."""

    class Opened(Aggregate.Created):
        """The unit's performance year was first referred to."""

        unit_code: str
        year: int

    class OrganizationPredicateSet(Aggregate.Event):
        """HR set the unit's organisation predicate for the year."""

        unit_code: str
        year: int
        predicate: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, UnitYear)
            aggregate.organization_predicate = OrganizationPredicate(self.predicate)

    class DistributionOverrideRecorded(Aggregate.Event):
        """HR allowed annual predicates outside the bounds, with a justification."""

        unit_code: str
        year: int
        override_justification: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, UnitYear)
            aggregate.override_justification = self.override_justification

    class AnnualPredicateRecorded(Aggregate.Event):
        """An employee's final annual predicate now counts in the unit's distribution."""

        unit_code: str
        year: int
        employee_id: UUID
        evaluation_id: UUID
        predicate: str
        rule_version: int
        flagged: bool
        violations: list[str]

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, UnitYear)
            aggregate.predicates[str(self.employee_id)] = Predicate(self.predicate)

    def __init__(self, unit_code: str, year: int) -> None:
        self.unit_code = unit_code
        self.year = year
        self.organization_predicate: OrganizationPredicate | None = None
        self.override_justification: str | None = None
        self.predicates: dict[str, Predicate] = {}

    @classmethod
    def open(cls, unit_code: str, year: int, at: datetime) -> UnitYear:
        """Start the unit's year (done by its first command)."""
        return cls._create(
            cls.Opened,
            id=unit_year_stream_id(unit_code, year),
            timestamp=at,
            unit_code=unit_code,
            year=year,
        )

    def _fields(self) -> dict[str, object]:
        return {"unit_code": self.unit_code, "year": self.year}

    def set_organization_predicate(self, predicate: OrganizationPredicate, at: datetime) -> None:
        """Set (or change) the organisation predicate that bounds the annual predicates."""
        self.trigger_event(
            self.OrganizationPredicateSet, timestamp=at, predicate=predicate.value, **self._fields()
        )

    def record_override(self, justification: str, at: datetime) -> None:
        """Allow finalisations outside the bounds; each such finalisation is flagged."""
        text = require_text("justification", justification, max_length=4000)
        self.trigger_event(
            self.DistributionOverrideRecorded,
            timestamp=at,
            override_justification=text,
            **self._fields(),
        )

    def record_annual_predicate(
        self,
        employee_id: UUID,
        evaluation_id: UUID,
        predicate: Predicate,
        unit_employee_ids: Iterable[UUID],
        rules: DistributionRuleSet,
        at: datetime,
    ) -> DistributionOutcome:
        """Count a final annual predicate; refuse it outside the bounds unless overridden."""
        outcome = self.check(employee_id, predicate, unit_employee_ids, rules)
        self.trigger_event(
            self.AnnualPredicateRecorded,
            timestamp=at,
            employee_id=employee_id,
            evaluation_id=evaluation_id,
            predicate=predicate.value,
            rule_version=outcome.rule_version,
            flagged=outcome.flagged,
            violations=outcome.violations,
            **self._fields(),
        )
        return outcome

    def check(
        self,
        employee_id: UUID,
        predicate: Predicate,
        unit_employee_ids: Iterable[UUID],
        rules: DistributionRuleSet,
    ) -> DistributionOutcome:
        """The distribution with this predicate counted; refused outside unless overridden."""
        after = dict(self.predicates, **{str(employee_id): predicate})
        # A snapshot restores the enum as its plain string: coerce it back.
        raw = self.organization_predicate
        org = None if raw is None else OrganizationPredicate(raw)
        violations: list[str] = []
        if org is not None:
            # Minimum bounds only apply once every employee of the unit has a final annual result.
            staff = {str(e) for e in unit_employee_ids}
            complete = staff <= after.keys()
            violations = check_distribution(
                rules,
                org,
                list(after.values()),
                complete=complete,
                population=len(staff | after.keys()),
            )
        if violations and self.override_justification is None:
            raise RuleBroken(
                "distribution",
                "; ".join(violations) + ". Record a distribution override to finalise anyway",
            )
        return DistributionOutcome(
            rule_version=rules.version,
            organization_predicate=org.value if org else None,
            flagged=bool(violations),
            violations=violations,
            override_justification=self.override_justification if violations else None,
        )
