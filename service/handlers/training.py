"""Command handlers for competency development: the catalogue, enrolments and completions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from domain.employee import Employee
from domain.enrolment_rules import AdvancedTrainingOpportunity, NeedLink
from domain.errors import AlreadyExists, InvalidValue, NotFoundError
from domain.jp_rules import JP_RULE_SETS, JpRuleSet, rules_for_year
from domain.training import (
    ProgramDetails,
    TrainingEnrolment,
    TrainingKind,
    TrainingProgram,
    completion_stream_id,
    enrolment_stream_id,
)
from domain.training_completion import CompletionContext, CompletionEntry, TrainingCompletion
from domain.values import nip_digits
from projections.performance_reads import open_needs
from projections.sql import Reader
from service.auth.policy import ENROLLERS
from service.auth.policy import HR_ACTORS as STAFF_ADMIN
from service.auth.tokens import Role
from service.handlers.envelope import CommandContext, NotAllowed, Repository, check_expected_version
from service.handlers.identity import SubjectIds
from service.log.records import AppendResult, VersionConflictError


@dataclass(frozen=True)
class PublishProgram:
    """Publish a programme in the catalogue (raw input, checked by the domain)."""

    code: str
    title: str
    kind: TrainingKind
    competency_area: str
    jp: int
    provider: str
    sector: str | None = None
    advanced: bool = False
    # (name, expertise, institution) of each resource person (narasumber), as given.
    resource_persons: tuple[tuple[str, str, str | None], ...] = ()


@dataclass(frozen=True)
class RecordCompletion:
    """Record that an employee completed a programme."""

    nip: str
    program_id: str
    entry: CompletionEntry


class OpportunitySource(Protocol):
    """Where granted advanced-training opportunities of an employee come from (awards)."""

    async def granted(self, employee_id: UUID) -> Sequence[AdvancedTrainingOpportunity]:
        """The opportunities granted to the employee so far."""


class OpenNeeds(Protocol):
    """Where an employee's open development needs come from (the performance view)."""

    async def areas(self, employee_id: UUID) -> Sequence[str]:
        """The competency areas of the employee's open development needs."""


class OpenNeedsView:
    """Open development needs as the performance view has them."""

    def __init__(self, db: Reader) -> None:
        self.db = db

    async def areas(self, employee_id: UUID) -> Sequence[str]:
        """The areas of the open needs, as the evaluations spelled them."""
        found = await open_needs(self.db, [employee_id])
        return found[employee_id]


class NoOpportunitiesGranted:
    """No award grants advanced-training opportunities yet, so none is ever found."""

    async def granted(self, employee_id: UUID) -> Sequence[AdvancedTrainingOpportunity]:
        """Nothing: the awards context is the one that will grant them."""
        return ()


class TrainingHandlers:
    """Handlers of the competency-development context."""

    def __init__(
        self,
        repo: Repository,
        ids: SubjectIds,
        needs: OpenNeeds,
        opportunities: OpportunitySource | None = None,
        rule_sets: Sequence[JpRuleSet] = JP_RULE_SETS,
    ) -> None:
        self.repo = repo
        self.ids = ids
        self.needs = needs
        self.opportunities = opportunities or NoOpportunitiesGranted()
        self.rule_sets = tuple(rule_sets)

    async def publish_program(self, ctx: CommandContext, cmd: PublishProgram) -> AppendResult:
        """Publish a programme in the catalogue (city-wide); a code is published once."""
        ctx.require_city_wide_hr("the training catalogue")
        if (done := await self.repo.replayed(ctx, "publishTrainingProgram")) is not None:
            return done
        details = ProgramDetails.parse(
            cmd.code,
            cmd.title,
            cmd.kind,
            cmd.competency_area,
            cmd.jp,
            cmd.provider,
            cmd.sector,
            cmd.advanced,
            cmd.resource_persons,
        )
        program = TrainingProgram.publish(details, ctx.now)
        if await self.repo.load(program.id, TrainingProgram) is not None:
            raise AlreadyExists(f"programme {details.code} is already published", field="code")
        return await self._save_new(
            ctx, "publishTrainingProgram", program, "code", {"program_id": str(program.id)}
        )

    async def retire_program(
        self, ctx: CommandContext, program_id: str, reason: str | None, expected: int | None
    ) -> AppendResult:
        """Withdraw a programme from the catalogue (city-wide)."""
        ctx.require_city_wide_hr("the training catalogue")
        if (done := await self.repo.replayed(ctx, "retireTrainingProgram")) is not None:
            return done
        program = await self._program(program_id)
        check_expected_version(program, expected)
        program.retire(reason, ctx.now)
        return await self.repo.save(
            ctx, "retireTrainingProgram", program, result={"program_id": str(program.id)}
        )

    async def enrol(
        self, ctx: CommandContext, nip: str, program_id: str, development_need: str | None
    ) -> AppendResult:
        """Enrol an employee (by HR, the employee, or their supervisor) in a programme."""
        ctx.require(*ENROLLERS)
        if (done := await self.repo.replayed(ctx, "enrollInTraining")) is not None:
            return done
        employee = await self._employee(nip)
        self._require_may_enrol(ctx, employee)
        program = await self._program(program_id)
        opportunities = await self.opportunities.granted(employee.id)
        already = f"already enrolled in programme {program.code}"
        enrolment_id = enrolment_stream_id(employee.id, program.id)
        if await self.repo.load(enrolment_id, TrainingEnrolment) is not None:
            raise AlreadyExists(already, field="programId")
        need = NeedLink(development_need, await self.needs.areas(employee.id))
        enrolment = TrainingEnrolment.enrol(program, employee, need, opportunities, ctx.now)
        return await self._save_new(
            ctx,
            "enrollInTraining",
            enrolment,
            "programId",
            {
                "enrolment_id": str(enrolment.id),
                "employee_id": str(employee.id),
                "program_id": str(program.id),
                "development_need": enrolment.development_need,
            },
            subject_id=employee.id,
            duplicate=already,
        )

    async def record_completion(self, ctx: CommandContext, cmd: RecordCompletion) -> AppendResult:
        """Record a completion; its certificate number decides its stream, so it counts once."""
        ctx.require(*STAFF_ADMIN)
        if (done := await self.repo.replayed(ctx, "recordTrainingCompletion")) is not None:
            return done
        employee = await self._employee(cmd.nip)
        ctx.require_unit_scope(employee.unit_code)
        program = await self._program(cmd.program_id)
        stream_id = completion_stream_id(cmd.entry.certificate_number)
        if await self.repo.load(stream_id, TrainingCompletion) is not None:
            raise AlreadyExists(_DUPLICATE_CERTIFICATE, field="certificateNumber")
        enrolment_id = enrolment_stream_id(employee.id, program.id)
        enrolled = await self.repo.load(enrolment_id, TrainingEnrolment) is not None
        context = CompletionContext(
            today=ctx.now.date(),
            enrolment_id=enrolment_id if enrolled else None,
            open_needs=await self.needs.areas(employee.id),
        )
        rules = rules_for_year(cmd.entry.completed_on.year, self.rule_sets)
        completion = TrainingCompletion.record(
            program, employee, cmd.entry, rules, context, ctx.now
        )
        return await self._save_new(
            ctx,
            "recordTrainingCompletion",
            completion,
            "certificateNumber",
            {"completion_id": str(completion.id), "employee_id": str(employee.id)},
            subject_id=employee.id,
            duplicate=_DUPLICATE_CERTIFICATE,
        )

    async def revoke_completion(
        self, ctx: CommandContext, completion_id: str, reason: str, expected: int | None
    ) -> AppendResult:
        """Revoke a completion found invalid, with a reason; it stays in the history."""
        ctx.require(*STAFF_ADMIN)
        if (done := await self.repo.replayed(ctx, "revokeTrainingCompletion")) is not None:
            return done
        completion = await self.repo.load(
            _parse_id(completion_id, "completionId"), TrainingCompletion
        )
        if completion is None:
            raise NotFoundError(f"no training completion with id {completion_id}")
        check_expected_version(completion, expected)
        ctx.require_unit_scope(completion.unit_code)
        completion.revoke(reason, ctx.now)
        return await self.repo.save(
            ctx,
            "revokeTrainingCompletion",
            completion,
            subject_id=completion.employee_id,
            result={"completion_id": str(completion.id)},
            reason=reason.strip(),
        )

    async def _save_new(
        self,
        ctx: CommandContext,
        command: str,
        aggregate: TrainingProgram | TrainingEnrolment | TrainingCompletion,
        field: str,
        result: dict[str, Any],
        *,
        subject_id: UUID | None = None,
        duplicate: str | None = None,
    ) -> AppendResult:
        """Append a new stream; a concurrent twin that won the race makes this one a duplicate."""
        try:
            return await self.repo.save(
                ctx, command, aggregate, subject_id=subject_id, result=result
            )
        except VersionConflictError:
            raise AlreadyExists(duplicate or "this exists already", field=field) from None

    def _require_may_enrol(self, ctx: CommandContext, employee: Employee) -> None:
        p = ctx.principal
        if p.has(*STAFF_ADMIN):
            ctx.require_unit_scope(employee.unit_code)
            return
        if p.has(Role.EMPLOYEE) and p.sub == employee.nip:
            return
        if p.has(Role.EVALUATOR) and p.sub == employee.supervisor_nip:
            return
        raise NotAllowed("only HR, the employee or their supervisor may enrol them")

    async def _program(self, program_id: str) -> TrainingProgram:
        program = await self.repo.load(_parse_id(program_id, "programId"), TrainingProgram)
        if program is None:
            raise NotFoundError(f"no training programme with id {program_id}")
        return program

    async def _employee(self, nip: str) -> Employee:
        value = nip_digits(nip, "nip")
        employee = await self.repo.load(self.ids.employee_id(value), Employee)
        if employee is None:
            raise NotFoundError(f"no employee is registered with NIP {value}")
        return employee


_DUPLICATE_CERTIFICATE = "a completion with this certificate number is already recorded"


def _parse_id(value: str, field: str) -> UUID:
    try:
        return UUID(value.strip())
    except ValueError:
        raise InvalidValue(field, f"{value!r} is not a valid id") from None
