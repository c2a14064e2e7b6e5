"""What the performance mutations return: cycles, plans, and each mutation's result union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.descriptions import RESULT
from schema.errors import MutationError
from schema.links import EmployeeType, EvaluationType, UnitType
from schema.mutations import MutationSuccess


@strawberry.type(name="PerformanceCycle", description="A year of performance management.")
class CycleType:
    year: int = strawberry.field(description="The cycle's calendar year.")
    status: str = strawberry.field(description="OPEN or CLOSED.")


@strawberry.type(description="A work target of a performance plan.")
class PlanTargetType:
    title: str = strawberry.field(description="What is to be achieved.")
    indicator: str = strawberry.field(description="How achievement is measured.")
    target: str = strawberry.field(description="The level to reach, e.g. 95% or 12 reports.")
    main: bool = strawberry.field(description="True: a main target; false: an additional one.")


@strawberry.type(name="PerformancePlan", description="An agreed SKP of one employee and year.")
class PlanType:
    id: strawberry.ID = strawberry.field(description="The plan's stream id (UUID).")
    year: int = strawberry.field(description="The cycle's calendar year.")
    targets: list[PlanTargetType] = strawberry.field(
        description="The work targets in order; `targetIndex` counts from 0."
    )
    version: int = strawberry.field(description="Stream version: how often it was agreed.")


@strawberry.type(description="The cycle was opened.")
class OpenCycleSuccess(MutationSuccess):
    cycle: CycleType = strawberry.field(description="The opened cycle.")


@strawberry.type(description="The cycle was closed.")
class CloseCycleSuccess(MutationSuccess):
    cycle: CycleType = strawberry.field(description="The closed cycle.")


@strawberry.type(description="The plan was agreed.")
class AgreePerformancePlanSuccess(MutationSuccess):
    plan: PlanType = strawberry.field(description="The plan as agreed.")


@strawberry.type(description="The evaluation was submitted.")
class SubmitEvaluationSuccess(MutationSuccess):
    evaluation: EvaluationType = strawberry.field(description="The submitted evaluation.")


@strawberry.type(description="The evaluation was finalised.")
class FinalizeEvaluationSuccess(MutationSuccess):
    evaluation: EvaluationType = strawberry.field(description="The evaluation with its predicate.")


@strawberry.type(description="The draft was corrected.")
class CorrectEvaluationSuccess(MutationSuccess):
    evaluation: EvaluationType = strawberry.field(description="The corrected evaluation.")


@strawberry.type(description="The objection was filed.")
class FileObjectionSuccess(MutationSuccess):
    evaluation: EvaluationType = strawberry.field(description="The evaluation, now OBJECTED.")


@strawberry.type(description="The objection was decided.")
class ResolveObjectionSuccess(MutationSuccess):
    evaluation: EvaluationType = strawberry.field(description="The evaluation, revised or not.")


@strawberry.type(description="The unit's predicate was set.")
class SetOrganizationPredicateSuccess(MutationSuccess):
    unit: UnitType = strawberry.field(description="The unit of the predicate.")


@strawberry.type(description="The override was recorded.")
class RecordDistributionOverrideSuccess(MutationSuccess):
    unit: UnitType = strawberry.field(description="The unit of the override.")


@strawberry.type(description="The potential was recorded.")
class RecordPotentialSuccess(MutationSuccess):
    employee: EmployeeType = strawberry.field(description="The employee assessed.")


OpenCycleResult = Annotated[
    OpenCycleSuccess | MutationError, strawberry.union("OpenCycleResult", description=RESULT)
]
CloseCycleResult = Annotated[
    CloseCycleSuccess | MutationError, strawberry.union("CloseCycleResult", description=RESULT)
]
AgreePerformancePlanResult = Annotated[
    AgreePerformancePlanSuccess | MutationError,
    strawberry.union("AgreePerformancePlanResult", description=RESULT),
]
SubmitEvaluationResult = Annotated[
    SubmitEvaluationSuccess | MutationError,
    strawberry.union("SubmitEvaluationResult", description=RESULT),
]
FinalizeEvaluationResult = Annotated[
    FinalizeEvaluationSuccess | MutationError,
    strawberry.union("FinalizeEvaluationResult", description=RESULT),
]
CorrectEvaluationResult = Annotated[
    CorrectEvaluationSuccess | MutationError,
    strawberry.union("CorrectEvaluationResult", description=RESULT),
]
FileObjectionResult = Annotated[
    FileObjectionSuccess | MutationError,
    strawberry.union("FileObjectionResult", description=RESULT),
]
ResolveObjectionResult = Annotated[
    ResolveObjectionSuccess | MutationError,
    strawberry.union("ResolveObjectionResult", description=RESULT),
]
SetOrganizationPredicateResult = Annotated[
    SetOrganizationPredicateSuccess | MutationError,
    strawberry.union("SetOrganizationPredicateResult", description=RESULT),
]
RecordDistributionOverrideResult = Annotated[
    RecordDistributionOverrideSuccess | MutationError,
    strawberry.union("RecordDistributionOverrideResult", description=RESULT),
]
RecordPotentialResult = Annotated[
    RecordPotentialSuccess | MutationError,
    strawberry.union("RecordPotentialResult", description=RESULT),
]
