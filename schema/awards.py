"""Awards: rule sets, decisions with their evidence, re-evaluation and the fairness summary."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from domain.award import AwardOutcome, AwardStatus
from domain.award_criteria import CriterionResult
from domain.discipline import PenaltyLevel
from domain.rule_set import AwardKind, CriterionKind
from projections import awards as views
from projections.directory import EmployeeView
from schema.context import Info
from schema.node import Node
from schema.performance import PredicateEnum, loader
from service import audit
from service.award_facts import events_at
from service.records import RecordedEvent

if TYPE_CHECKING:
    from schema.audit import AuditEvent
    from schema.organisation import EmployeeType

AwardKindEnum = strawberry.enum(AwardKind, description="The awards the city decides on.")
AwardOutcomeEnum = strawberry.enum(AwardOutcome, description="Granted or rejected.")
AwardStatusEnum = strawberry.enum(AwardStatus, description="Where an award case stands.")
CriterionKindEnum = strawberry.enum(CriterionKind, description="What a criterion checks.")
PenaltyLevelEnum = strawberry.enum(PenaltyLevel, description="Disciplinary penalty level.")


@strawberry.type(name="Criterion", description="A criterion of a rule set with its parameters.")
class CriterionType:
    kind: CriterionKindEnum  # type: ignore[valid-type]
    predicate: PredicateEnum | None  # type: ignore[valid-type]
    count: int | None
    years: int | None


@strawberry.type(name="RuleSet", description="A published, immutable version of a rule set.")
class RuleSetType:
    id: strawberry.ID
    award_kind: AwardKindEnum  # type: ignore[valid-type]
    version: int
    effective_from: date
    hash: str = strawberry.field(description="SHA-256 of the canonical JSON form (README).")
    criteria: list[CriterionType]
    position: int

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
    id: strawberry.ID
    version: int
    hash: str


@strawberry.type(name="CriterionResult", description="A criterion as a decision evaluated it.")
class CriterionResultType:
    result: strawberry.Private[CriterionResult]
    name: str
    required: str
    actual: str
    met: bool

    @strawberry.field(description="The events that produced the actual value.")
    async def evidence(
        self, info: Info
    ) -> list[Annotated[AuditEvent, strawberry.lazy("schema.audit")]]:
        from schema.audit import AuditEvent, people_of

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


@strawberry.type(name="AwardDecision", description="An award case: nomination and decision.")
class AwardDecisionType(Node):
    view: strawberry.Private[views.AwardView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.id))

    @strawberry.field
    def kind(self) -> AwardKindEnum:  # type: ignore[valid-type]
        return AwardKind(self.view.kind)

    @strawberry.field
    def status(self) -> AwardStatusEnum:  # type: ignore[valid-type]
        return AwardStatus(self.view.status)

    @strawberry.field(description="Null until decided.")
    def outcome(self) -> AwardOutcomeEnum | None:  # type: ignore[valid-type]
        return AwardOutcome(self.view.outcome) if self.view.outcome else None

    @strawberry.field(description="Whether the decision found every criterion met.")
    def eligible(self) -> bool | None:
        return self.view.eligible

    @strawberry.field(description="A decision against the criteria (it carries a justification).")
    def flagged(self) -> bool:
        return self.view.flagged

    @strawberry.field
    def revoked(self) -> bool:
        return self.view.status == AwardStatus.REVOKED

    @strawberry.field
    def decided_at(self) -> datetime | None:
        return self.view.decided_at

    @strawberry.field(description="Log position of the decision event.")
    def decided_position(self) -> int | None:
        return self.view.decided_position

    @strawberry.field(description="The log position the decision's facts were gathered at.")
    def facts_position(self) -> int | None:
        return self.view.facts_position

    @strawberry.field
    def rule_set(self) -> RuleSetRef | None:
        v = self.view
        if v.rule_set_id is None or v.rule_set_version is None or v.rule_set_hash is None:
            return None
        return RuleSetRef(
            id=strawberry.ID(str(v.rule_set_id)), version=v.rule_set_version, hash=v.rule_set_hash
        )

    @strawberry.field(description="The nominee (names and NIPs only for those who may see them).")
    async def nominee(
        self, info: Info
    ) -> Annotated[EmployeeType, strawberry.lazy("schema.organisation")] | None:
        from schema.organisation import EmployeeType

        view = await _nominee(info, self.view.employee_id)
        return EmployeeType(view=view) if view else None

    @strawberry.field(description="Who decided (personal data: masked without the right).")
    async def decided_by(self, info: Info) -> str | None:
        event = await self._decision_event(info)
        if event is None:
            return None
        if not info.context.sees_names_of(await _nominee(info, self.view.employee_id)):
            return audit.MASK
        return audit.actor_of(info.context.services.store.codec, event.metadata)

    @strawberry.field(description="The justification of a decision against the criteria.")
    async def override_justification(self, info: Info) -> str | None:
        event = await self._decision_event(info)
        if event is None:
            return None
        payload = audit.payload_json(info.context.services.store.codec, event)
        justification = payload.get("justification")
        text = str(justification) if justification is not None else None
        nominee = await _nominee(info, self.view.employee_id)
        return info.context.reveal(text, event.event_type, "justification", nominee)

    @strawberry.field(description="Every criterion with required, actual, met and evidence.")
    async def criteria(self, info: Info) -> list[CriterionResultType]:
        return _results(self.view.criteria)

    async def _decision_event(self, info: Info) -> RecordedEvent | None:
        if self.view.decided_position is None:
            return None
        return await _event(info, self.view.decided_position)


async def _nominee(info: Info, employee_id: UUID) -> EmployeeView | None:
    found: EmployeeView | None = await info.context.loaders["employee"].load(employee_id)
    return found


@strawberry.type(name="AdvancedTrainingOpportunity", description="Granted by an award.")
class AdvancedTrainingOpportunityType:
    award_id: strawberry.ID
    granted_on: date


@strawberry.type(name="EmployeeAwards")
class EmployeeAwardFields:
    """The award fields of Employee (composed into it in schema/organisation.py)."""

    view: strawberry.Private[EmployeeView]

    @strawberry.field(description="Award cases of the employee, oldest first.")
    async def awards(self, info: Info) -> list[AwardDecisionType]:
        found = await _awards_of(info, self.view.id, self)
        return [AwardDecisionType(view=v) for v in found]

    @strawberry.field(description="Advanced training opened by PRIORITAS_PENGEMBANGAN_KOMPETENSI.")
    async def advanced_training_opportunity(
        self, info: Info
    ) -> AdvancedTrainingOpportunityType | None:
        granted = [
            v
            for v in await _awards_of(info, self.view.id, self)
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


async def _awards_of(info: Info, employee_id: UUID, owner: object = None) -> list[views.AwardView]:
    db = info.context.db_for(owner)

    async def load(ids: list[UUID]) -> list[list[views.AwardView]]:
        found = await views.awards_of(db, ids)
        return [found.get(i, []) for i in ids]

    result: list[views.AwardView] = await loader(info, "awards", load, owner).load(employee_id)
    return result
