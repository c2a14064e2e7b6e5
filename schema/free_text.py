"""Who reads a person's free text (dialogue notes and agreed actions, evaluation feedback,
behaviour notes, evidence), and who reads the names of outsiders (resource persons).

The rules are service/auth/policy.py's (`Access.reads_free_text`, `Access.reads_outsider_names`);
these helpers only ask them about a view.
"""

from __future__ import annotations

from projections.directory import EmployeeView
from schema.context import Info, subject_of


def sees_free_text(info: Info, subject: EmployeeView) -> bool:
    """Whether the caller may read this person's free text."""
    return info.context.access.reads_free_text(subject_of(subject))


def sees_outsider_names(info: Info) -> bool:
    """Whether the caller reads the names of resource persons."""
    return info.context.access.reads_outsider_names()
