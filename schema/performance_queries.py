"""Performance queries: one evaluation by its id, as its employee's reader may see it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry
from graphql import GraphQLError

from projections import performance_reads as reads
from schema.context import Info
from schema.links import EvaluationType


async def readable_evaluation(info: Info, evaluation_id: str) -> EvaluationType | None:
    """The evaluation if it exists and the caller may read its employee."""
    try:
        stream_id = UUID(evaluation_id.strip())
    except ValueError:
        raise GraphQLError("not a valid id", extensions={"code": "BAD_USER_INPUT"}) from None
    view = await reads.evaluation_by_id(info.context.services.pool, stream_id)
    if view is None:
        return None
    employee = await info.context.loaders["employee"].load(view.employee_id)
    if employee is None or not info.context.may_read_employee(employee):
        return None
    return EvaluationType.of(view)


@strawberry.type
class PerformanceQuery:
    @strawberry.field(description="One evaluation with its history, or null.")
    async def evaluation(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="An evaluation's stream id (UUID).")
        ],
    ) -> EvaluationType | None:
        info.context.reader()
        return await readable_evaluation(info, str(id))
