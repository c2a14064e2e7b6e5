"""Award mutations: publish a rule set, nominate, decide, revoke, record a penalty."""

from __future__ import annotations

import datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry

from domain.award import AwardOutcome
from domain.discipline import PenaltyLevel
from domain.errors import InvalidValue
from domain.rating import Predicate
from domain.rule_set import AwardKind, Criterion, CriterionKind, RuleSetSpec, rule_set_stream_id
from projections import awards as views
from schema.awards import RuleSetType
from schema.context import Info
from schema.descriptions import IDEMPOTENCY_KEY, NIP
from schema.enums import (
    AwardKindEnum,
    AwardOutcomeEnum,
    CriterionKindEnum,
    PenaltyLevelEnum,
    PredicateEnum,
)
from schema.errors import MutationError, error_result
from schema.links import AwardDecisionType
from schema.mutations import Committed, MutationSuccess, Read, mutate
from service.handlers.answers import AwardAnswer, PenaltyAnswer, RuleSetAnswer


@strawberry.input(description="One criterion of a new rule set: its kind and only its parameters.")
class CriterionInput:
    kind: CriterionKindEnum = strawberry.field(description="What the criterion checks.")
    predicate: PredicateEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The lowest passing predicate (PREDICATE_AT_LEAST_* only)."
    )
    count: int | None = strawberry.field(
        default=None, description="Consecutive annual predicates (..._LAST_ANNUAL only)."
    )
    years: int | None = strawberry.field(
        default=None, description="Minimum years of service (YEARS_OF_SERVICE_AT_LEAST only)."
    )


@strawberry.input(description="A new, immutable rule set version for one award.")
class PublishRuleSetInput:
    award_kind: AwardKindEnum = strawberry.field(description="The award the criteria decide.")
    version: int = strawberry.field(description="A version not yet published for this award.")
    effective_from: datetime.date = strawberry.field(description="First day it applies.")
    criteria: list[CriterionInput] = strawberry.field(
        description="The criteria in order; all must be met for eligibility."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="A nomination of an employee for an award.")
class NominateForAwardInput:
    nip: str = strawberry.field(description=NIP)
    kind: AwardKindEnum = strawberry.field(description="The award nominated for.")
    rationale: str = strawberry.field(description="Why the nominee deserves it (personal data).")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="The decision on a nomination; the rule set in force is applied.")
class DecideAwardInput:
    nomination_id: strawberry.ID = strawberry.field(description="Id of the award case.")
    outcome: AwardOutcomeEnum = strawberry.field(description="Grant or reject.")
    justification: str | None = strawberry.field(
        default=None, description="Required when the outcome goes against the criteria (flagged)."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="Withdrawal of a granted award.")
class RevokeAwardInput:
    id: strawberry.ID = strawberry.field(description="Id of the granted award case.")
    reason: str = strawberry.field(description="Why it is withdrawn (personal data).")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="A disciplinary penalty imposed on an employee.")
class RecordDisciplinaryPenaltyInput:
    nip: str = strawberry.field(description=NIP)
    level: PenaltyLevelEnum = strawberry.field(description="Light, medium or heavy.")
    date: datetime.date = strawberry.field(description="The day the penalty was imposed.")
    reason: str = strawberry.field(description="What it was for (personal data).")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type(description="The rule set was published.")
class PublishRuleSetSuccess(MutationSuccess):
    rule_set: RuleSetType = strawberry.field(description="The published version.")


@strawberry.type(description="The nomination was recorded.")
class NominateForAwardSuccess(MutationSuccess):
    nomination: AwardDecisionType = strawberry.field(description="The new award case.")


@strawberry.type(description="The decision was recorded with its criteria and evidence.")
class DecideAwardSuccess(MutationSuccess):
    decision: AwardDecisionType = strawberry.field(description="The decided award case.")


@strawberry.type(description="The award was revoked.")
class RevokeAwardSuccess(MutationSuccess):
    decision: AwardDecisionType = strawberry.field(description="The award case, now REVOKED.")


@strawberry.type(name="DisciplinaryPenalty", description="A recorded disciplinary penalty.")
class DisciplinaryPenaltyType:
    id: strawberry.ID = strawberry.field(description="Id of the penalty record.")
    level: PenaltyLevelEnum = strawberry.field(description="Light, medium or heavy.")
    date: datetime.date = strawberry.field(description="The day it was imposed.")


@strawberry.type(description="The penalty was recorded.")
class RecordDisciplinaryPenaltySuccess(MutationSuccess):
    penalty: DisciplinaryPenaltyType = strawberry.field(description="The recorded penalty.")


_RESULT = "The success, or one of the shared errors: switch on `__typename`."
PublishRuleSetResult = Annotated[
    PublishRuleSetSuccess | MutationError,
    strawberry.union("PublishRuleSetResult", description=_RESULT),
]
NominateForAwardResult = Annotated[
    NominateForAwardSuccess | MutationError,
    strawberry.union("NominateForAwardResult", description=_RESULT),
]
DecideAwardResult = Annotated[
    DecideAwardSuccess | MutationError, strawberry.union("DecideAwardResult", description=_RESULT)
]
RevokeAwardResult = Annotated[
    RevokeAwardSuccess | MutationError, strawberry.union("RevokeAwardResult", description=_RESULT)
]
RecordDisciplinaryPenaltyResult = Annotated[
    RecordDisciplinaryPenaltySuccess | MutationError,
    strawberry.union("RecordDisciplinaryPenaltyResult", description=_RESULT),
]


def _spec(
    input: Annotated[
        PublishRuleSetInput, strawberry.argument(description="The rule set to publish.")
    ],
) -> RuleSetSpec:
    return RuleSetSpec(
        award_kind=AwardKind(input.award_kind.value),
        version=input.version,
        effective_from=input.effective_from,
        criteria=tuple(
            Criterion(
                kind=CriterionKind(c.kind.value),
                predicate=Predicate(c.predicate.value) if c.predicate else None,
                count=c.count,
                years=c.years,
            )
            for c in input.criteria
        ),
    )


def _award(field: str) -> Read[AwardAnswer]:
    async def read(outcome: Committed[AwardAnswer]) -> dict[str, Any]:
        view = await views.award_by_id(outcome.db, UUID(outcome.answer.award_id))
        assert view is not None
        return {field: AwardDecisionType.of(view)}

    return read


def _rule_set(spec: RuleSetSpec) -> Read[RuleSetAnswer]:
    async def read(outcome: Committed[RuleSetAnswer]) -> dict[str, Any]:
        wanted = rule_set_stream_id(spec.award_kind, spec.version)
        found = [v for v in await views.rule_sets(outcome.db) if v.id == wanted]
        return {"rule_set": RuleSetType.of(found[0])}

    return read


def _penalty(level: PenaltyLevel, on: datetime.date) -> Read[PenaltyAnswer]:
    async def read(outcome: Committed[PenaltyAnswer]) -> dict[str, Any]:
        found = strawberry.ID(outcome.answer.penalty_id)
        return {"penalty": DisciplinaryPenaltyType(id=found, level=level, date=on)}

    return read


@strawberry.type
class AwardMutation:
    @strawberry.mutation(description="Publish a rule set version (HR, ADMIN); immutable.")
    async def publish_rule_set(
        self,
        info: Info,
        input: Annotated[
            PublishRuleSetInput, strawberry.argument(description="The rule set to publish.")
        ],
    ) -> PublishRuleSetResult:
        try:
            spec = _spec(input)
        except InvalidValue as error:
            return error_result(error)
        handlers = info.context.services.awards
        return await mutate(
            info,
            lambda c: handlers.publish_rule_set(c, spec),
            input.idempotency_key,
            PublishRuleSetSuccess,
            _rule_set(spec),
        )

    @strawberry.mutation(description="Nominate an employee (HR or the nominee's supervisor).")
    async def nominate_for_award(
        self,
        info: Info,
        input: Annotated[
            NominateForAwardInput, strawberry.argument(description="The nominee and the award.")
        ],
    ) -> NominateForAwardResult:
        handlers = info.context.services.awards
        return await mutate(
            info,
            lambda c: handlers.nominate(c, input.nip, AwardKind(input.kind.value), input.rationale),
            input.idempotency_key,
            NominateForAwardSuccess,
            _award("nomination"),
        )

    @strawberry.mutation(description="Decide a nomination against the rule set (HR, ADMIN).")
    async def decide_award(
        self,
        info: Info,
        input: Annotated[
            DecideAwardInput, strawberry.argument(description="The nomination and the decision.")
        ],
    ) -> DecideAwardResult:
        handlers = info.context.services.awards
        return await mutate(
            info,
            lambda c: handlers.decide(
                c, str(input.nomination_id), AwardOutcome(input.outcome.value), input.justification
            ),
            input.idempotency_key,
            DecideAwardSuccess,
            _award("decision"),
        )

    @strawberry.mutation(description="Revoke a granted award with a reason (HR, ADMIN).")
    async def revoke_award(
        self,
        info: Info,
        input: Annotated[
            RevokeAwardInput, strawberry.argument(description="The award to revoke and why.")
        ],
    ) -> RevokeAwardResult:
        handlers = info.context.services.awards
        return await mutate(
            info,
            lambda c: handlers.revoke(c, str(input.id), input.reason),
            input.idempotency_key,
            RevokeAwardSuccess,
            _award("decision"),
        )

    @strawberry.mutation(description="Record a disciplinary penalty (HR).")
    async def record_disciplinary_penalty(
        self,
        info: Info,
        input: Annotated[
            RecordDisciplinaryPenaltyInput,
            strawberry.argument(description="The employee and the penalty."),
        ],
    ) -> RecordDisciplinaryPenaltyResult:
        handlers = info.context.services.awards
        level = PenaltyLevel(input.level.value)
        return await mutate(
            info,
            lambda c: handlers.record_penalty(c, input.nip, level, input.date, input.reason),
            input.idempotency_key,
            RecordDisciplinaryPenaltySuccess,
            _penalty(level, input.date),
        )
