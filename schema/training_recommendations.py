"""`Employee { recommendedTrainings }`: programmes for the employee's open development needs."""

from __future__ import annotations

import strawberry

from projections import catalogue
from projections.directory import EmployeeView
from projections.recommendations import recommended_trainings
from schema.context import Info
from schema.training import TrainingProgramType


@strawberry.type(name="TrainingRecommendation", description="A programme to take, and why.")
class TrainingRecommendationType:
    program: TrainingProgramType = strawberry.field(description="The programme recommended.")
    need: str = strawberry.field(description="The open development need it develops.")
    reason: str = strawberry.field(description="Why it is recommended, in a sentence.")


@strawberry.type(name="EmployeeTraining", description="The training fields of an employee.")
class EmployeeTrainingFields:
    """The training fields of Employee (composed into it in schema/links.py)."""

    view: strawberry.Private[EmployeeView]

    @strawberry.field(
        description="Active programmes for the open development needs, the unit's sector first;"
        " without completed ones, advanced ones only with a granted opportunity. Advice for"
        " now: read from the live views, also on employeeAsOf."
    )
    async def recommended_trainings(self, info: Info) -> list[TrainingRecommendationType]:
        db = info.context.services.pool
        found = await recommended_trainings(db, self.view, info.context.now.date())
        programs = await catalogue.programs_by_ids(db, [r.program_id for r in found])
        return [
            TrainingRecommendationType(
                program=TrainingProgramType.of(programs[r.program_id]),
                need=r.need,
                reason=r.reason,
            )
            for r in found
            if r.program_id in programs
        ]
