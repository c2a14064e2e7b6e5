"""Erasure of a person's personal data (UU 27/2022) by crypto-shredding."""

from __future__ import annotations

from domain.employee import Employee
from domain.errors import NotFoundError
from domain.values import nip_digits, require_text
from service.auth import Role
from service.commands import CommandContext, Repository
from service.identity import SubjectIds
from service.keyring import KeyRing
from service.records import AppendResult


class PrivacyHandlers:
    """Handlers of the personal-data context."""

    def __init__(self, repo: Repository, ids: SubjectIds, keyring: KeyRing) -> None:
        self.repo = repo
        self.ids = ids
        self.keyring = keyring

    async def erase_subject(self, ctx: CommandContext, nip: str, reason: str) -> AppendResult:
        """Record the erasure, then destroy the person's key (ADMIN only, with a reason)."""
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
        # After the event is durable: a crash in between leaves the key, and a retry destroys it.
        await self.keyring.destroy(employee.id)
        if self.repo.snapshots is not None:
            await self.repo.snapshots.forget_subject(employee.id)
        return result
