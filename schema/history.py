"""Views as the log stood at a past moment (transaction time), for auditors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from projections import directory
from projections.directory import EmployeeView
from schema.context import Info
from schema.descriptions import NIP
from schema.links import EmployeeType
from service.auth.policy import HISTORY_READERS
from service.views.as_of import AsOfReader, replay_subject


async def _employee_as_of(
    info: Info, nip: str, at: datetime | None, position: int | None
) -> EmployeeType | None:
    info.context.reader(*HISTORY_READERS)
    services = info.context.services
    subject = services.ids.employee_id(nip.strip())
    projections = services.projector.projections
    memory = await replay_subject(
        services.store, projections, subject, until=at, position=position, cache=services.facts
    )
    row = memory.get(directory.EMPLOYEES.name, (subject,))
    if row is None or not info.context.may_read_employee(EmployeeView.from_row(row)):
        return None
    past = AsOfReader(await services.as_of(), projections, memory, services.settings.as_of_wait)
    return EmployeeType.of(EmployeeView.from_row(row), info.context, past)


@strawberry.type
class HistoryQuery:
    @strawberry.field(description="The employee as the log stood at that moment; null before.")
    async def employee_as_of(
        self,
        info: Info,
        nip: Annotated[str, strawberry.argument(description=NIP)],
        at: Annotated[
            datetime,
            strawberry.argument(description="The moment (ISO 8601 with zone); transaction time."),
        ],
    ) -> EmployeeType | None:
        return await _employee_as_of(info, nip, at, None)

    @strawberry.field(description="The employee as the log stood at that position; null before.")
    async def employee_at_position(
        self,
        info: Info,
        nip: Annotated[str, strawberry.argument(description=NIP)],
        position: Annotated[
            int, strawberry.argument(description="A log position: the views after that event.")
        ],
    ) -> EmployeeType | None:
        return await _employee_as_of(info, nip, None, position)
