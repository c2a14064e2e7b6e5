"""Awards: rule sets, decisions with their evidence, re-evaluation and the fairness summary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

import strawberry

from domain.award import AwardOutcome, AwardStatus
from domain.award_criteria import CriterionResult
from domain.rule_set import AwardKind, CriterionKind
from projections import awards as views
from projections.directory import EmployeeView
from schema.audit import AuditEvent, people_of
from schema.context import Info
from schema.enums import (
    AwardKindEnum,
    AwardOutcomeEnum,
    AwardStatusEnum,
    CriterionKindEnum,
    PredicateEnum,
)
from schema.loaders import loader
from schema.node import Node
from service.audit import reader as audit
from service.handlers.award_facts import events_at
from service.log.records import RecordedEvent


@strawberry.type(name="Criterion", description="A criterion of a rule set with its parameters.")
class CriterionType:
    kind: CriterionKindEnum = strawberry.field(description="What the criterion checks.")
    predicate: PredicateEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The lowest predicate that passes; null for kinds without one."
    )
    count: int | None = strawberry.field(
        description="How many consecutive annual predicates must pass; null if not used."
    )
    years: int | None = strawberry.field(
        description="Minimum years of service; null for kinds without one."
    )


@strawberry.type(name="RuleSet", description="A published, immutable version of a rule set.")
class RuleSetType:
    id: strawberry.ID = strawberry.field(description="Stream id of this (kind, version).")
    award_kind: AwardKindEnum = strawberry.field(description="The award whose criteria it holds.")
    version: int = strawberry.field(description="Version number, published once per kind.")
    effective_from: date = strawberry.field(
        description="First day it applies; the highest version effective on a day is in force."
    )
    hash: str = strawberry.field(
        description="Lowercase hex SHA-256 of its canonical JSON (docs/api.md, rule set hash)."
    )
    criteria: list[CriterionType] = strawberry.field(
        description="Every criterion, in order; a nominee must meet all of them."
    )
    position: int = strawberry.field(description="Log position of the publishing event.")

    @classmethod
    def of(cls, view: views.RuleSetView) -> RuleSetType:
        return cls(
            id=strawberry.ID(str(view.id)),
            award_kind=AwardKind(view.award_kind),
            version=view.version,
            effective_from=view.effective_from,
            hash=view.content_hash,
            criteria=[
                CriterionType(
                    kind=CriterionKind(c["kind"]),
                    predicate=c.get("predicate"),
                    count=c.get("count"),
                    years=c.get("years"),
                )
                for c in view.criteria
            ],
            position=view.position,
        )


@strawberry.type(name="RuleSetRef", description="The rule set version a decision applied.")
class RuleSetRef:
    id: strawberry.ID = strawberry.field(description="Id of the rule set (see `ruleSets`).")
    version: int = strawberry.field(description="Its version number.")
    hash: str = strawberry.field(description="Its content hash: recompute it to check the rules.")


@strawberry.type(name="CriterionResult", description="A criterion as a decision evaluated it.")
class CriterionResultType:
    result: strawberry.Private[CriterionResult]
    name: str = strawberry.field(description="Readable statement of the criterion.")
    required: str = strawberry.field(description="The value the criterion asks for, as text.")
    actual: str = strawberry.field(description="The nominee's value on the decision day.")
    met: bool = strawberry.field(description="Whether the actual value satisfies it.")

    @strawberry.field(description="The events that produced the actual value.")
    async def evidence(self, info: Info) -> list[AuditEvent]:
        found = [await _event(info, e.position) for e in self.result.evidence]
        events = [e for e in found if e is not None]
        people = await people_of(info, events)
        codec, access = info.context.services.store.codec, info.context.access
        return [AuditEvent.of(codec, e, access, people.get(e.subject_id)) for e in events]


async def _event(info: Info, position: int) -> RecordedEvent | None:
    async def load(positions: list[int]) -> list[RecordedEvent | None]:
        found = await events_at(info.context.services.store, positions)
        return [found.get(p) for p in positions]

    event: RecordedEvent | None = await loader(info, "log_event", load).load(position)
    return event


def _results(data: list[dict[str, Any]] | None) -> list[CriterionResultType]:
    found = [CriterionResult.from_data(c) for c in data or []]
    return [
        CriterionResultType(
            result=r,
            name=r.name,
            required=r.required,
            actual=r.actual,
            met=r.met,
        )
        for r in found
    ]


@strawberry.type(name="AwardDecisionFields")
class AwardDecisionFields(Node):
    """The fields of AwardDecision before its nominee (composed in schema/links.py)."""

    view: strawberry.Private[views.AwardView]

    kind: AwardKindEnum = strawberry.field(description="The award nominated for.")
    status: AwardStatusEnum = strawberry.field(description="Where the case stands now.")
    outcome: AwardOutcomeEnum | None = strawberry.field(
        description="The decision; null while only nominated."
    )
    eligible: bool | None = strawberry.field(
        description="Whether every criterion was met at decision; null until decided."
    )
    flagged: bool = strawberry.field(
        description="A decision against the criteria (it carries a justification)."
    )
    revoked: bool = strawberry.field(description="A granted award later withdrawn.")
    decided_at: datetime | None = strawberry.field(
        description="When it was decided (UTC); null until decided."
    )
    decided_position: int | None = strawberry.field(
        description="Log position of the decision event; null until decided."
    )
    facts_position: int | None = strawberry.field(
        description="Log position the facts were read at (`reevaluateAwardDecision` replays it)."
    )

    @classmethod
    def of(cls, view: views.AwardView) -> Self:
        """The award case of this view (an AwardDecision when called on it)."""
        return cls(
            view=view,
            kind=AwardKind(view.kind),
            status=AwardStatus(view.status),
            outcome=AwardOutcome(view.outcome) if view.outcome else None,
            eligible=view.eligible,
            flagged=view.flagged,
            revoked=view.status == AwardStatus.REVOKED,
            decided_at=view.decided_at,
            decided_position=view.decided_position,
            facts_position=view.facts_position,
        )

    @strawberry.field(description="Id of the award case (the nomination's stream).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.id))

    @strawberry.field(description="The rule set version applied; null until decided.")
    def rule_set(self) -> RuleSetRef | None:
        v = self.view
        if v.rule_set_id is None or v.rule_set_version is None or v.rule_set_hash is None:
            return None
        return RuleSetRef(
            id=strawberry.ID(str(v.rule_set_id)), version=v.rule_set_version, hash=v.rule_set_hash
        )


@strawberry.type(name="AwardDecisionGrounds")
class AwardDecisionGrounds:
    """The fields of AwardDecision after its nominee: who decided, why, against what."""

    view: strawberry.Private[views.AwardView]

    @strawberry.field(
        description="Who decided (NIP or client id); masked without the right to names."
    )
    async def decided_by(self, info: Info) -> str | None:
        event = await self._decision_event(info)
        if event is None:
            return None
        if not info.context.sees_names_of(await nominee_of(info, self.view.employee_id)):
            return audit.MASK
        return audit.actor_of(info.context.services.store.codec, event.metadata)

    @strawberry.field(
        description="Why a decision went against the criteria; null if none or not readable."
    )
    async def override_justification(self, info: Info) -> str | None:
        event = await self._decision_event(info)
        if event is None:
            return None
        payload = audit.payload_json(info.context.services.store.codec, event)
        justification = payload.get("justification")
        text = str(justification) if justification is not None else None
        nominee = await nominee_of(info, self.view.employee_id)
        return info.context.reveal(text, event.event_type, "justification", nominee)

    @strawberry.field(description="Every criterion as evaluated; empty until decided.")
    async def criteria(self, info: Info) -> list[CriterionResultType]:
        return _results(self.view.criteria)

    async def _decision_event(self, info: Info) -> RecordedEvent | None:
        if self.view.decided_position is None:
            return None
        return await _event(info, self.view.decided_position)


async def nominee_of(info: Info, employee_id: UUID) -> EmployeeView | None:
    """The nominee as the views know them now (batched)."""
    found: EmployeeView | None = await info.context.loaders["employee"].load(employee_id)
    return found


@strawberry.type(
    name="AdvancedTrainingOpportunity",
    description="Access to advanced training, granted by an award.",
)
class AdvancedTrainingOpportunityType:
    award_id: strawberry.ID = strawberry.field(description="The granting award decision.")
    granted_on: date = strawberry.field(description="Day of the grant; it opens from then on.")


@strawberry.type(name="EmployeeAwards", description="The award fields of an employee.")
class EmployeeAwardFields:
    """The award fields of Employee after `awards` (composed into it in schema/links.py)."""

    view: strawberry.Private[EmployeeView]

    @strawberry.field(
        description="The first granted PRIORITAS_PENGEMBANGAN_KOMPETENSI; null if none."
    )
    async def advanced_training_opportunity(
        self, info: Info
    ) -> AdvancedTrainingOpportunityType | None:
        granted = [
            v
            for v in await awards_of(info, self.view.id, self)
            if v.kind == AwardKind.PRIORITAS_PENGEMBANGAN_KOMPETENSI
            and v.status == AwardStatus.GRANTED
            and v.decided_at is not None
        ]
        if not granted:
            return None
        first = granted[0]
        assert first.decided_at is not None
        return AdvancedTrainingOpportunityType(
            award_id=strawberry.ID(str(first.id)), granted_on=first.decided_at.date()
        )


async def awards_of(info: Info, employee_id: UUID, owner: object = None) -> list[views.AwardView]:
    """The employee's award cases, oldest first (as of `owner`'s replay, if any)."""
    db = info.context.db_for(owner)

    async def load(ids: list[UUID]) -> list[list[views.AwardView]]:
        found = await views.awards_of(db, ids)
        return [found.get(i, []) for i in ids]

    result: list[views.AwardView] = await loader(info, "awards", load, owner).load(employee_id)
    return result
