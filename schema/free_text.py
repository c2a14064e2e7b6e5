"""Who reads a person's free text (dialogue notes and agreed actions, evaluation feedback,
behaviour notes, evidence), and who reads the names of outsiders (resource persons).

Free text is personal data (UU 27/2022): the person themself, their current supervisor, HR
(inside its unit when the token is limited to one), ADMIN, AUDITOR and partners granted `pii`.
Not an INSPECTOR, not an evaluator of someone else, not a partner without `pii`.
"""

from __future__ import annotations

from projections.directory import EmployeeView
from schema.context import Info
from service.auth.tokens import Role


def sees_free_text(info: Info, subject: EmployeeView) -> bool:
    """Whether the caller may read this person's free text."""
    p = info.context.principal
    if p is None:
        return False
    if p.has(Role.AUDITOR, Role.ADMIN):
        return True
    if p.has(Role.HR) and (p.unit is None or p.unit == subject.unit_code):
        return True
    if p.has(Role.PARTNER) and "pii" in p.scopes:
        return True
    if p.has(Role.EMPLOYEE) and subject.nip is not None and p.sub == subject.nip:
        return True
    if p.has(Role.EVALUATOR) and subject.supervisor_id is not None and p.sub:
        return info.context.services.ids.employee_id(p.sub) == subject.supervisor_id
    return False


def sees_outsider_names(info: Info) -> bool:
    """Names of resource persons: every reader but a partner without the `pii` scope.

    They are named in a public capacity, but the rule "no names without `pii`" has no
    exception, and the audit trail masks them the same way.
    """
    p = info.context.principal
    if p is None:
        return False
    if p.has(Role.PARTNER) and "pii" not in p.scopes:
        return p.has(*(r for r in Role if r is not Role.PARTNER))
    return True
