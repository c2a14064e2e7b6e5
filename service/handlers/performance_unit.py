"""Command handlers for a unit's performance year and for talent: predicates, overrides."""

from __future__ import annotations

from domain.cycle import require_year
from domain.distribution import OrganizationPredicate
from domain.potential import PotentialAssessment, potential_stream_id
from domain.rating import PotentialLevel
from domain.unit_year import UnitYear, unit_year_stream_id
from domain.values import require_unit_code
from service.auth.policy import HR_ACTORS
from service.handlers.answers import EmployeeAnswer, UnitAnswer
from service.handlers.envelope import Change, CommandContext, Done, Repository
from service.handlers.lookups import registered_unit
from service.handlers.performance import PerformanceHandlers


class UnitPerformanceHandlers:
    """Handlers HR uses on a unit's year (organisation predicate, overrides) and on potential."""

    def __init__(self, repo: Repository, performance: PerformanceHandlers) -> None:
        self.repo = repo
        self.performance = performance

    async def set_organization_predicate(
        self, ctx: CommandContext, unit_code: str, year: int, predicate: OrganizationPredicate
    ) -> Done[UnitAnswer]:
        """Set the unit's organisation predicate, which bounds its annual predicates."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[UnitAnswer]:
            unit_year = await self._unit_year(ctx, unit_code, year)
            unit_year.set_organization_predicate(predicate, ctx.now)
            return Change(UnitAnswer(unit_year.unit_code), [unit_year])

        return await self.repo.run(ctx, "setOrganizationPredicate", UnitAnswer, decide)

    async def record_distribution_override(
        self, ctx: CommandContext, unit_code: str, year: int, justification: str
    ) -> Done[UnitAnswer]:
        """Allow the unit's annual predicates outside the bounds; each such one is flagged."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[UnitAnswer]:
            unit_year = await self._unit_year(ctx, unit_code, year)
            unit_year.record_override(justification, ctx.now)
            answer = UnitAnswer(unit_year.unit_code)
            return Change(answer, [unit_year], reason=justification.strip())

        return await self.repo.run(ctx, "recordDistributionOverride", UnitAnswer, decide)

    async def record_potential(
        self, ctx: CommandContext, nip: str, year: int, level: PotentialLevel
    ) -> Done[EmployeeAnswer]:
        """Record an employee's potential level for a year (the talent box follows from it)."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[EmployeeAnswer]:
            employee = await self.performance.employee(nip)
            ctx.require_unit_scope(employee.unit_code)
            require_year(year)
            stream_id = potential_stream_id(employee.id, year)
            assessment = await self.repo.load(stream_id, PotentialAssessment)
            if assessment is None:
                assessment = PotentialAssessment.record(
                    employee.id, employee.unit_code, year, level, ctx.now
                )
            else:
                assessment.reassess(employee.unit_code, level, ctx.now)
            answer = EmployeeAnswer(str(employee.id))
            return Change(answer, [assessment], subject_id=employee.id)

        return await self.repo.run(ctx, "recordPotential", EmployeeAnswer, decide)

    async def _unit_year(self, ctx: CommandContext, unit_code: str, year: int) -> UnitYear:
        code = require_unit_code(unit_code, "unitCode")
        ctx.require_unit_scope(code)
        require_year(year)
        await registered_unit(self.repo, code)
        found = await self.repo.load(unit_year_stream_id(code, year), UnitYear)
        return found or UnitYear.open(code, year, ctx.now)
