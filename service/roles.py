"""The roles a token may carry: read by the settings (the OIDC role map) and by the policy."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The roles of the API: each is documented in the README's roles table."""

    HR = "HR"
    EVALUATOR = "EVALUATOR"
    EMPLOYEE = "EMPLOYEE"
    PARTNER = "PARTNER"
    AUDITOR = "AUDITOR"
    INSPECTOR = "INSPECTOR"
    ADMIN = "ADMIN"
