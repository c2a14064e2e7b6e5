"""The distribution check of annual predicates against the unit's organisation predicate.

The bounds are data (a versioned rule set the city publishes), checked by one small evaluator.
Shares are exact fractions: a bound of 7/10 allows exactly 70% and refuses anything above.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeVar

from domain.errors import InvalidValue
from domain.rating import Predicate

_FIELD = "distributionRules"
_E = TypeVar("_E", bound=Enum)


class OrganizationPredicate(StrEnum):
    """The predicate of the unit (organisation) whose employees' predicates it bounds."""

    ISTIMEWA = "ISTIMEWA"
    BAIK = "BAIK"
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN"
    KURANG = "KURANG"
    SANGAT_KURANG = "SANGAT_KURANG"


def _ordered(predicates: Iterable[Predicate]) -> list[Predicate]:
    return sorted(predicates, key=lambda p: -p.rank)


@dataclass(frozen=True)
class Bound:
    """Limits on how many employees have one of `predicates`: shares of the unit and counts.

    Max limits hold at every moment; min limits only once the unit's distribution is complete.
    """

    predicates: frozenset[Predicate]
    max_share: Fraction | None = None
    min_share: Fraction | None = None
    min_count: int | None = None
    max_count: int | None = None

    def __post_init__(self) -> None:
        if not self.predicates:
            raise InvalidValue(_FIELD, "a bound must name at least one predicate")
        limits = (self.max_share, self.min_share, self.min_count, self.max_count)
        if all(limit is None for limit in limits):
            raise InvalidValue(_FIELD, "a bound must set at least one limit")
        for share in (self.max_share, self.min_share):
            if share is not None and not 0 <= share <= 1:
                raise InvalidValue(_FIELD, f"a share must be between 0 and 1, got {share}")
        for count in (self.min_count, self.max_count):
            if count is not None and count < 0:
                raise InvalidValue(_FIELD, f"a count must not be negative, got {count}")

    @property
    def label(self) -> str:
        """The bounded predicates in words, best first: 'BUTUH_PERBAIKAN or KURANG'."""
        return " or ".join(p.value for p in _ordered(self.predicates))


@dataclass(frozen=True)
class DistributionRuleSet:
    """A published version of the distribution bounds, per organisation predicate."""

    version: int
    bounds: Mapping[OrganizationPredicate, tuple[Bound, ...]]

    def __post_init__(self) -> None:
        if self.version < 1:
            raise InvalidValue(_FIELD, f"a rule set version must be at least 1, got {self.version}")
        object.__setattr__(self, "bounds", MappingProxyType(dict(self.bounds)))

    def __hash__(self) -> int:
        return hash((self.version, frozenset(self.bounds.items())))


def _bound(
    *predicates: Predicate,
    max_share: str | None = None,
    min_share: str | None = None,
    min_count: int | None = None,
    max_count: int | None = None,
) -> Bound:
    return Bound(
        predicates=frozenset(predicates),
        max_share=None if max_share is None else Fraction(max_share),
        min_share=None if min_share is None else Fraction(min_share),
        min_count=min_count,
        max_count=max_count,
    )


_SB, _B = Predicate.SANGAT_BAIK, Predicate.BAIK
_BP, _K, _SK = Predicate.BUTUH_PERBAIKAN, Predicate.KURANG, Predicate.SANGAT_KURANG

DEFAULT_DISTRIBUTION_RULES = DistributionRuleSet(
    version=1,
    bounds={
        OrganizationPredicate.ISTIMEWA: (_bound(_SB, max_share="7/10"),),
        OrganizationPredicate.BAIK: (
            _bound(_B, max_share="7/10"),
            _bound(_BP, _K, min_count=1),
        ),
        OrganizationPredicate.BUTUH_PERBAIKAN: (
            _bound(_SB, _B, max_share="1/2"),
            _bound(_SB, max_share="1/5"),
        ),
        OrganizationPredicate.KURANG: (
            _bound(_SB, _B, max_share="3/10"),
            _bound(_K, _SK, min_share="3/10"),
        ),
        OrganizationPredicate.SANGAT_KURANG: (
            _bound(_SK, min_share="3/5"),
            _bound(_SB, max_count=0),
        ),
    },
)
"""Version 1: ISTIMEWA, BAIK and SANGAT_KURANG as DOMAIN.md states them.

The two middle bounds are this project's choice, between their neighbours:
BUTUH_PERBAIKAN: at most 50% SANGAT_BAIK or BAIK combined, and at most 20% SANGAT_BAIK;
KURANG: at most 30% SANGAT_BAIK or BAIK combined, and at least 30% KURANG or SANGAT_KURANG.
"""


def _percent(share: Fraction) -> str:
    percent = share * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{float(percent):.2f}%"


def _violations(bound: Bound, count: int, total: int, population: int, complete: bool) -> list[str]:
    label, found = bound.label, f"got {count} of {total}"
    found_share = found if total == 0 else f"{found} ({_percent(Fraction(count, total))})"
    problems: list[str] = []
    if bound.max_share is not None and count > bound.max_share * population:
        share = _percent(Fraction(count, population))
        problems.append(
            f"at most {_percent(bound.max_share)} {label}, got {count} of {population} ({share})"
        )
    if bound.max_count == 0 and count > 0:
        problems.append(f"no {label}, {found}")
    elif bound.max_count is not None and count > bound.max_count:
        problems.append(f"at most {bound.max_count} {label}, {found}")
    if not complete:
        return problems
    if bound.min_share is not None and count < bound.min_share * total:
        problems.append(f"at least {_percent(bound.min_share)} {label}, {found_share}")
    if bound.min_count is not None and count < bound.min_count:
        problems.append(f"at least {bound.min_count} {label}, {found}")
    return problems


def check_distribution(
    rules: DistributionRuleSet,
    org_predicate: OrganizationPredicate,
    predicates: Sequence[Predicate],
    *,
    complete: bool,
    population: int | None = None,
) -> list[str]:
    """The bounds the predicates break (empty when within); min bounds only when `complete`.

    Maximum shares are of the unit's whole `population` (its employees, evaluated or not), so
    the order in which results are finalised does not matter; minimum shares are checked on the
    complete distribution.
    """
    total = len(predicates)
    whole = max(population or 0, total)
    violations: list[str] = []
    for bound in rules.bounds.get(org_predicate, ()):
        count = sum(1 for predicate in predicates if predicate in bound.predicates)
        for problem in _violations(bound, count, total, whole, complete):
            violations.append(
                f"organisation predicate {org_predicate.value} allows {problem} "
                f"(distribution rules v{rules.version})"
            )
    return violations


def _bound_to_data(bound: Bound) -> dict[str, Any]:
    def share(value: Fraction | None) -> str | None:
        return None if value is None else str(value)

    return {
        "predicates": [p.value for p in _ordered(bound.predicates)],
        "max_share": share(bound.max_share),
        "min_share": share(bound.min_share),
        "min_count": bound.min_count,
        "max_count": bound.max_count,
    }


def rules_to_data(rules: DistributionRuleSet) -> dict[str, Any]:
    """A JSON-friendly form of the rule set, shares as "7/10" strings, in a stable order."""
    return {
        "version": rules.version,
        "bounds": {
            org.value: [_bound_to_data(bound) for bound in rules.bounds[org]]
            for org in OrganizationPredicate
            if org in rules.bounds
        },
    }


def _enum_member(kind: type[_E], raw: object) -> _E:
    try:
        return kind(raw)
    except ValueError:
        raise InvalidValue(_FIELD, f"unknown {kind.__name__} {raw!r}") from None


def _share_from_data(raw: object) -> Fraction | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidValue(_FIELD, f"a share must be a string like '7/10', got {raw!r}")
    try:
        return Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise InvalidValue(_FIELD, f"a share must be a fraction like '7/10', got {raw!r}") from None


def _count_from_data(raw: object) -> int | None:
    if raw is None or (isinstance(raw, int) and not isinstance(raw, bool)):
        return raw
    raise InvalidValue(_FIELD, f"a count must be a whole number, got {raw!r}")


def _bound_from_data(raw: object) -> Bound:
    if not isinstance(raw, Mapping):
        raise InvalidValue(_FIELD, f"a bound must be an object, got {raw!r}")
    predicates = raw.get("predicates")
    if not isinstance(predicates, list):
        raise InvalidValue(_FIELD, "a bound must list its predicates")
    return Bound(
        predicates=frozenset(_enum_member(Predicate, p) for p in predicates),
        max_share=_share_from_data(raw.get("max_share")),
        min_share=_share_from_data(raw.get("min_share")),
        min_count=_count_from_data(raw.get("min_count")),
        max_count=_count_from_data(raw.get("max_count")),
    )


def rules_from_data(data: Mapping[str, Any]) -> DistributionRuleSet:
    """Rebuild a rule set from `rules_to_data` output; malformed data raises InvalidValue."""
    version, bounds = data.get("version"), data.get("bounds")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidValue(_FIELD, f"a rule set version must be a whole number, got {version!r}")
    if not isinstance(bounds, Mapping):
        raise InvalidValue(_FIELD, "a rule set must map organisation predicates to bounds")
    parsed: dict[OrganizationPredicate, tuple[Bound, ...]] = {}
    for org, raw_bounds in bounds.items():
        if not isinstance(raw_bounds, list):
            raise InvalidValue(_FIELD, f"the bounds of {org} must be a list")
        parsed[_enum_member(OrganizationPredicate, org)] = tuple(
            _bound_from_data(raw) for raw in raw_bounds
        )
    return DistributionRuleSet(version=version, bounds=parsed)
