"""Refusals to start: each one line that tells the operator what to do."""

from __future__ import annotations


class StartupRefused(RuntimeError):
    """The service cannot start safely against this database or configuration."""
