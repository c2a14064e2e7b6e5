"""What the performance mutations return: cycles, plans, and each mutation's result union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import MutationError
from schema.mutations import MutationSuccess
from schema.organisation import EmployeeType, UnitType
from schema.performance import EvaluationType


@strawberry.type(name="PerformanceCycle", description="A year of performance management.")
class CycleType:
    year: int
    status: str = strawberry.field(description="OPEN or CLOSED.")


@strawberry.type(description="A work target of a performance plan.")
class PlanTargetType:
    title: str
    indicator: str
    target: str
    main: bool


@strawberry.type(name="PerformancePlan", description="An agreed SKP of one employee and year.")
class PlanType:
    id: strawberry.ID
    year: int
    targets: list[PlanTargetType]
    version: int


@strawberry.type
class OpenCycleSuccess(MutationSuccess):
    cycle: CycleType
    position: int


@strawberry.type
class CloseCycleSuccess(MutationSuccess):
    cycle: CycleType
    position: int


@strawberry.type
class AgreePerformancePlanSuccess(MutationSuccess):
    plan: PlanType
    position: int


@strawberry.type
class SubmitEvaluationSuccess(MutationSuccess):
    evaluation: EvaluationType
    position: int


@strawberry.type
class FinalizeEvaluationSuccess(MutationSuccess):
    evaluation: EvaluationType
    position: int


@strawberry.type
class CorrectEvaluationSuccess(MutationSuccess):
    evaluation: EvaluationType
    position: int


@strawberry.type
class FileObjectionSuccess(MutationSuccess):
    evaluation: EvaluationType
    position: int


@strawberry.type
class ResolveObjectionSuccess(MutationSuccess):
    evaluation: EvaluationType
    position: int


@strawberry.type
class SetOrganizationPredicateSuccess(MutationSuccess):
    unit: UnitType
    position: int


@strawberry.type
class RecordDistributionOverrideSuccess(MutationSuccess):
    unit: UnitType
    position: int


@strawberry.type
class RecordPotentialSuccess(MutationSuccess):
    employee: EmployeeType
    position: int


OpenCycleResult = Annotated[OpenCycleSuccess | MutationError, strawberry.union("OpenCycleResult")]
CloseCycleResult = Annotated[
    CloseCycleSuccess | MutationError, strawberry.union("CloseCycleResult")
]
AgreePerformancePlanResult = Annotated[
    AgreePerformancePlanSuccess | MutationError, strawberry.union("AgreePerformancePlanResult")
]
SubmitEvaluationResult = Annotated[
    SubmitEvaluationSuccess | MutationError, strawberry.union("SubmitEvaluationResult")
]
FinalizeEvaluationResult = Annotated[
    FinalizeEvaluationSuccess | MutationError, strawberry.union("FinalizeEvaluationResult")
]
CorrectEvaluationResult = Annotated[
    CorrectEvaluationSuccess | MutationError, strawberry.union("CorrectEvaluationResult")
]
FileObjectionResult = Annotated[
    FileObjectionSuccess | MutationError, strawberry.union("FileObjectionResult")
]
ResolveObjectionResult = Annotated[
    ResolveObjectionSuccess | MutationError, strawberry.union("ResolveObjectionResult")
]
SetOrganizationPredicateResult = Annotated[
    SetOrganizationPredicateSuccess | MutationError,
    strawberry.union("SetOrganizationPredicateResult"),
]
RecordDistributionOverrideResult = Annotated[
    RecordDistributionOverrideSuccess | MutationError,
    strawberry.union("RecordDistributionOverrideResult"),
]
RecordPotentialResult = Annotated[
    RecordPotentialSuccess | MutationError, strawberry.union("RecordPotentialResult")
]
