"""Plain words for expected failures, one exit code per kind, for every `kinerja` command.

Exit codes (README "CLI"): 0 ok; 1 a check or an import found problems; 2 usage, bad settings
or unreadable input; 3 the database or a service cannot be reached. An unexpected error (a bug)
keeps its traceback.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any

import asyncpg
import typer
from typer.core import TyperGroup

from service.auth.tokens import AuthError
from service.db.server import NoDatabase
from service.settings import SettingsError, redact_url

OK = 0
PROBLEMS = 1
USAGE = 2
UNREACHABLE = 3

_UNREACHABLE = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    asyncpg.PostgresConnectionError,
    asyncpg.InvalidAuthorizationSpecificationError,
    asyncpg.InvalidCatalogNameError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)
_UNREADABLE = (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError)


def _leaf(error: BaseException) -> BaseException:
    """The first real failure inside a task group's exception group."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _database() -> str:
    url = os.environ.get("DATABASE_URL")
    return redact_url(url) if url else "the embedded PostgreSQL"


def explain(error: BaseException) -> tuple[int, str] | None:
    """(exit code, one line saying what to do) for an expected failure, else None."""
    error = _leaf(error)
    reason = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, SettingsError):
        return USAGE, f"{reason} (see README, Configuration)"
    if isinstance(error, NoDatabase | AuthError):
        return USAGE, reason
    if isinstance(error, _UNREACHABLE):
        return UNREACHABLE, (
            f"cannot reach the database at {_database()}: {reason};"
            " check that PostgreSQL runs and DATABASE_URL is right"
        )
    if isinstance(error, _UNREADABLE):
        name = getattr(error, "filename", None)
        what = f"{name}: {getattr(error, 'strerror', None) or reason}" if name else reason
        return USAGE, f"cannot read {what}"
    if isinstance(error, json.JSONDecodeError):
        return USAGE, f"unreadable input: {reason}"
    return None


class PlainErrors(TyperGroup):
    """The root command: each expected failure is one line on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # the CLI's own: usage errors (exit 2), typer.Exit(code)
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except Exception as error:
            explained = explain(error)
            if explained is None:
                raise
            code, message = explained
            typer.echo(f"kinerja: {message}", err=True)
            raise typer.Exit(code) from None
