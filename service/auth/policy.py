"""Who may read what and do what: the role x data matrix of `docs/security.md`, in one place.

Resolvers, the audit masking and the command handlers ask this module; nothing else decides.
Data comes in two protected kinds, declared per event field in `domain/personal_data.py`:
names and NIPs (`Kind.PERSONAL`) and free text (`Kind.FREE_TEXT`). Whether a caller reads one
depends on their roles and on the person it is about (`Subject`, as the views know them now).

A resolver that shows a declared field asks for it by event type and field name, so the
declaration decides its kind: `info.context.reveal(view.notes, "PerformanceDialogueHeld",
"notes", employee_view)` answers the text or None. A new free-text field is closed to an
INSPECTOR unless `INSPECTED_TEXT` names it. Commands ask `ctx.require(*HR_ACTORS)`,
`ctx.require_unit_scope(unit)` and `ctx.require_city_wide_hr(act)` (service/handlers/envelope.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from uuid import UUID

from domain.personal_data import Kind, fields_of
from service.auth.tokens import Principal, Role

# Role groups, defined once.
HR_ACTORS = (Role.HR, Role.ADMIN)
"""May write HR acts (ADMIN may do all that HR may)."""
STAFF = (Role.HR, Role.ADMIN, Role.AUDITOR, Role.INSPECTOR, Role.EVALUATOR)
"""The city's own staff: read every employee's record and names."""
VIEW_READERS = (*STAFF, Role.PARTNER)
"""Read the views of every employee and unit (names and free text as the matrix says)."""
TRAIL_READERS = (*VIEW_READERS, Role.EMPLOYEE)
"""Read `auditTrail` (an EMPLOYEE only their own)."""
SUBSCRIBERS = (Role.PARTNER, Role.AUDITOR, Role.ADMIN)
"""Open the `events` subscription (a PARTNER with the `events` scope)."""
HISTORY_READERS = (Role.AUDITOR, Role.ADMIN, Role.INSPECTOR, Role.HR)
"""Read employees as of a past moment."""
ANY_ROLE = tuple(Role)
"""Read the public catalogue (units, programmes, rule sets, checkpoints): any role, not none."""
ENROLLERS = (*HR_ACTORS, Role.EMPLOYEE, Role.EVALUATOR)
"""Enrol an employee in training (HR, their supervisor, themself)."""

PII_SCOPE = "pii"
EVENTS_SCOPE = "events"

INSPECTED_TEXT: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "AwardNominated": frozenset({"rationale"}),
        "AwardDecided": frozenset({"justification"}),
        "AwardRevoked": frozenset({"reason"}),
        "UnitYearDistributionOverrideRecorded": frozenset({"override_justification"}),
        "EvaluationFinalised": frozenset({"override_justification"}),
        "EvaluationObjectionUpheld": frozenset({"override_justification"}),
    }
)
"""The free text an INSPECTOR reads: the grounds of award decisions and distribution overrides."""


@dataclass(frozen=True)
class Subject:
    """Whom a value is about: the person (id, NIP, unit, supervisor) or a unit, or nobody."""

    id: UUID | None = None
    nip: str | None = None
    unit_code: str | None = None
    supervisor_id: UUID | None = None


NOBODY = Subject()


@dataclass(frozen=True)
class Access:
    """One caller's rights; `own_id` is the stream id of the caller's own employee record."""

    principal: Principal | None
    own_id: UUID | None = None

    @property
    def roles(self) -> frozenset[Role]:
        return self.principal.roles if self.principal is not None else frozenset()

    def _own(self, subject: Subject) -> bool:
        p = self.principal
        if p is None or not p.sub:
            return False
        return (subject.nip is not None and subject.nip == p.sub) or (
            subject.id is not None and subject.id == self.own_id
        )

    def _in_unit(self, subject: Subject) -> bool:
        """HR without a `unit` claim everywhere; with one only inside it (or about no unit)."""
        limit = self.principal.unit if self.principal is not None else None
        return limit is None or subject.unit_code in (None, limit)

    def _subordinate(self, subject: Subject) -> bool:
        return self.own_id is not None and subject.supervisor_id == self.own_id

    def reads_record(self, subject: Subject) -> bool:
        """Whether the caller sees this employee at all (`employee`, `evaluation`, ledgers)."""
        roles = self.roles
        if roles & {Role.ADMIN, Role.AUDITOR, Role.INSPECTOR, Role.EVALUATOR, Role.PARTNER}:
            return True
        if Role.HR in roles and self._in_unit(subject):
            return True
        return Role.EMPLOYEE in roles and self._own(subject)

    def reads(
        self, kind: Kind, subject: Subject, event_type: str | None = None, field: str | None = None
    ) -> bool:
        """Whether the caller reads a value of this kind about this subject.

        `event_type` and `field` name where the value comes from (its declaration); without a
        field the question is about the event's free text in general (its metadata reason).
        """
        if kind is Kind.PUBLIC:
            return bool(self.roles)
        return any(self._role_reads(r, kind, subject, event_type, field) for r in self.roles)

    @cached_property
    def reads_every_name(self) -> bool:
        """Whether one of the caller's roles reads every person's names and NIPs, whoever the
        person is (`reads(Kind.PERSONAL, ...)` is then true for every subject): decided once
        per caller instead of once per employee shown. HR (its unit) and EMPLOYEE (their own)
        depend on the person; EVALUATOR, INSPECTOR, AUDITOR, ADMIN and a PARTNER with `pii`
        do not."""
        independent = frozenset(self.roles) - {Role.HR, Role.EMPLOYEE}
        return any(self._role_reads(r, Kind.PERSONAL, NOBODY, None, None) for r in independent)

    def _role_reads(
        self, role: Role, kind: Kind, subject: Subject, event_type: str | None, field: str | None
    ) -> bool:
        p = self.principal
        assert p is not None
        if role in (Role.AUDITOR, Role.ADMIN):
            return True
        if role is Role.HR:
            return self._in_unit(subject)
        if role is Role.PARTNER:
            return PII_SCOPE in p.scopes
        if role is Role.EMPLOYEE:
            return self._own(subject)
        if kind is Kind.PERSONAL:
            return role in (Role.EVALUATOR, Role.INSPECTOR)
        if role is Role.EVALUATOR:
            return self._own(subject) or self._subordinate(subject)
        if role is Role.INSPECTOR and event_type is not None:
            allowed = INSPECTED_TEXT.get(event_type, frozenset())
            return bool(allowed) if field is None else field in allowed
        return False

    def reads_field(self, event_type: str, field: str, subject: Subject) -> bool:
        """Whether the caller reads this field of this event type (its kind is declared)."""
        declared = fields_of(event_type)
        kind = declared.kind_of(field) if declared is not None else Kind.FREE_TEXT
        return self.reads(kind or Kind.PUBLIC, subject, event_type, field)

    def reveal(
        self, value: str | None, event_type: str, field: str, subject: Subject
    ) -> str | None:
        """The value if the caller reads it, else None (a view field's answer)."""
        return value if self.reads_field(event_type, field, subject) else None

    def holds(self, *roles: Role) -> bool:
        """Whether the caller holds one of `roles` (any role when none are named: a token
        without roles reads only what an anonymous caller may)."""
        return self.principal is not None and self.principal.has(*(roles or ANY_ROLE))

    def reads_free_text(self, subject: Subject) -> bool:
        """A person's free text read outside the log (dialogue notes and agreed actions,
        evaluation feedback, behaviour notes, evidence): the person, their current supervisor,
        HR (inside its unit when limited to one), ADMIN, AUDITOR and partners granted `pii`;
        not an INSPECTOR, an evaluator of someone else, nor a partner without `pii`."""
        p = self.principal
        if p is None:
            return False
        if p.has(Role.AUDITOR, Role.ADMIN):
            return True
        if p.has(Role.HR) and (p.unit is None or p.unit == subject.unit_code):
            return True
        if p.has(Role.PARTNER) and PII_SCOPE in p.scopes:
            return True
        if p.has(Role.EMPLOYEE) and subject.nip is not None and p.sub == subject.nip:
            return True
        if p.has(Role.EVALUATOR) and subject.supervisor_id is not None and p.sub:
            return self.own_id == subject.supervisor_id
        return False

    def reads_outsider_names(self) -> bool:
        """Names of resource persons: every reader but a partner without the `pii` scope.

        They are named in a public capacity, but the rule "no names without `pii`" has no
        exception, and the audit trail masks them the same way.
        """
        p = self.principal
        if p is None:
            return False
        if p.has(Role.PARTNER) and PII_SCOPE not in p.scopes:
            return p.has(*(r for r in Role if r is not Role.PARTNER))
        return True

    def subscribes(self) -> bool:
        """The `events` subscription: AUDITOR, ADMIN, or a PARTNER with the `events` scope."""
        p = self.principal
        if p is None:
            return False
        return p.has(Role.AUDITOR, Role.ADMIN) or (p.has(Role.PARTNER) and EVENTS_SCOPE in p.scopes)

    def unit_limit(self) -> str | None:
        """The one unit a unit-limited HR token lists (None: no limit, or another role reads)."""
        p = self.principal
        if p is None or p.unit is None or not p.has(Role.HR):
            return None
        return None if p.has(*(r for r in VIEW_READERS if r is not Role.HR)) else p.unit
