"""The JP rule set: how many hours of development (jam pelajaran) a year each ASN has a right to.

PP 11/2017 art. 203 (as amended by PP 17/2020) gives every PNS at least 20 JP a year; PP 49/2018
art. 40 gives a PPPK at most 24 JP per contract year. The numbers are a published, versioned rule
set (data), so a change of policy is a new version, never an edit of code or of history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidValue
from domain.values import EmploymentType

_FIELD = "jpRules"


@dataclass(frozen=True)
class JpRuleSet:
    """One version of the JP rules, in force from `effective_from`."""

    version: int
    effective_from: date
    pns_min_jp: int
    pppk_cap_jp: int

    def __post_init__(self) -> None:
        if self.version < 1:
            raise InvalidValue(_FIELD, f"a rule set version must be at least 1, got {self.version}")
        if self.pns_min_jp < 0 or self.pppk_cap_jp < 0:
            raise InvalidValue(_FIELD, "JP limits must not be negative")

    def required_for(self, employment_type: EmploymentType) -> int:
        """The yearly minimum: a PNS's right to development; a PPPK has no minimum."""
        return self.pns_min_jp if employment_type is EmploymentType.PNS else 0

    def cap_for(self, employment_type: EmploymentType) -> int | None:
        """The yearly maximum: a PPPK's entitlement; a PNS has none."""
        return self.pppk_cap_jp if employment_type is EmploymentType.PPPK else None


DEFAULT_JP_RULES = JpRuleSet(
    version=1, effective_from=date(2020, 1, 1), pns_min_jp=20, pppk_cap_jp=24
)
"""Version 1: 20 JP for a PNS (PP 17/2020), at most 24 JP for a PPPK (PP 49/2018)."""

JP_RULE_SETS: tuple[JpRuleSet, ...] = (DEFAULT_JP_RULES,)
"""Every published version, oldest first."""


def rules_for_year(year: int, rule_sets: Sequence[JpRuleSet] = JP_RULE_SETS) -> JpRuleSet:
    """The rule set in force on 1 January of the year (the oldest one for earlier years).

    Pinning a year to its first day keeps one set of numbers per ledger year, even when a new
    version is published in the middle of it.
    """
    if not rule_sets:
        raise InvalidValue(_FIELD, "no JP rule set is published")
    ordered = sorted(rule_sets, key=lambda r: (r.effective_from, r.version))
    in_force = [r for r in ordered if r.effective_from <= date(year, 1, 1)]
    return in_force[-1] if in_force else ordered[0]


@dataclass(frozen=True)
class JpStanding:
    """An employee's JP position in one year under one rule set."""

    earned: int
    required: int
    cap: int | None

    @property
    def remaining(self) -> int:
        """JP still needed to meet the yearly minimum (never negative)."""
        return max(self.required - self.earned, 0)

    @property
    def compliant(self) -> bool:
        """The yearly minimum is met."""
        return self.earned >= self.required

    @property
    def above_cap(self) -> bool:
        """More JP than the entitlement allows: flagged for HR, never refused."""
        return self.cap is not None and self.earned > self.cap
