"""Award mutations: publish a rule set, nominate, decide, revoke, record a penalty."""

from __future__ import annotations

import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from domain.award import AwardOutcome
from domain.discipline import PenaltyLevel
from domain.errors import InvalidValue
from domain.rating import Predicate
from domain.rule_set import AwardKind, Criterion, CriterionKind, RuleSetSpec, rule_set_stream_id
from projections import awards as views
from schema.awards import (
    AwardDecisionType,
    AwardKindEnum,
    AwardOutcomeEnum,
    CriterionKindEnum,
    PenaltyLevelEnum,
    RuleSetType,
)
from schema.context import Info
from schema.errors import MutationError, error_result
from schema.mutations import Committed, MutationSuccess, run_command
from schema.performance import PredicateEnum


@strawberry.input
class CriterionInput:
    kind: CriterionKindEnum  # type: ignore[valid-type]
    predicate: PredicateEnum | None = None  # type: ignore[valid-type]
    count: int | None = None
    years: int | None = None


@strawberry.input
class PublishRuleSetInput:
    award_kind: AwardKindEnum  # type: ignore[valid-type]
    version: int
    effective_from: datetime.date
    criteria: list[CriterionInput]
    idempotency_key: str | None = None


@strawberry.input
class NominateForAwardInput:
    nip: str
    kind: AwardKindEnum  # type: ignore[valid-type]
    rationale: str
    idempotency_key: str | None = None


@strawberry.input
class DecideAwardInput:
    nomination_id: strawberry.ID
    outcome: AwardOutcomeEnum  # type: ignore[valid-type]
    justification: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class RevokeAwardInput:
    id: strawberry.ID
    reason: str
    idempotency_key: str | None = None


@strawberry.input
class RecordDisciplinaryPenaltyInput:
    nip: str
    level: PenaltyLevelEnum  # type: ignore[valid-type]
    date: datetime.date
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class PublishRuleSetSuccess(MutationSuccess):
    rule_set: RuleSetType
    position: int


@strawberry.type
class NominateForAwardSuccess(MutationSuccess):
    nomination: AwardDecisionType
    position: int


@strawberry.type
class DecideAwardSuccess(MutationSuccess):
    decision: AwardDecisionType
    position: int


@strawberry.type
class RevokeAwardSuccess(MutationSuccess):
    decision: AwardDecisionType
    position: int


@strawberry.type(name="DisciplinaryPenalty", description="A recorded disciplinary penalty.")
class DisciplinaryPenaltyType:
    id: strawberry.ID
    level: PenaltyLevelEnum  # type: ignore[valid-type]
    date: datetime.date


@strawberry.type
class RecordDisciplinaryPenaltySuccess(MutationSuccess):
    penalty: DisciplinaryPenaltyType
    position: int


PublishRuleSetResult = Annotated[
    PublishRuleSetSuccess | MutationError, strawberry.union("PublishRuleSetResult")
]
NominateForAwardResult = Annotated[
    NominateForAwardSuccess | MutationError, strawberry.union("NominateForAwardResult")
]
DecideAwardResult = Annotated[
    DecideAwardSuccess | MutationError, strawberry.union("DecideAwardResult")
]
RevokeAwardResult = Annotated[
    RevokeAwardSuccess | MutationError, strawberry.union("RevokeAwardResult")
]
RecordDisciplinaryPenaltyResult = Annotated[
    RecordDisciplinaryPenaltySuccess | MutationError,
    strawberry.union("RecordDisciplinaryPenaltyResult"),
]


def _spec(input: PublishRuleSetInput) -> RuleSetSpec:
    return RuleSetSpec(
        award_kind=AwardKind(input.award_kind),
        version=input.version,
        effective_from=input.effective_from,
        criteria=tuple(
            Criterion(
                kind=CriterionKind(c.kind),
                predicate=Predicate(c.predicate) if c.predicate else None,
                count=c.count,
                years=c.years,
            )
            for c in input.criteria
        ),
    )


async def _award(outcome: Committed) -> AwardDecisionType:
    view = await views.award_by_id(outcome.db, UUID(outcome.result["award_id"]))
    assert view is not None
    return AwardDecisionType(view=view)


@strawberry.type
class AwardMutation:
    @strawberry.mutation(description="Publish a rule set version (HR, ADMIN); immutable.")
    async def publish_rule_set(
        self, info: Info, input: PublishRuleSetInput
    ) -> PublishRuleSetResult:
        try:
            spec = _spec(input)
        except InvalidValue as error:
            return error_result(error)
        handlers = info.context.services.awards
        outcome = await run_command(
            info, lambda c: handlers.publish_rule_set(c, spec), input.idempotency_key
        )
        if not isinstance(outcome, Committed):
            return outcome
        wanted = rule_set_stream_id(spec.award_kind, spec.version)
        found = [v for v in await views.rule_sets(outcome.db) if v.id == wanted]
        return PublishRuleSetSuccess(rule_set=RuleSetType.of(found[0]), **outcome.receipt)

    @strawberry.mutation(description="Nominate an employee (HR or the nominee's supervisor).")
    async def nominate_for_award(
        self, info: Info, input: NominateForAwardInput
    ) -> NominateForAwardResult:
        handlers = info.context.services.awards
        outcome = await run_command(
            info,
            lambda c: handlers.nominate(c, input.nip, AwardKind(input.kind), input.rationale),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        return NominateForAwardSuccess(nomination=await _award(outcome), **outcome.receipt)

    @strawberry.mutation(description="Decide a nomination against the rule set (HR, ADMIN).")
    async def decide_award(self, info: Info, input: DecideAwardInput) -> DecideAwardResult:
        handlers = info.context.services.awards
        outcome = await run_command(
            info,
            lambda c: handlers.decide(
                c, str(input.nomination_id), AwardOutcome(input.outcome), input.justification
            ),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        return DecideAwardSuccess(decision=await _award(outcome), **outcome.receipt)

    @strawberry.mutation(description="Revoke a granted award with a reason (HR, ADMIN).")
    async def revoke_award(self, info: Info, input: RevokeAwardInput) -> RevokeAwardResult:
        handlers = info.context.services.awards
        outcome = await run_command(
            info, lambda c: handlers.revoke(c, str(input.id), input.reason), input.idempotency_key
        )
        if not isinstance(outcome, Committed):
            return outcome
        return RevokeAwardSuccess(decision=await _award(outcome), **outcome.receipt)

    @strawberry.mutation(description="Record a disciplinary penalty (HR).")
    async def record_disciplinary_penalty(
        self, info: Info, input: RecordDisciplinaryPenaltyInput
    ) -> RecordDisciplinaryPenaltyResult:
        handlers = info.context.services.awards
        level = PenaltyLevel(input.level)
        outcome = await run_command(
            info,
            lambda c: handlers.record_penalty(c, input.nip, level, input.date, input.reason),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        penalty = DisciplinaryPenaltyType(
            id=strawberry.ID(outcome.result["penalty_id"]), level=level, date=input.date
        )
        return RecordDisciplinaryPenaltySuccess(penalty=penalty, **outcome.receipt)
