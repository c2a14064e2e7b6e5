"""The domain's exceptions: each names what was wrong in words a client can show."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal the domain makes."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidValue(DomainError):
    """An input value breaks a rule of its own (format, range, required)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RuleBroken(DomainError):
    """A command is well-formed but the rules of the programme refuse it."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


class NotFoundError(DomainError):
    """The thing a command refers to does not exist."""


class AlreadyExists(DomainError):
    """The thing a command would create exists already."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
