"""Award rule sets as data: versioned, immutable once published, identified by a content hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue
from domain.rating import Predicate

_RULE_SET_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:award-rule-set")


class AwardKind(StrEnum):
    """The awards the city decides on (UU 20/2023; PP 11/2017 art. 232; PP 30/2019)."""

    ASN_BERPRESTASI = "ASN_BERPRESTASI"
    PRIORITAS_PENGEMBANGAN_KOMPETENSI = "PRIORITAS_PENGEMBANGAN_KOMPETENSI"
    KENAIKAN_PANGKAT_ISTIMEWA = "KENAIKAN_PANGKAT_ISTIMEWA"
    SATYALANCANA_KARYA_SATYA = "SATYALANCANA_KARYA_SATYA"


class CriterionKind(StrEnum):
    """What a criterion checks; its parameters say how much of it is required."""

    PREDICATE_AT_LEAST_LAST_ANNUAL = "PREDICATE_AT_LEAST_LAST_ANNUAL"
    PREDICATE_AT_LEAST_LATEST = "PREDICATE_AT_LEAST_LATEST"
    JP_REQUIREMENT_MET = "JP_REQUIREMENT_MET"
    YEARS_OF_SERVICE_AT_LEAST = "YEARS_OF_SERVICE_AT_LEAST"
    EMPLOYMENT_TYPE_PNS = "EMPLOYMENT_TYPE_PNS"
    NO_MEDIUM_OR_HEAVY_PENALTY = "NO_MEDIUM_OR_HEAVY_PENALTY"


# Which parameters each kind takes; any other parameter given is an error, not ignored.
_PARAMETERS: dict[CriterionKind, frozenset[str]] = {
    CriterionKind.PREDICATE_AT_LEAST_LAST_ANNUAL: frozenset({"predicate", "count"}),
    CriterionKind.PREDICATE_AT_LEAST_LATEST: frozenset({"predicate"}),
    CriterionKind.JP_REQUIREMENT_MET: frozenset(),
    CriterionKind.YEARS_OF_SERVICE_AT_LEAST: frozenset({"years"}),
    CriterionKind.EMPLOYMENT_TYPE_PNS: frozenset(),
    CriterionKind.NO_MEDIUM_OR_HEAVY_PENALTY: frozenset(),
}


@dataclass(frozen=True)
class Criterion:
    """One criterion of a rule set: its kind and only the parameters that kind takes."""

    kind: CriterionKind
    predicate: Predicate | None = None
    count: int | None = None
    years: int | None = None

    def __post_init__(self) -> None:
        wanted = _PARAMETERS[self.kind]
        given = {k for k in ("predicate", "count", "years") if getattr(self, k) is not None}
        if missing := sorted(wanted - given):
            raise InvalidValue("criteria", f"{self.kind.value} needs {', '.join(missing)}")
        if extra := sorted(given - wanted):
            raise InvalidValue("criteria", f"{self.kind.value} takes no {', '.join(extra)}")
        for name in ("count", "years"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= 50:
                raise InvalidValue("criteria", f"{name} must be between 1 and 50, got {value}")

    def to_data(self) -> dict[str, Any]:
        """The criterion as stored and hashed: its kind and only its set parameters."""
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.predicate is not None:
            data["predicate"] = self.predicate.value
        if self.count is not None:
            data["count"] = self.count
        if self.years is not None:
            data["years"] = self.years
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Criterion:
        """A criterion from its stored form."""
        predicate = data.get("predicate")
        return cls(
            kind=CriterionKind(data["kind"]),
            predicate=Predicate(predicate) if predicate is not None else None,
            count=data.get("count"),
            years=data.get("years"),
        )


def canonical_json(
    award_kind: AwardKind, version: int, effective_from: date, criteria: Sequence[Criterion]
) -> bytes:
    """The canonical form a rule set is hashed over (README, "Rule set hash")."""
    document = {
        "award_kind": award_kind.value,
        "version": version,
        "effective_from": effective_from.isoformat(),
        "criteria": [c.to_data() for c in criteria],
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def rule_set_stream_id(award_kind: AwardKind, version: int) -> UUID:
    """A rule set's stream id: deterministic from (kind, version), so a version publishes once."""
    return uuid5(_RULE_SET_NAMESPACE, f"{award_kind.value}:{version}")


@dataclass(frozen=True)
class RuleSetSpec:
    """The content of one version of an award's rule set."""

    award_kind: AwardKind
    version: int
    effective_from: date
    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        if not 1 <= self.version <= 100_000:
            raise InvalidValue("version", f"version must be at least 1, got {self.version}")
        if not self.criteria:
            raise InvalidValue("criteria", "a rule set needs at least one criterion")
        if len(self.criteria) > 20:
            raise InvalidValue("criteria", "a rule set has at most 20 criteria")

    @property
    def id(self) -> UUID:
        """The stream id this (kind, version) publishes under."""
        return rule_set_stream_id(self.award_kind, self.version)

    @property
    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON form."""
        body = canonical_json(self.award_kind, self.version, self.effective_from, self.criteria)
        return hashlib.sha256(body).hexdigest()


def in_force(specs: Iterable[RuleSetSpec], kind: AwardKind, on: date) -> RuleSetSpec | None:
    """The rule set in force on a day: the highest version in effect on or before that day."""
    candidates = [s for s in specs if s.award_kind is kind and s.effective_from <= on]
    return max(candidates, key=lambda s: s.version, default=None)


class RuleSet(Aggregate):
    """One published version of an award's rule set; it has no other events: it never changes."""

    class Published(Aggregate.Created):
        """A rule set version was published, with its content hash."""

        award_kind: str
        version: int
        effective_from: date
        criteria: list[dict[str, Any]]
        content_hash: str

    def __init__(
        self,
        award_kind: str,
        version: int,
        effective_from: date,
        criteria: list[dict[str, Any]],
        content_hash: str,
    ) -> None:
        self.spec = spec_of(award_kind, version, effective_from, criteria)
        self.content_hash = content_hash

    @classmethod
    def publish(cls, spec: RuleSetSpec, at: datetime) -> RuleSet:
        """Publish a version under the stream id its (kind, version) gives."""
        return cls._create(
            cls.Published,
            id=spec.id,
            timestamp=at,
            award_kind=spec.award_kind.value,
            version=spec.version,
            effective_from=spec.effective_from,
            criteria=[c.to_data() for c in spec.criteria],
            content_hash=spec.content_hash,
        )


def spec_of(
    award_kind: str, version: int, effective_from: date, criteria: list[dict[str, Any]]
) -> RuleSetSpec:
    """A rule set's content from its stored fields."""
    return RuleSetSpec(
        award_kind=AwardKind(award_kind),
        version=version,
        effective_from=effective_from,
        criteria=tuple(Criterion.from_data(c) for c in criteria),
    )
