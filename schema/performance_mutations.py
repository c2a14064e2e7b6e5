"""Performance mutations: cycles, plans, evaluations, objections, unit years, potential."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar
from uuid import UUID

import strawberry

from projections import directory
from projections import performance_reads as reads
from schema.context import Info
from schema.descriptions import INPUT
from schema.errors import MutationError
from schema.links import EmployeeType, EvaluationType, UnitType
from schema.mutations import Committed, run_command
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
from service.handlers.envelope import CommandContext
from service.handlers.performance import SubmitEvaluation
from service.log.records import AppendResult

Call = Callable[[CommandContext], Awaitable[AppendResult]]
S = TypeVar("S")


async def _evaluation(
    info: Info, call: Call, key: str | None, success: Callable[..., S]
) -> S | MutationError:
    outcome = await run_command(info, call, key)
    if not isinstance(outcome, Committed):
        return outcome
    view = await reads.evaluation_by_id(outcome.db, UUID(outcome.result["id"]))
    assert view is not None
    return success(evaluation=EvaluationType.of(view), **outcome.receipt)


async def _cycle(
    info: Info, call: Call, key: str | None, success: Callable[..., S]
) -> S | MutationError:
    outcome = await run_command(info, call, key)
    if not isinstance(outcome, Committed):
        return outcome
    year = int(outcome.result["year"])
    status = await reads.cycle_status(outcome.db, year)
    return success(cycle=CycleType(year=year, status=status or "OPEN"), **outcome.receipt)


async def _unit(
    info: Info, call: Call, key: str | None, success: Callable[..., S]
) -> S | MutationError:
    outcome = await run_command(info, call, key)
    if not isinstance(outcome, Committed):
        return outcome
    view = await directory.unit_by_code(outcome.db, outcome.result["code"])
    assert view is not None
    return success(unit=UnitType.of(view), **outcome.receipt)


@strawberry.type
class PerformanceMutation:
    @strawberry.mutation(description="Open the performance cycle of a year (HR, ADMIN).")
    async def open_cycle(
        self, info: Info, input: Annotated[OpenCycleInput, strawberry.argument(description=INPUT)]
    ) -> OpenCycleResult:
        h = info.context.services.performance
        return await _cycle(
            info, lambda c: h.open_cycle(c, input.year), input.idempotency_key, OpenCycleSuccess
        )

    @strawberry.mutation(description="Close a cycle: its periods take no more evaluations (HR).")
    async def close_cycle(
        self, info: Info, input: Annotated[CloseCycleInput, strawberry.argument(description=INPUT)]
    ) -> CloseCycleResult:
        h = info.context.services.performance
        return await _cycle(
            info, lambda c: h.close_cycle(c, input.year), input.idempotency_key, CloseCycleSuccess
        )

    @strawberry.mutation(description="Agree an employee's SKP (their supervisor, or HR).")
    async def agree_performance_plan(
        self,
        info: Info,
        input: Annotated[AgreePerformancePlanInput, strawberry.argument(description=INPUT)],
    ) -> AgreePerformancePlanResult:
        h = info.context.services.performance
        outcome = await run_command(
            info,
            lambda c: h.agree_plan(c, input.nip, input.year, targets_of(input.targets)),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        plan = await reads.plan_by_id(outcome.db, UUID(outcome.result["id"]))
        assert plan is not None
        targets = [PlanTargetType(**t) for t in plan.targets]
        found = PlanType(
            id=strawberry.ID(str(plan.id)), year=plan.year, targets=targets, version=plan.version
        )
        return AgreePerformancePlanSuccess(plan=found, **outcome.receipt)

    @strawberry.mutation(description="Submit an evaluation (the employee's supervisor).")
    async def submit_evaluation(
        self,
        info: Info,
        input: Annotated[SubmitEvaluationInput, strawberry.argument(description=INPUT)],
    ) -> SubmitEvaluationResult:
        h = info.context.services.performance
        command = SubmitEvaluation(input.nip, input.year, input.period, draft_of(input))
        return await _evaluation(
            info,
            lambda c: h.submit_evaluation(c, command),
            input.idempotency_key,
            SubmitEvaluationSuccess,
        )

    @strawberry.mutation(description="Finalise: the predicate is derived (the supervisor).")
    async def finalize_evaluation(
        self,
        info: Info,
        input: Annotated[FinalizeEvaluationInput, strawberry.argument(description=INPUT)],
    ) -> FinalizeEvaluationResult:
        h = info.context.services.performance
        return await _evaluation(
            info,
            lambda c: h.finalise_evaluation(c, str(input.evaluation_id), input.expected_version),
            input.idempotency_key,
            FinalizeEvaluationSuccess,
        )

    @strawberry.mutation(description="Correct a submitted draft, with a reason (the supervisor).")
    async def correct_evaluation(
        self,
        info: Info,
        input: Annotated[CorrectEvaluationInput, strawberry.argument(description=INPUT)],
    ) -> CorrectEvaluationResult:
        h = info.context.services.performance
        return await _evaluation(
            info,
            lambda c: h.correct_evaluation(
                c, str(input.evaluation_id), draft_of(input), input.reason, input.expected_version
            ),
            input.idempotency_key,
            CorrectEvaluationSuccess,
        )

    @strawberry.mutation(description="Object to one's own final evaluation within 14 days.")
    async def file_objection(
        self,
        info: Info,
        input: Annotated[FileObjectionInput, strawberry.argument(description=INPUT)],
    ) -> FileObjectionResult:
        h = info.context.services.performance
        return await _evaluation(
            info,
            lambda c: h.file_objection(c, str(input.evaluation_id), input.reason),
            input.idempotency_key,
            FileObjectionSuccess,
        )

    @strawberry.mutation(description="Uphold an objection with new ratings, or reject it (HR).")
    async def resolve_objection(
        self,
        info: Info,
        input: Annotated[ResolveObjectionInput, strawberry.argument(description=INPUT)],
    ) -> ResolveObjectionResult:
        h = info.context.services.performance
        return await _evaluation(
            info,
            lambda c: h.resolve_objection(c, resolution_of(input)),
            input.idempotency_key,
            ResolveObjectionSuccess,
        )

    @strawberry.mutation(description="Set a unit's organisation predicate for a year (HR).")
    async def set_organization_predicate(
        self,
        info: Info,
        input: Annotated[SetOrganizationPredicateInput, strawberry.argument(description=INPUT)],
    ) -> SetOrganizationPredicateResult:
        h = info.context.services.unit_performance
        return await _unit(
            info,
            lambda c: h.set_organization_predicate(c, input.unit_code, input.year, input.predicate),
            input.idempotency_key,
            SetOrganizationPredicateSuccess,
        )

    @strawberry.mutation(description="Allow annual predicates outside the bounds, justified (HR).")
    async def record_distribution_override(
        self,
        info: Info,
        input: Annotated[RecordDistributionOverrideInput, strawberry.argument(description=INPUT)],
    ) -> RecordDistributionOverrideResult:
        h = info.context.services.unit_performance
        return await _unit(
            info,
            lambda c: h.record_distribution_override(
                c, input.unit_code, input.year, input.justification
            ),
            input.idempotency_key,
            RecordDistributionOverrideSuccess,
        )

    @strawberry.mutation(description="Record an employee's potential level for a year (HR).")
    async def record_potential(
        self,
        info: Info,
        input: Annotated[RecordPotentialInput, strawberry.argument(description=INPUT)],
    ) -> RecordPotentialResult:
        h = info.context.services.unit_performance
        outcome = await run_command(
            info,
            lambda c: h.record_potential(c, input.nip, input.year, input.level),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        found = await directory.employees_by_ids(outcome.db, [UUID(outcome.result["employee_id"])])
        employee = EmployeeType.of(next(iter(found.values())), outcome.db)
        return RecordPotentialSuccess(employee=employee, **outcome.receipt)
