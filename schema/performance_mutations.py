"""Performance mutations: cycles, plans, evaluations, objections, unit years, potential."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import strawberry

from projections import directory
from projections import performance_reads as reads
from schema.context import Context, Info
from schema.descriptions import INPUT
from schema.links import EmployeeType, EvaluationType, UnitType
from schema.mutations import Committed, mutate
from schema.performance_inputs import (
    AgreePerformancePlanInput,
    CloseCycleInput,
    CorrectEvaluationInput,
    FileObjectionInput,
    FinalizeEvaluationInput,
    OpenCycleInput,
    RecordDistributionOverrideInput,
    RecordPotentialInput,
    ResolveObjectionInput,
    SetOrganizationPredicateInput,
    SubmitEvaluationInput,
    draft_of,
    resolution_of,
    targets_of,
)
from schema.performance_results import (
    AgreePerformancePlanResult,
    AgreePerformancePlanSuccess,
    CloseCycleResult,
    CloseCycleSuccess,
    CorrectEvaluationResult,
    CorrectEvaluationSuccess,
    CycleType,
    FileObjectionResult,
    FileObjectionSuccess,
    FinalizeEvaluationResult,
    FinalizeEvaluationSuccess,
    OpenCycleResult,
    OpenCycleSuccess,
    PlanTargetType,
    PlanType,
    RecordDistributionOverrideResult,
    RecordDistributionOverrideSuccess,
    RecordPotentialResult,
    RecordPotentialSuccess,
    ResolveObjectionResult,
    ResolveObjectionSuccess,
    SetOrganizationPredicateResult,
    SetOrganizationPredicateSuccess,
    SubmitEvaluationResult,
    SubmitEvaluationSuccess,
)
from service.handlers.answers import CycleAnswer, EmployeeAnswer, EmployeeRecordAnswer, UnitAnswer
from service.handlers.performance import SubmitEvaluation


async def _evaluation(outcome: Committed[EmployeeRecordAnswer]) -> dict[str, Any]:
    view = await reads.evaluation_by_id(outcome.db, UUID(outcome.answer.id))
    assert view is not None
    return {"evaluation": EvaluationType.of(view)}


async def _cycle(outcome: Committed[CycleAnswer]) -> dict[str, Any]:
    year = outcome.answer.year
    status = await reads.cycle_status(outcome.db, year)
    return {"cycle": CycleType(year=year, status=status or "OPEN")}


async def _unit(outcome: Committed[UnitAnswer]) -> dict[str, Any]:
    view = await directory.unit_by_code(outcome.db, outcome.answer.code)
    assert view is not None
    return {"unit": UnitType.of(view)}


async def _plan(outcome: Committed[EmployeeRecordAnswer]) -> dict[str, Any]:
    plan = await reads.plan_by_id(outcome.db, UUID(outcome.answer.id))
    assert plan is not None
    targets = [PlanTargetType(**t) for t in plan.targets]
    found = PlanType(
        id=strawberry.ID(str(plan.id)), year=plan.year, targets=targets, version=plan.version
    )
    return {"plan": found}


async def _potential(outcome: Committed[EmployeeAnswer], context: Context) -> dict[str, Any]:
    found = await directory.employees_by_ids(outcome.db, [UUID(outcome.answer.employee_id)])
    return {"employee": EmployeeType.of(next(iter(found.values())), context, outcome.db)}


@strawberry.type
class PerformanceMutation:
    @strawberry.mutation(description="Open the performance cycle of a year (HR, ADMIN).")
    async def open_cycle(
        self, info: Info, input: Annotated[OpenCycleInput, strawberry.argument(description=INPUT)]
    ) -> OpenCycleResult:
        h = info.context.services.performance
        return await mutate(
            info,
            lambda c: h.open_cycle(c, input.year),
            input.idempotency_key,
            OpenCycleSuccess,
            _cycle,
        )

    @strawberry.mutation(description="Close a cycle: its periods take no more evaluations (HR).")
    async def close_cycle(
        self, info: Info, input: Annotated[CloseCycleInput, strawberry.argument(description=INPUT)]
    ) -> CloseCycleResult:
        h = info.context.services.performance
        return await mutate(
            info,
            lambda c: h.close_cycle(c, input.year),
            input.idempotency_key,
            CloseCycleSuccess,
            _cycle,
        )

    @strawberry.mutation(description="Agree an employee's SKP (their supervisor, or HR).")
    async def agree_performance_plan(
        self,
        info: Info,
        input: Annotated[AgreePerformancePlanInput, strawberry.argument(description=INPUT)],
    ) -> AgreePerformancePlanResult:
        h = info.context.services.performance
        return await mutate(
            info,
            lambda c: h.agree_plan(c, input.nip, input.year, targets_of(input.targets)),
            input.idempotency_key,
            AgreePerformancePlanSuccess,
            _plan,
        )

    @strawberry.mutation(description="Submit an evaluation (the employee's supervisor).")
    async def submit_evaluation(
        self,
        info: Info,
        input: Annotated[SubmitEvaluationInput, strawberry.argument(description=INPUT)],
    ) -> SubmitEvaluationResult:
        h = info.context.services.performance
        command = SubmitEvaluation(input.nip, input.year, input.period, draft_of(input))
        return await mutate(
            info,
            lambda c: h.submit_evaluation(c, command),
            input.idempotency_key,
            SubmitEvaluationSuccess,
            _evaluation,
        )

    @strawberry.mutation(description="Finalise: the predicate is derived (the supervisor).")
    async def finalize_evaluation(
        self,
        info: Info,
        input: Annotated[FinalizeEvaluationInput, strawberry.argument(description=INPUT)],
    ) -> FinalizeEvaluationResult:
        h = info.context.services.performance
        return await mutate(
            info,
            lambda c: h.finalise_evaluation(c, str(input.evaluation_id), input.expected_version),
            input.idempotency_key,
            FinalizeEvaluationSuccess,
            _evaluation,
        )

    @strawberry.mutation(description="Correct a submitted draft, with a reason (the supervisor).")
    async def correct_evaluation(
        self,
        info: Info,
        input: Annotated[CorrectEvaluationInput, strawberry.argument(description=INPUT)],
    ) -> CorrectEvaluationResult:
        h = info.context.services.performance
        return await mutate(
            info,
            lambda c: h.correct_evaluation(
                c, str(input.evaluation_id), draft_of(input), input.reason, input.expected_version
            ),
            input.idempotency_key,
            CorrectEvaluationSuccess,
            _evaluation,
        )

    @strawberry.mutation(description="Object to one's own final evaluation within 14 days.")
    async def file_objection(
        self,
        info: Info,
        input: Annotated[FileObjectionInput, strawberry.argument(description=INPUT)],
    ) -> FileObjectionResult:
        h = info.context.services.performance
        return await mutate(
            info,
            lambda c: h.file_objection(c, str(input.evaluation_id), input.reason),
            input.idempotency_key,
            FileObjectionSuccess,
            _evaluation,
        )

    @strawberry.mutation(description="Uphold an objection with new ratings, or reject it (HR).")
    async def resolve_objection(
        self,
        info: Info,
        input: Annotated[ResolveObjectionInput, strawberry.argument(description=INPUT)],
    ) -> ResolveObjectionResult:
        h = info.context.services.performance
        return await mutate(
            info,
            lambda c: h.resolve_objection(c, resolution_of(input)),
            input.idempotency_key,
            ResolveObjectionSuccess,
            _evaluation,
        )

    @strawberry.mutation(description="Set a unit's organisation predicate for a year (HR).")
    async def set_organization_predicate(
        self,
        info: Info,
        input: Annotated[SetOrganizationPredicateInput, strawberry.argument(description=INPUT)],
    ) -> SetOrganizationPredicateResult:
        h = info.context.services.unit_performance
        return await mutate(
            info,
            lambda c: h.set_organization_predicate(c, input.unit_code, input.year, input.predicate),
            input.idempotency_key,
            SetOrganizationPredicateSuccess,
            _unit,
        )

    @strawberry.mutation(description="Allow annual predicates outside the bounds, justified (HR).")
    async def record_distribution_override(
        self,
        info: Info,
        input: Annotated[RecordDistributionOverrideInput, strawberry.argument(description=INPUT)],
    ) -> RecordDistributionOverrideResult:
        h = info.context.services.unit_performance
        return await mutate(
            info,
            lambda c: h.record_distribution_override(
                c, input.unit_code, input.year, input.justification
            ),
            input.idempotency_key,
            RecordDistributionOverrideSuccess,
            _unit,
        )

    @strawberry.mutation(description="Record an employee's potential level for a year (HR).")
    async def record_potential(
        self,
        info: Info,
        input: Annotated[RecordPotentialInput, strawberry.argument(description=INPUT)],
    ) -> RecordPotentialResult:
        h = info.context.services.unit_performance
        return await mutate(
            info,
            lambda c: h.record_potential(c, input.nip, input.year, input.level),
            input.idempotency_key,
            RecordPotentialSuccess,
            lambda outcome: _potential(outcome, info.context),
        )
