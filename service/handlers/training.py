"""Command handlers for competency development: the catalogue, enrolments and completions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
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
from projections.performance_reads import open_needs
from projections.sql import Reader
from service.auth.policy import ENROLLERS, HR_ACTORS
from service.auth.tokens import Role
from service.handlers.answers import CompletionAnswer, EnrolmentAnswer, ProgramAnswer
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

    async def publish_program(
        self, ctx: CommandContext, cmd: PublishProgram
    ) -> Done[ProgramAnswer]:
        """Publish a programme in the catalogue (city-wide); a code is published once."""
        ctx.require_city_wide_hr("the training catalogue")
        return await self.repo.run(
            ctx, "publishTrainingProgram", ProgramAnswer, lambda: self._publish(ctx, cmd)
        )

    async def _publish(self, ctx: CommandContext, cmd: PublishProgram) -> Change[ProgramAnswer]:
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
        duplicate = f"programme {details.code} is already published"
        return Change(ProgramAnswer(str(program.id)), [program], duplicate=("code", duplicate))

    async def retire_program(
        self, ctx: CommandContext, program_id: str, reason: str | None, expected: int | None
    ) -> Done[ProgramAnswer]:
        """Withdraw a programme from the catalogue (city-wide)."""
        ctx.require_city_wide_hr("the training catalogue")

        async def decide() -> Change[ProgramAnswer]:
            program = await self._program(program_id)
            check_expected_version(program, expected)
            program.retire(reason, ctx.now)
            return Change(ProgramAnswer(str(program.id)), [program])

        return await self.repo.run(ctx, "retireTrainingProgram", ProgramAnswer, decide)

    async def enrol(
        self, ctx: CommandContext, nip: str, program_id: str, development_need: str | None
    ) -> Done[EnrolmentAnswer]:
        """Enrol an employee (by HR, the employee, or their supervisor) in a programme."""
        ctx.require(*ENROLLERS)
        return await self.repo.run(
            ctx,
            "enrollInTraining",
            EnrolmentAnswer,
            lambda: self._enrol(ctx, nip, program_id, development_need),
        )

    async def _enrol(
        self, ctx: CommandContext, nip: str, program_id: str, development_need: str | None
    ) -> Change[EnrolmentAnswer]:
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
        answer = EnrolmentAnswer(
            str(enrolment.id), str(employee.id), str(program.id), enrolment.development_need
        )
        return Change(answer, [enrolment], employee.id, duplicate=("programId", already))

    async def record_completion(
        self, ctx: CommandContext, cmd: RecordCompletion
    ) -> Done[CompletionAnswer]:
        """Record a completion; its certificate number decides its stream, so it counts once."""
        ctx.require(*HR_ACTORS)
        return await self.repo.run(
            ctx, "recordTrainingCompletion", CompletionAnswer, lambda: self._complete(ctx, cmd)
        )

    async def _complete(
        self, ctx: CommandContext, cmd: RecordCompletion
    ) -> Change[CompletionAnswer]:
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
        answer = CompletionAnswer(str(completion.id), str(employee.id))
        duplicate = ("certificateNumber", _DUPLICATE_CERTIFICATE)
        return Change(answer, [completion], employee.id, duplicate=duplicate)

    async def revoke_completion(
        self, ctx: CommandContext, completion_id: str, reason: str, expected: int | None
    ) -> Done[CompletionAnswer]:
        """Revoke a completion found invalid, with a reason; it stays in the history."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[CompletionAnswer]:
            completion = await self.repo.load(
                _parse_id(completion_id, "completionId"), TrainingCompletion
            )
            if completion is None:
                raise NotFoundError(f"no training completion with id {completion_id}")
            check_expected_version(completion, expected)
            ctx.require_unit_scope(completion.unit_code)
            completion.revoke(reason, ctx.now)
            return Change(
                CompletionAnswer(str(completion.id)),
                [completion],
                subject_id=completion.employee_id,
                reason=reason.strip(),
            )

        return await self.repo.run(ctx, "revokeTrainingCompletion", CompletionAnswer, decide)

    def _require_may_enrol(self, ctx: CommandContext, employee: Employee) -> None:
        p = ctx.principal
        if p.has(*HR_ACTORS):
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
        return await employee_by_nip(self.repo, self.ids, nip)


_DUPLICATE_CERTIFICATE = "a completion with this certificate number is already recorded"


def _parse_id(value: str, field: str) -> UUID:
    try:
        return UUID(value.strip())
    except ValueError:
        raise InvalidValue(field, f"{value!r} is not a valid id") from None
