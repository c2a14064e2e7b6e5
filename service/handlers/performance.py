"""Command handlers for performance management: cycles, plans, evaluations, objections."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.assessment import AssessmentDraft
from domain.cycle import PerformanceCycle, cycle_stream_id, require_year
from domain.distribution import DEFAULT_DISTRIBUTION_RULES, DistributionRuleSet
from domain.employee import Employee
from domain.errors import AlreadyExists, InvalidValue, NotFoundError
from domain.evaluation import Evaluation, evaluation_stream_id
from domain.finalisation import Distribution, finalise_evaluation, uphold_objection
from domain.plan import PerformancePlan, PlanTarget, plan_stream_id
from domain.rating import Period
from domain.unit_year import UnitYear, unit_year_stream_id
from domain.values import nip_digits
from service.auth.policy import HR_ACTORS
from service.auth.tokens import Role
from service.handlers.answers import CycleAnswer, EmployeeRecordAnswer
from service.handlers.envelope import (
    Change,
    CommandContext,
    Done,
    NotAllowed,
    Repository,
    check_expected_version,
)
from service.handlers.identity import SubjectIds
from service.handlers.lookups import employee_by_nip
from service.handlers.performance_commands import ResolveObjection, SubmitEvaluation
from service.handlers.unit_staff import UnitStaff

__all__ = ["PerformanceHandlers", "ResolveObjection", "SubmitEvaluation"]


class PerformanceHandlers:
    """Handlers of the performance-management context."""

    def __init__(
        self,
        repo: Repository,
        ids: SubjectIds,
        staff: UnitStaff,
        rules: DistributionRuleSet = DEFAULT_DISTRIBUTION_RULES,
    ) -> None:
        self.repo = repo
        self.ids = ids
        self.staff = staff
        self.rules = rules

    async def open_cycle(self, ctx: CommandContext, year: int) -> Done[CycleAnswer]:
        """Open the performance cycle of a year (city-wide HR, ADMIN)."""
        ctx.require_city_wide_hr("a cycle")

        async def decide() -> Change[CycleAnswer]:
            cycle = PerformanceCycle.open(year, ctx.now)
            if await self.repo.load(cycle.id, PerformanceCycle) is not None:
                raise AlreadyExists(f"the {year} cycle is already open", field="year")
            return Change(CycleAnswer(year), [cycle])

        return await self.repo.run(ctx, "openCycle", CycleAnswer, decide)

    async def close_cycle(self, ctx: CommandContext, year: int) -> Done[CycleAnswer]:
        """Close the cycle of a year: its periods take no more evaluations."""
        ctx.require_city_wide_hr("a cycle")

        async def decide() -> Change[CycleAnswer]:
            cycle = await self.cycle(year)
            cycle.close(ctx.now)
            return Change(CycleAnswer(year), [cycle])

        return await self.repo.run(ctx, "closeCycle", CycleAnswer, decide)

    async def agree_plan(
        self, ctx: CommandContext, nip: str, year: int, targets: Sequence[PlanTarget]
    ) -> Done[EmployeeRecordAnswer]:
        """Agree (or agree anew) an employee's SKP: their current supervisor or HR."""
        ctx.require(Role.EVALUATOR, *HR_ACTORS)

        async def decide() -> Change[EmployeeRecordAnswer]:
            employee = await self.employee(nip)
            self._require_supervisor_or_hr(ctx, employee)
            cycle = await self.cycle(year)
            if cycle.closed:
                raise InvalidValue("year", f"the {year} cycle is closed")
            plan = await self.repo.load(plan_stream_id(employee.id, year), PerformancePlan)
            if plan is None:
                plan = PerformancePlan.agree(
                    employee.id, employee.unit_code, year, targets, ctx.now
                )
            else:
                plan.agree_again(employee.unit_code, targets, ctx.now)
            return Change(_ids(plan), [plan], subject_id=employee.id)

        return await self.repo.run(ctx, "agreePerformancePlan", EmployeeRecordAnswer, decide)

    async def submit_evaluation(
        self, ctx: CommandContext, cmd: SubmitEvaluation
    ) -> Done[EmployeeRecordAnswer]:
        """Submit an evaluation (the supervisor); one per employee and period."""
        ctx.require(Role.EVALUATOR)
        employee_id = self.ids.employee_id(nip_digits(cmd.nip, "nip"))
        stream_id = evaluation_stream_id(employee_id, cmd.year, cmd.period)
        # Every stream the decision reads, loaded (with the key's replay) in one round trip.
        streams = [employee_id, cycle_stream_id(cmd.year), plan_stream_id(employee_id, cmd.year)]

        async def decide() -> Change[EmployeeRecordAnswer]:
            employee = await self.employee(cmd.nip)
            _require_supervisor(ctx, employee)
            (await self.cycle(cmd.year)).require_open_for(cmd.period)
            plan = await self.repo.load(plan_stream_id(employee.id, cmd.year), PerformancePlan)
            if plan is None:
                raise InvalidValue("year", f"no performance plan (SKP) is agreed for {cmd.year}")
            if await self.repo.load(stream_id, Evaluation) is not None:
                raise AlreadyExists(
                    f"{cmd.period.value} {cmd.year} of this employee is already evaluated",
                    field="period",
                )
            evaluation = Evaluation.submit(plan, employee.unit_code, cmd.period, cmd.draft, ctx.now)
            return Change(_ids(evaluation), [evaluation], subject_id=employee.id)

        return await self.repo.run(
            ctx, "submitEvaluation", EmployeeRecordAnswer, decide, streams=[*streams, stream_id]
        )

    async def finalise_evaluation(
        self, ctx: CommandContext, evaluation_id: str, expected_version: int | None
    ) -> Done[EmployeeRecordAnswer]:
        """Finalise: the predicate comes from the matrix; annual ones are distribution-checked."""
        ctx.require(Role.EVALUATOR)

        async def decide() -> Change[EmployeeRecordAnswer]:
            evaluation, employee = await self._evaluation_of_subordinate(
                ctx, evaluation_id, expected_version
            )
            distribution = await self._distribution(evaluation)
            unit_year = finalise_evaluation(evaluation, distribution, ctx.now)
            changed = [evaluation, unit_year] if unit_year else [evaluation]
            return Change(_ids(evaluation), changed, subject_id=employee.id)

        return await self.repo.run(ctx, "finalizeEvaluation", EmployeeRecordAnswer, decide)

    async def correct_evaluation(
        self,
        ctx: CommandContext,
        evaluation_id: str,
        draft: AssessmentDraft,
        reason: str,
        expected_version: int | None,
    ) -> Done[EmployeeRecordAnswer]:
        """Correct a submitted draft before finalisation, with a reason."""
        ctx.require(Role.EVALUATOR)

        async def decide() -> Change[EmployeeRecordAnswer]:
            evaluation, employee = await self._evaluation_of_subordinate(
                ctx, evaluation_id, expected_version
            )
            plan = await self._plan_of(evaluation)
            evaluation.correct(plan.target_list, draft, reason, ctx.now)
            return Change(
                _ids(evaluation), [evaluation], subject_id=employee.id, reason=reason.strip()
            )

        return await self.repo.run(ctx, "correctEvaluation", EmployeeRecordAnswer, decide)

    async def file_objection(
        self, ctx: CommandContext, evaluation_id: str, reason: str
    ) -> Done[EmployeeRecordAnswer]:
        """The employee objects to their own final evaluation within 14 days."""
        ctx.require(Role.EMPLOYEE)

        async def decide() -> Change[EmployeeRecordAnswer]:
            evaluation = await self.evaluation(evaluation_id)
            employee = await self._employee_by_id(evaluation.employee_id)
            if employee.nip != ctx.principal.sub:
                raise NotAllowed("an employee objects only to their own evaluation")
            evaluation.file_objection(reason, ctx.now)
            return Change(_ids(evaluation), [evaluation], subject_id=employee.id)

        return await self.repo.run(ctx, "fileObjection", EmployeeRecordAnswer, decide)

    async def resolve_objection(
        self, ctx: CommandContext, cmd: ResolveObjection
    ) -> Done[EmployeeRecordAnswer]:
        """HR upholds an objection with new ratings (a revision) or rejects it."""
        ctx.require(*HR_ACTORS)
        return await self.repo.run(
            ctx, "resolveObjection", EmployeeRecordAnswer, lambda: self._resolve(ctx, cmd)
        )

    async def _resolve(
        self, ctx: CommandContext, cmd: ResolveObjection
    ) -> Change[EmployeeRecordAnswer]:
        evaluation = await self.evaluation(cmd.evaluation_id)
        check_expected_version(evaluation, cmd.expected_version)
        ctx.require_unit_scope(evaluation.unit_code)
        unit_year: UnitYear | None = None
        if not cmd.upheld:
            evaluation.reject_objection(cmd.reason, ctx.now)
        elif cmd.draft is None:
            raise InvalidValue("targetRatings", "upholding an objection needs the new ratings")
        else:
            plan = await self._plan_of(evaluation)
            distribution = await self._distribution(evaluation)
            unit_year = uphold_objection(
                evaluation, plan.target_list, cmd.draft, cmd.reason, distribution, ctx.now
            )
        changed = [evaluation, unit_year] if unit_year else [evaluation]
        return Change(
            _ids(evaluation), changed, subject_id=evaluation.employee_id, reason=cmd.reason.strip()
        )

    async def cycle(self, year: int) -> PerformanceCycle:
        """The cycle of a year, which must have been opened."""
        require_year(year)
        cycle = await self.repo.load(cycle_stream_id(year), PerformanceCycle)
        if cycle is None:
            raise InvalidValue("year", f"no performance cycle has been opened for {year}")
        return cycle

    async def employee(self, nip: str, field: str = "nip") -> Employee:
        """The employee with this NIP, or an error on `field`."""
        return await employee_by_nip(self.repo, self.ids, nip, field)

    async def evaluation(self, evaluation_id: str) -> Evaluation:
        """The evaluation with this id, or NotFound."""
        try:
            stream_id = UUID(evaluation_id.strip())
        except ValueError:
            raise InvalidValue("evaluationId", "evaluationId is not a valid id") from None
        evaluation = await self.repo.load(stream_id, Evaluation)
        if evaluation is None:
            raise NotFoundError(f"no evaluation has the id {stream_id}")
        return evaluation

    async def _employee_by_id(self, employee_id: UUID) -> Employee:
        employee = await self.repo.load(employee_id, Employee)
        if employee is None:
            raise NotFoundError("the evaluated employee is not registered")
        return employee

    async def _evaluation_of_subordinate(
        self, ctx: CommandContext, evaluation_id: str, expected_version: int | None
    ) -> tuple[Evaluation, Employee]:
        evaluation = await self.evaluation(evaluation_id)
        employee = await self._employee_by_id(evaluation.employee_id)
        _require_supervisor(ctx, employee)
        check_expected_version(evaluation, expected_version)
        (await self.cycle(evaluation.year)).require_open_for(evaluation.period)
        return evaluation, employee

    async def _plan_of(self, evaluation: Evaluation) -> PerformancePlan:
        plan = await self.repo.load(evaluation.plan_id, PerformancePlan)
        if plan is None:
            raise NotFoundError("the evaluation's performance plan is missing")
        return plan

    async def _distribution(self, evaluation: Evaluation) -> Distribution:
        if evaluation.period is not Period.TAHUNAN:
            return Distribution(None, rules=self.rules)
        unit_year = await self.repo.load(
            unit_year_stream_id(evaluation.unit_code, evaluation.year), UnitYear
        )
        staff = await self.staff.employee_ids(evaluation.unit_code)
        return Distribution(unit_year, staff, self.rules)

    def _require_supervisor_or_hr(self, ctx: CommandContext, employee: Employee) -> None:
        p = ctx.principal
        if p.has(Role.EVALUATOR) and employee.supervisor_nip == p.sub:
            return
        if p.has(*HR_ACTORS):
            ctx.require_unit_scope(employee.unit_code)
            return
        raise NotAllowed("only the employee's current supervisor or HR may agree the plan")


def _require_supervisor(ctx: CommandContext, employee: Employee) -> None:
    if employee.supervisor_nip is None or employee.supervisor_nip != ctx.principal.sub:
        raise NotAllowed("an evaluator acts only on their current subordinates")


def _ids(aggregate: PerformancePlan | Evaluation) -> EmployeeRecordAnswer:
    return EmployeeRecordAnswer(str(aggregate.id), str(aggregate.employee_id))
