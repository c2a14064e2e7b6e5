"""The events table's SQL lives only in the log package (service/log: the store's append and reads,
service.log.reads for the rest): views, handlers, the audit layer, replicas, the schema and the
pipeline ask the log for events and never query the table themselves.

The import contract keeps them from importing the store's SQL; this scan of every string literal
keeps them from writing their own. SQL keywords are upper case in this code base, so prose
("facts from events") passes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "projections", "service", "schema")
EVENT_SQL = re.compile(r"\b(?:FROM|INTO|UPDATE|JOIN)\s+events\b")


def event_sql(root: Path) -> dict[str, list[int]]:
    """Each module with a string literal that speaks the events table's SQL, with its lines.

    Adjacent literals ("... FROM" " events ...") are one literal to the parser, f-strings too."""
    found: dict[str, list[int]] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            lines = sorted(
                node.lineno
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and EVENT_SQL.search(node.value)
            )
            if lines:
                found[path.relative_to(root).as_posix()] = lines
    return found


def test_only_the_log_package_speaks_the_events_tables_sql() -> None:
    found = event_sql(ROOT)
    outside = {name: lines for name, lines in found.items() if not name.startswith("service/log/")}
    assert outside == {}, f"events SQL outside service/log (ask service.log.reads): {outside}"


def test_the_log_package_does_speak_it() -> None:
    found = event_sql(ROOT)
    assert "service/log/store_sql.py" in found
    assert "service/log/reads.py" in found


def test_the_scan_sees_split_literals_and_f_strings_and_passes_prose(tmp_path: Path) -> None:
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "sneaky.py").write_text(
        'Q = "DELETE FROM snapshots"\n'
        'R = (\n    "SELECT 1 FROM"\n    " events WHERE x"\n)\n'
        'S = f"UPDATE events SET x = {Q}"\n'
        'T = """\nINSERT INTO\n  events VALUES (1)\n"""\n'
    )
    (tmp_path / "service" / "prose.py").write_text(
        '"""Facts folded from events."""\n# SELECT 1 FROM events in a comment runs nowhere\n'
    )
    assert event_sql(tmp_path) == {"service/sneaky.py": [3, 6, 7]}
