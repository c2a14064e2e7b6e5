"""Erasure of a person's personal data (UU 27/2022) by crypto-shredding."""

from __future__ import annotations

from uuid import UUID

from domain.values import require_text
from service.auth.tokens import Role
from service.handlers.answers import EmployeeAnswer
from service.handlers.envelope import Change, CommandContext, Done, Repository
from service.handlers.identity import SubjectIds
from service.handlers.lookups import employee_by_nip
from service.log.keyring import KeyRing


class PrivacyHandlers:
    """Handlers of the personal-data context."""

    def __init__(self, repo: Repository, ids: SubjectIds, keyring: KeyRing) -> None:
        self.repo = repo
        self.ids = ids
        self.keyring = keyring

    async def erase_subject(
        self, ctx: CommandContext, nip: str, reason: str
    ) -> Done[EmployeeAnswer]:
        """Record the erasure, which destroys the person's key in the same transaction (ADMIN
        only, with a reason): the database's erasure trigger is the only way to destroy a key."""
        ctx.require(Role.ADMIN)

        async def decide() -> Change[EmployeeAnswer]:
            why = require_text("reason", reason, max_length=500)
            employee = await employee_by_nip(self.repo, self.ids, nip)
            employee.erase(ctx.now)
            return Change(EmployeeAnswer(str(employee.id)), [employee], employee.id, why)

        done = await self.repo.run(ctx, "eraseSubject", EmployeeAnswer, decide)
        # The trigger also deleted their snapshots; this process forgets its cached copy of the key.
        self.keyring.forget(UUID(done.answer.employee_id))
        return done
