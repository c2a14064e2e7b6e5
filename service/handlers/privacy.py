"""Erasure of a person's personal data (UU 27/2022) by crypto-shredding."""

from __future__ import annotations

from domain.employee import Employee
from domain.errors import NotFoundError
from domain.values import nip_digits, require_text
from service.auth.tokens import Role
from service.handlers.envelope import CommandContext, Repository
from service.handlers.identity import SubjectIds
from service.log.keyring import KeyRing
from service.log.records import AppendResult


class PrivacyHandlers:
    """Handlers of the personal-data context."""

    def __init__(self, repo: Repository, ids: SubjectIds, keyring: KeyRing) -> None:
        self.repo = repo
        self.ids = ids
        self.keyring = keyring

    async def erase_subject(self, ctx: CommandContext, nip: str, reason: str) -> AppendResult:
        """Record the erasure, which destroys the person's key in the same transaction (ADMIN
        only, with a reason): the database's erasure trigger is the only way to destroy a key."""
        ctx.require(Role.ADMIN)
        if (done := await self.repo.replayed(ctx, "eraseSubject")) is not None:
            return done
        why = require_text("reason", reason, max_length=500)
        value = nip_digits(nip, "nip")
        employee = await self.repo.load(self.ids.employee_id(value), Employee)
        if employee is None:
            raise NotFoundError(f"no employee is registered with NIP {value}")
        employee.erase(ctx.now)
        result = await self.repo.save(
            ctx,
            "eraseSubject",
            employee,
            subject_id=employee.id,
            reason=why,
            result={"employee_id": str(employee.id)},
        )
        # The trigger also deleted their snapshots; this process forgets its cached copy of the key.
        self.keyring.forget(employee.id)
        return result
