"""Competency development: the mutations of the catalogue, enrolments and completions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import strawberry

from domain.training import TrainingKind
from domain.training_completion import CompletionEntry
from projections import catalogue, jp_ledger
from projections.sql import Reader
from schema.context import Info
from schema.descriptions import EXPECTED_VERSION, IDEMPOTENCY_KEY, NIP
from schema.enums import TrainingKindEnum
from schema.errors import MutationError
from schema.links import TrainingCompletionType
from schema.mutations import Committed, MutationSuccess, mutate
from schema.training import TrainingEnrolmentType, TrainingProgramType
from service.handlers.answers import CompletionAnswer, EnrolmentAnswer, ProgramAnswer
from service.handlers.training import PublishProgram, RecordCompletion

_RESULT = "The success, or one of the shared errors: switch on `__typename`."
_PROGRAM = "Id of the programme (`TrainingProgram.id`)."


@strawberry.input(description="A resource person (narasumber) who teaches the programme.")
class ResourcePersonInput:
    name: str = strawberry.field(
        description="Their name; hidden from partners without the `pii` scope."
    )
    expertise: str = strawberry.field(description="What they teach or are expert in.")
    institution: str | None = strawberry.field(default=None, description="Where they work.")


@strawberry.input(description="A new programme of the training catalogue.")
class PublishTrainingProgramInput:
    code: str = strawberry.field(
        description="Catalogue code (letters, digits, . - _ /; stored upper case); once only."
    )
    title: str = strawberry.field(description="The programme's name.")
    kind: TrainingKindEnum = strawberry.field(description="Kind of development.")
    competency_area: str = strawberry.field(
        description="The competency it develops; completing it closes needs in this area."
    )
    jp: int = strawberry.field(description="JP (lesson hours) a completion earns by default.")
    provider: str = strawberry.field(description="Who delivers it (institution or platform).")
    sector: str | None = strawberry.field(
        default=None, description="The sector it is meant for (e.g. kesehatan), if any."
    )
    advanced: bool = strawberry.field(
        default=False, description="Advanced training: open only with a granted opportunity."
    )
    resource_persons: list[ResourcePersonInput] | None = strawberry.field(
        default=None, description="Narasumber of a workshop or seminar (at most 20)."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="Withdrawal of a programme from the catalogue.")
class RetireTrainingProgramInput:
    program_id: strawberry.ID = strawberry.field(description=_PROGRAM)
    reason: str | None = strawberry.field(default=None, description="Why it is withdrawn.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="An employee's enrolment in a programme.")
class EnrollInTrainingInput:
    nip: str = strawberry.field(description=NIP)
    program_id: strawberry.ID = strawberry.field(description=_PROGRAM)
    development_need: str | None = strawberry.field(
        default=None, description="The open development need (competency area) it addresses."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="A completed programme, with its certificate.")
class RecordTrainingCompletionInput:
    nip: str = strawberry.field(description=NIP)
    program_id: strawberry.ID = strawberry.field(description=_PROGRAM)
    completed_on: date = strawberry.field(description="Day completed: the JP count in its year.")
    certificate_number: str = strawberry.field(
        description="Certificate number; unique, a second completion with it is refused."
    )
    jp: int | None = strawberry.field(default=None, description="Absent: the programme's JP.")
    score: float | None = strawberry.field(default=None, description="Score, if graded.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="Revocation of a completion found invalid.")
class RevokeTrainingCompletionInput:
    completion_id: strawberry.ID = strawberry.field(description="Id of the completion.")
    reason: str = strawberry.field(description="Why it is invalid.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type(description="The programme was published.")
class PublishTrainingProgramSuccess(MutationSuccess):
    program: TrainingProgramType = strawberry.field(description="The new programme.")


@strawberry.type(description="The programme was retired.")
class RetireTrainingProgramSuccess(MutationSuccess):
    program: TrainingProgramType = strawberry.field(description="The programme, now retired.")


@strawberry.type(description="The employee was enrolled.")
class EnrollInTrainingSuccess(MutationSuccess):
    enrolment: TrainingEnrolmentType = strawberry.field(description="The new enrolment.")


@strawberry.type(description="The completion was recorded; its JP count in the ledger.")
class RecordTrainingCompletionSuccess(MutationSuccess):
    completion: TrainingCompletionType = strawberry.field(description="The new completion.")


@strawberry.type(description="The completion was revoked; its JP no longer count.")
class RevokeTrainingCompletionSuccess(MutationSuccess):
    completion: TrainingCompletionType = strawberry.field(description="The revoked completion.")


PublishTrainingProgramResult = Annotated[
    PublishTrainingProgramSuccess | MutationError,
    strawberry.union("PublishTrainingProgramResult", description=_RESULT),
]
RetireTrainingProgramResult = Annotated[
    RetireTrainingProgramSuccess | MutationError,
    strawberry.union("RetireTrainingProgramResult", description=_RESULT),
]
EnrollInTrainingResult = Annotated[
    EnrollInTrainingSuccess | MutationError,
    strawberry.union("EnrollInTrainingResult", description=_RESULT),
]
RecordTrainingCompletionResult = Annotated[
    RecordTrainingCompletionSuccess | MutationError,
    strawberry.union("RecordTrainingCompletionResult", description=_RESULT),
]
RevokeTrainingCompletionResult = Annotated[
    RevokeTrainingCompletionSuccess | MutationError,
    strawberry.union("RevokeTrainingCompletionResult", description=_RESULT),
]


async def _program_of(db: Reader, program_id: str) -> TrainingProgramType:
    view = await catalogue.program_by_id(db, UUID(program_id))
    assert view is not None
    return TrainingProgramType.of(view)


async def _program(outcome: Committed[ProgramAnswer]) -> dict[str, Any]:
    return {"program": await _program_of(outcome.db, outcome.answer.program_id)}


async def _enrolment(outcome: Committed[EnrolmentAnswer]) -> dict[str, Any]:
    answer = outcome.answer
    enrolment = TrainingEnrolmentType(
        id=strawberry.ID(answer.enrolment_id),
        program=await _program_of(outcome.db, answer.program_id),
        development_need=answer.development_need,
    )
    return {"enrolment": enrolment}


async def _completion(outcome: Committed[CompletionAnswer]) -> dict[str, Any]:
    view = await jp_ledger.completion_by_id(outcome.db, UUID(outcome.answer.completion_id))
    assert view is not None
    return {"completion": TrainingCompletionType.of(view)}


@strawberry.type
class TrainingMutation:
    @strawberry.mutation(description="Publish a programme in the catalogue (HR, ADMIN).")
    async def publish_training_program(
        self,
        info: Info,
        input: Annotated[
            PublishTrainingProgramInput,
            strawberry.argument(description="The programme to publish."),
        ],
    ) -> PublishTrainingProgramResult:
        command = PublishProgram(
            code=input.code,
            title=input.title,
            kind=TrainingKind(input.kind.value),
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
        return await mutate(
            info,
            lambda c: handlers.publish_program(c, command),
            input.idempotency_key,
            PublishTrainingProgramSuccess,
            _program,
        )

    @strawberry.mutation(description="Withdraw a programme from the catalogue (HR, ADMIN).")
    async def retire_training_program(
        self,
        info: Info,
        input: Annotated[
            RetireTrainingProgramInput, strawberry.argument(description="The programme to retire.")
        ],
    ) -> RetireTrainingProgramResult:
        handlers = info.context.services.training
        return await mutate(
            info,
            lambda c: handlers.retire_program(
                c, str(input.program_id), input.reason, input.expected_version
            ),
            input.idempotency_key,
            RetireTrainingProgramSuccess,
            _program,
        )

    @strawberry.mutation(description="Enrol an employee (HR, the employee, their supervisor).")
    async def enroll_in_training(
        self,
        info: Info,
        input: Annotated[
            EnrollInTrainingInput,
            strawberry.argument(description="The employee and the programme."),
        ],
    ) -> EnrollInTrainingResult:
        handlers = info.context.services.training
        return await mutate(
            info,
            lambda c: handlers.enrol(c, input.nip, str(input.program_id), input.development_need),
            input.idempotency_key,
            EnrollInTrainingSuccess,
            _enrolment,
        )

    @strawberry.mutation(description="Record a completion of a programme (HR, ADMIN).")
    async def record_training_completion(
        self,
        info: Info,
        input: Annotated[
            RecordTrainingCompletionInput,
            strawberry.argument(description="The employee, programme and certificate."),
        ],
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
        return await mutate(
            info,
            lambda c: handlers.record_completion(c, command),
            input.idempotency_key,
            RecordTrainingCompletionSuccess,
            _completion,
        )

    @strawberry.mutation(
        description="Revoke a completion found invalid, with a reason (HR, ADMIN)."
    )
    async def revoke_training_completion(
        self,
        info: Info,
        input: Annotated[
            RevokeTrainingCompletionInput,
            strawberry.argument(description="The completion to revoke and why."),
        ],
    ) -> RevokeTrainingCompletionResult:
        handlers = info.context.services.training
        return await mutate(
            info,
            lambda c: handlers.revoke_completion(
                c, str(input.completion_id), input.reason, input.expected_version
            ),
            input.idempotency_key,
            RevokeTrainingCompletionSuccess,
            _completion,
        )
