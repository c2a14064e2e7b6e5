"""Command handler for performance dialogues (bimbingan): the supervisor records a session."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from domain.dialogue import DialogueEntry, PerformanceDialogue
from service.auth.tokens import Role
from service.handlers.envelope import CommandContext, NotAllowed, Repository
from service.handlers.performance import PerformanceHandlers
from service.log.records import AppendResult


@dataclass(frozen=True)
class RecordDialogue:
    """Record one dialogue with the employee of this NIP."""

    nip: str
    entry: DialogueEntry


class DialogueHandlers:
    """Handlers of performance dialogues."""

    def __init__(self, repo: Repository, performance: PerformanceHandlers) -> None:
        self.repo = repo
        self.performance = performance

    async def record_dialogue(self, ctx: CommandContext, cmd: RecordDialogue) -> AppendResult:
        """The employee's current supervisor records a session of an opened cycle's period."""
        ctx.require(Role.EVALUATOR)
        if (done := await self.repo.replayed(ctx, "recordPerformanceDialogue")) is not None:
            return done
        employee = await self.performance.employee(cmd.nip)
        employee.require_active()
        if employee.supervisor_id is None or employee.supervisor_nip != ctx.principal.sub:
            raise NotAllowed("a supervisor records dialogues only with their current subordinates")
        await self.performance.cycle(cmd.entry.year)
        dialogue = PerformanceDialogue.record(
            uuid4(), employee.id, employee.supervisor_id, employee.unit_code, cmd.entry, ctx.now
        )
        return await self.repo.save(
            ctx,
            "recordPerformanceDialogue",
            dialogue,
            subject_id=employee.id,
            result={"dialogue_id": str(dialogue.id), "employee_id": str(employee.id)},
        )
