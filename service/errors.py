"""Failures the service tells a client as they are, each with the code it answers with."""

from __future__ import annotations


class ClientFacingError(Exception):
    """A failure safe to show the caller: its message and `code` reach them unmasked."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.code = code
