"""Competency development: the mutations of the catalogue, enrolments and completions."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from domain.training import TrainingKind
from domain.training_completion import CompletionEntry
from projections import catalogue, jp_ledger
from schema.context import Info
from schema.errors import MutationError
from schema.mutations import Committed, MutationSuccess, run_command
from schema.training import (
    TrainingCompletionType,
    TrainingEnrolmentType,
    TrainingKindEnum,
    TrainingProgramType,
)
from service.handlers.training import PublishProgram, RecordCompletion


@strawberry.input
class ResourcePersonInput:
    name: str
    expertise: str
    institution: str | None = None


@strawberry.input
class PublishTrainingProgramInput:
    code: str
    title: str
    kind: TrainingKindEnum  # type: ignore[valid-type]
    competency_area: str
    jp: int
    provider: str
    sector: str | None = None
    advanced: bool = False
    resource_persons: list[ResourcePersonInput] | None = strawberry.field(
        default=None, description="Narasumber of a workshop or seminar (at most 20)."
    )
    idempotency_key: str | None = None


@strawberry.input
class RetireTrainingProgramInput:
    program_id: strawberry.ID
    reason: str | None = None
    expected_version: int | None = None
    idempotency_key: str | None = None


@strawberry.input
class EnrollInTrainingInput:
    nip: str
    program_id: strawberry.ID
    development_need: str | None = strawberry.field(
        default=None, description="The open development need (competency area) it addresses."
    )
    idempotency_key: str | None = None


@strawberry.input
class RecordTrainingCompletionInput:
    nip: str
    program_id: strawberry.ID
    completed_on: date
    certificate_number: str
    jp: int | None = strawberry.field(default=None, description="Absent: the programme's JP.")
    score: float | None = None
    idempotency_key: str | None = None


@strawberry.input
class RevokeTrainingCompletionInput:
    completion_id: strawberry.ID
    reason: str
    expected_version: int | None = None
    idempotency_key: str | None = None


@strawberry.type
class PublishTrainingProgramSuccess(MutationSuccess):
    program: TrainingProgramType
    position: int


@strawberry.type
class RetireTrainingProgramSuccess(MutationSuccess):
    program: TrainingProgramType
    position: int


@strawberry.type
class EnrollInTrainingSuccess(MutationSuccess):
    enrolment: TrainingEnrolmentType
    position: int


@strawberry.type
class RecordTrainingCompletionSuccess(MutationSuccess):
    completion: TrainingCompletionType
    position: int


@strawberry.type
class RevokeTrainingCompletionSuccess(MutationSuccess):
    completion: TrainingCompletionType
    position: int


PublishTrainingProgramResult = Annotated[
    PublishTrainingProgramSuccess | MutationError, strawberry.union("PublishTrainingProgramResult")
]
RetireTrainingProgramResult = Annotated[
    RetireTrainingProgramSuccess | MutationError, strawberry.union("RetireTrainingProgramResult")
]
EnrollInTrainingResult = Annotated[
    EnrollInTrainingSuccess | MutationError, strawberry.union("EnrollInTrainingResult")
]
RecordTrainingCompletionResult = Annotated[
    RecordTrainingCompletionSuccess | MutationError,
    strawberry.union("RecordTrainingCompletionResult"),
]
RevokeTrainingCompletionResult = Annotated[
    RevokeTrainingCompletionSuccess | MutationError,
    strawberry.union("RevokeTrainingCompletionResult"),
]


async def _program(outcome: Committed) -> TrainingProgramType:
    view = await catalogue.program_by_id(outcome.db, UUID(outcome.result["program_id"]))
    assert view is not None
    return TrainingProgramType(view=view)


async def _completion(outcome: Committed) -> TrainingCompletionType:
    view = await jp_ledger.completion_by_id(outcome.db, UUID(outcome.result["completion_id"]))
    assert view is not None
    return TrainingCompletionType(view=view)


@strawberry.type
class TrainingMutation:
    @strawberry.mutation(description="Publish a programme in the catalogue (HR, ADMIN).")
    async def publish_training_program(
        self, info: Info, input: PublishTrainingProgramInput
    ) -> PublishTrainingProgramResult:
        command = PublishProgram(
            code=input.code,
            title=input.title,
            kind=TrainingKind(input.kind),
            competency_area=input.competency_area,
            jp=input.jp,
            provider=input.provider,
            sector=input.sector,
            advanced=input.advanced,
            resource_persons=tuple(
                (p.name, p.expertise, p.institution) for p in input.resource_persons or ()
            ),
        )
        handlers = info.context.services.training
        outcome = await run_command(
            info, lambda c: handlers.publish_program(c, command), input.idempotency_key
        )
        if not isinstance(outcome, Committed):
            return outcome
        program = await _program(outcome)
        return PublishTrainingProgramSuccess(program=program, **outcome.receipt)

    @strawberry.mutation(description="Withdraw a programme from the catalogue (HR, ADMIN).")
    async def retire_training_program(
        self, info: Info, input: RetireTrainingProgramInput
    ) -> RetireTrainingProgramResult:
        handlers = info.context.services.training
        outcome = await run_command(
            info,
            lambda c: handlers.retire_program(
                c, str(input.program_id), input.reason, input.expected_version
            ),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        program = await _program(outcome)
        return RetireTrainingProgramSuccess(program=program, **outcome.receipt)

    @strawberry.mutation(description="Enrol an employee (HR, the employee, their supervisor).")
    async def enroll_in_training(
        self, info: Info, input: EnrollInTrainingInput
    ) -> EnrollInTrainingResult:
        handlers = info.context.services.training
        outcome = await run_command(
            info,
            lambda c: handlers.enrol(c, input.nip, str(input.program_id), input.development_need),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        enrolment = TrainingEnrolmentType(
            id=strawberry.ID(outcome.result["enrolment_id"]),
            program=await _program(outcome),
            development_need=outcome.result["development_need"],
        )
        return EnrollInTrainingSuccess(enrolment=enrolment, **outcome.receipt)

    @strawberry.mutation(description="Record a completion of a programme (HR, ADMIN).")
    async def record_training_completion(
        self, info: Info, input: RecordTrainingCompletionInput
    ) -> RecordTrainingCompletionResult:
        command = RecordCompletion(
            nip=input.nip,
            program_id=str(input.program_id),
            entry=CompletionEntry(
                completed_on=input.completed_on,
                certificate_number=input.certificate_number,
                jp=input.jp,
                score=input.score,
            ),
        )
        handlers = info.context.services.training
        outcome = await run_command(
            info, lambda c: handlers.record_completion(c, command), input.idempotency_key
        )
        if not isinstance(outcome, Committed):
            return outcome
        completion = await _completion(outcome)
        return RecordTrainingCompletionSuccess(completion=completion, **outcome.receipt)

    @strawberry.mutation(
        description="Revoke a completion found invalid, with a reason (HR, ADMIN)."
    )
    async def revoke_training_completion(
        self, info: Info, input: RevokeTrainingCompletionInput
    ) -> RevokeTrainingCompletionResult:
        handlers = info.context.services.training
        outcome = await run_command(
            info,
            lambda c: handlers.revoke_completion(
                c, str(input.completion_id), input.reason, input.expected_version
            ),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        completion = await _completion(outcome)
        return RevokeTrainingCompletionSuccess(completion=completion, **outcome.receipt)
