"""The cross-feature links, in the one module above the features: Employee and Unit, and the
objects that point back at an employee.

Each feature module defines its own types and the fields it adds to an employee or a unit
(`EmployeePerformanceFields`, `UnitOutcomeFields`...); a feature imports another only for a type
that never points back (an award's evidence is audit events, an evaluation shows its dialogues).
The fields that cross from one feature to another live here: Employee's evaluations, JP ledger
and awards, Unit's JP compliance, and the employee of an evaluation, a completion and an award
decision. A type is composed from its parts in the order its fields show in the SDL.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.values import EmploymentType, PositionKind
from projections.awards import AwardView
from projections.directory import EmployeeView, UnitView
from projections.jp_ledger import CompletionView
from projections.performance_reads import EvaluationView
from projections.sql import Reader
from schema.awards import (
    AwardDecisionFields,
    AwardDecisionGrounds,
    EmployeeAwardFields,
    awards_of,
    nominee_of,
)
from schema.context import Context, Info
from schema.descriptions import YEAR
from schema.dialogues import EmployeeDialogueFields
from schema.enums import EmploymentTypeEnum, PositionKindEnum
from schema.node import Node, unit_global_id
from schema.outcomes import UnitOutcomeFields
from schema.performance import (
    EmployeePerformanceFields,
    EvaluationFields,
    EvaluationHistoryFields,
    evaluations_of,
)
from schema.performance_units import UnitPerformanceFields
from schema.training import TrainingCompletionFields, TrainingCompletionRecord
from schema.training_ledger import JpComplianceType, JpLedgerType, ledger_of, unit_compliance
from schema.training_recommendations import EmployeeTrainingFields
from service.auth.policy import VIEW_READERS


@strawberry.type(name="Unit", description="A perangkat daerah (unit) of the city.")
class UnitType(Node, UnitPerformanceFields, UnitOutcomeFields):
    code: str = strawberry.field(description="The unit's short code, upper case, e.g. DINKES.")
    name: str = strawberry.field(description="The unit's official name, e.g. Dinas Kesehatan.")
    sector: str | None = strawberry.field(
        default=None, description="The sector it serves (kesehatan, pendidikan...), if declared."
    )

    @classmethod
    def of(cls, view: UnitView) -> UnitType:
        return cls(code=view.code, name=view.name, sector=view.sector)

    @strawberry.field(
        description="The unit's global id (Node): opaque; `unit(code:)` takes the code."
    )
    def id(self) -> strawberry.ID:
        return unit_global_id(self.code)

    @strawberry.field(description="JP compliance of the unit's employees in a year (staff).")
    async def jp_compliance(
        self, info: Info, year: Annotated[int, strawberry.argument(description=YEAR)]
    ) -> JpComplianceType:
        info.context.reader(*VIEW_READERS)
        return await unit_compliance(info, self.code, year)


@strawberry.type(name="SupervisorRef", description="An employee's direct superior.")
class SupervisorRef:
    nip: str | None = strawberry.field(
        description="The superior's NIP; null without the right to read it (staff, `pii`)."
    )


@strawberry.type(name="EmployeeEvaluations")
class EmployeeEvaluations:
    """Employee's first link: its evaluations."""

    view: strawberry.Private[EmployeeView]

    @strawberry.field(description="Evaluations by year and period.")
    async def evaluations(self, info: Info) -> list[EvaluationType]:
        as_of = getattr(self, "as_of", None)
        found = await evaluations_of(info, self.view.id, self)
        return [EvaluationType.of(v, as_of) for v in found]


@strawberry.type(name="EmployeeAwardCases")
class EmployeeAwardCases:
    """Employee's link to its award cases."""

    view: strawberry.Private[EmployeeView]

    @strawberry.field(
        description="The employee's award cases (nominated, decided, revoked), oldest first."
    )
    async def awards(self, info: Info) -> list[AwardDecisionType]:
        found = await awards_of(info, self.view.id, self)
        return [AwardDecisionType.of(v) for v in found]


@strawberry.type(name="Employee", description="An ASN of the city as the views show them now.")
class EmployeeType(
    Node,
    EmployeeEvaluations,
    EmployeePerformanceFields,
    EmployeeAwardCases,
    EmployeeAwardFields,
    EmployeeDialogueFields,
    EmployeeTrainingFields,
):
    view: strawberry.Private[EmployeeView]
    # Set on `employeeAsOf`: a connection whose temporary tables hold the views replayed as of
    # that moment; every field of this employee reads there instead of the live tables.
    as_of: strawberry.Private[Reader | None] = None

    # Plain fields, filled when the view is mapped (`of`): the privacy decision is taken once
    # per employee, and graphql-core reads them without a resolver (service/http/fast_fields).
    id: strawberry.ID = strawberry.field(
        description="Stream id (a keyed hash of the NIP, not reversible)."
    )
    nip: str | None = strawberry.field(
        description="NIP; personal data, visible to staff and `pii` partners."
    )
    name: str | None = strawberry.field(
        description="Name; personal data, visible to staff and `pii` partners."
    )
    employment_type: EmploymentTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="PNS or PPPK, as registered."
    )
    position_kind: PositionKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="The kind of the current position (UU 20/2023)."
    )
    position_title: str = strawberry.field(
        description="The current position's title as HR recorded it."
    )
    version: int = strawberry.field(
        description="Stream version: pass it as `expectedVersion` to guard a change."
    )

    @classmethod
    def of(cls, view: EmployeeView, context: Context, as_of: Reader | None = None) -> EmployeeType:
        """The employee of this view as the caller (`context`) may see it, every field read as
        of `as_of` (a replay) if given."""
        shown = context.sees_names_of(view)
        return cls(
            view=view,
            as_of=as_of,
            id=strawberry.ID(str(view.id)),
            nip=view.nip if shown else None,
            name=view.name if shown else None,
            employment_type=EmploymentType(view.employment_type),
            position_kind=PositionKind(view.position_kind),
            position_title=view.position_title,
            version=view.version,
        )

    @strawberry.field(description="The unit the employee works in now; null if unknown.")
    async def unit(self, info: Info) -> UnitType | None:
        view = await info.context.loaders_for(self)["unit"].load(self.view.unit_code)
        return UnitType.of(view) if view else None

    @strawberry.field(description="The JP ledger of a year (competency development).")
    async def jp(
        self, info: Info, year: Annotated[int, strawberry.argument(description=YEAR)]
    ) -> JpLedgerType | None:
        return await ledger_of(info, self.view, year, self)

    @strawberry.field(description="The current direct superior (the evaluator); null: none.")
    async def supervisor(self, info: Info) -> SupervisorRef | None:
        if self.view.supervisor_id is None:
            return None
        boss = await info.context.loaders_for(self)["employee"].load(self.view.supervisor_id)
        nip = boss.nip if boss is not None else None
        return SupervisorRef(nip=nip if info.context.sees_names_of(boss) else None)


@strawberry.type(name="EvaluationEmployee")
class EvaluationEmployee:
    """Evaluation's link back to the evaluated employee."""

    view: strawberry.Private[EvaluationView]

    @strawberry.field(description="The evaluated employee; null if the caller may not read them.")
    async def employee(self, info: Info) -> EmployeeType | None:
        view = await info.context.loaders["employee"].load(self.view.employee_id)
        return EmployeeType.of(view, info.context) if view else None


@strawberry.type(name="Evaluation", description="An employee's evaluation for one period.")
class EvaluationType(EvaluationFields, EvaluationEmployee, EvaluationHistoryFields):
    view: strawberry.Private[EvaluationView]
    # Set when reached from an employee of `employeeAsOf`: reads go to that replay.
    as_of: strawberry.Private[Reader | None] = None


@strawberry.type(name="CompletionEmployee")
class CompletionEmployee:
    """TrainingCompletion's link to who completed it."""

    view: strawberry.Private[CompletionView]

    @strawberry.field(description="Who completed it (names and NIPs as your role may read them).")
    async def employee(self, info: Info) -> EmployeeType | None:
        view = await info.context.loaders["employee"].load(self.view.employee_id)
        return EmployeeType.of(view, info.context) if view else None


@strawberry.type(name="TrainingCompletion", description="A recorded completion of a programme.")
class TrainingCompletionType(
    TrainingCompletionFields, CompletionEmployee, TrainingCompletionRecord
):
    view: strawberry.Private[CompletionView]

    @classmethod
    def of(cls, view: CompletionView) -> TrainingCompletionType:
        return cls(
            view=view,
            jp=view.jp,
            completed_on=view.completed_on,
            certificate_number=view.certificate_number,
            score=view.score,
            revoked=view.revoked,
            version=view.version,
        )


@strawberry.type(name="AwardNominee")
class AwardNominee:
    """AwardDecision's link to its nominee."""

    view: strawberry.Private[AwardView]

    @strawberry.field(description="The nominee (names and NIPs only for those who may see them).")
    async def nominee(self, info: Info) -> EmployeeType | None:
        view = await nominee_of(info, self.view.employee_id)
        return EmployeeType.of(view, info.context) if view else None


@strawberry.type(name="AwardDecision", description="An award case: nomination and decision.")
class AwardDecisionType(AwardDecisionFields, AwardNominee, AwardDecisionGrounds):
    view: strawberry.Private[AwardView]
