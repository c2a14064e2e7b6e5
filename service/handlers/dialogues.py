"""Command handler for performance dialogues (bimbingan): the supervisor records a session."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from domain.dialogue import DialogueEntry, PerformanceDialogue
from service.auth.tokens import Role
from service.handlers.answers import DialogueAnswer
from service.handlers.envelope import Change, CommandContext, Done, NotAllowed, Repository
from service.handlers.performance import PerformanceHandlers


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

    async def record_dialogue(
        self, ctx: CommandContext, cmd: RecordDialogue
    ) -> Done[DialogueAnswer]:
        """The employee's current supervisor records a session of an opened cycle's period."""
        ctx.require(Role.EVALUATOR)

        async def decide() -> Change[DialogueAnswer]:
            employee = await self.performance.employee(cmd.nip)
            employee.require_active()
            if employee.supervisor_id is None or employee.supervisor_nip != ctx.principal.sub:
                raise NotAllowed(
                    "a supervisor records dialogues only with their current subordinates"
                )
            await self.performance.cycle(cmd.entry.year)
            dialogue = PerformanceDialogue.record(
                uuid4(), employee.id, employee.supervisor_id, employee.unit_code, cmd.entry, ctx.now
            )
            answer = DialogueAnswer(str(dialogue.id), str(employee.id))
            return Change(answer, [dialogue], subject_id=employee.id)

        return await self.repo.run(ctx, "recordPerformanceDialogue", DialogueAnswer, decide)
