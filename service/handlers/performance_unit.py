"""Command handlers for a unit's performance year and for talent: predicates, overrides."""

from __future__ import annotations

from domain.cycle import require_year
from domain.distribution import OrganizationPredicate
from domain.errors import InvalidValue
from domain.organisation import Unit, unit_stream_id
from domain.potential import PotentialAssessment, potential_stream_id
from domain.rating import PotentialLevel
from domain.unit_year import UnitYear, unit_year_stream_id
from domain.values import require_unit_code
from service.auth.policy import HR_ACTORS as STAFF_ADMIN
from service.handlers.envelope import CommandContext, Repository
from service.handlers.performance import PerformanceHandlers
from service.log.records import AppendResult


class UnitPerformanceHandlers:
    """Handlers HR uses on a unit's year (organisation predicate, overrides) and on potential."""

    def __init__(self, repo: Repository, performance: PerformanceHandlers) -> None:
        self.repo = repo
        self.performance = performance

    async def set_organization_predicate(
        self, ctx: CommandContext, unit_code: str, year: int, predicate: OrganizationPredicate
    ) -> AppendResult:
        """Set the unit's organisation predicate, which bounds its annual predicates."""
        ctx.require(*STAFF_ADMIN)
        if (done := await self.repo.replayed(ctx, "setOrganizationPredicate")) is not None:
            return done
        unit_year = await self._unit_year(ctx, unit_code, year)
        unit_year.set_organization_predicate(predicate, ctx.now)
        return await self.repo.save(
            ctx, "setOrganizationPredicate", unit_year, result={"code": unit_year.unit_code}
        )

    async def record_distribution_override(
        self, ctx: CommandContext, unit_code: str, year: int, justification: str
    ) -> AppendResult:
        """Allow the unit's annual predicates outside the bounds; each such one is flagged."""
        ctx.require(*STAFF_ADMIN)
        if (done := await self.repo.replayed(ctx, "recordDistributionOverride")) is not None:
            return done
        unit_year = await self._unit_year(ctx, unit_code, year)
        unit_year.record_override(justification, ctx.now)
        return await self.repo.save(
            ctx,
            "recordDistributionOverride",
            unit_year,
            result={"code": unit_year.unit_code},
            reason=justification.strip(),
        )

    async def record_potential(
        self, ctx: CommandContext, nip: str, year: int, level: PotentialLevel
    ) -> AppendResult:
        """Record an employee's potential level for a year (the talent box follows from it)."""
        ctx.require(*STAFF_ADMIN)
        if (done := await self.repo.replayed(ctx, "recordPotential")) is not None:
            return done
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
        return await self.repo.save(
            ctx,
            "recordPotential",
            assessment,
            subject_id=employee.id,
            result={"employee_id": str(employee.id)},
        )

    async def _unit_year(self, ctx: CommandContext, unit_code: str, year: int) -> UnitYear:
        code = require_unit_code(unit_code, "unitCode")
        ctx.require_unit_scope(code)
        require_year(year)
        if await self.repo.load(unit_stream_id(code), Unit) is None:
            raise InvalidValue("unitCode", f"unit {code} is not registered")
        found = await self.repo.load(unit_year_stream_id(code, year), UnitYear)
        return found or UnitYear.open(code, year, ctx.now)
