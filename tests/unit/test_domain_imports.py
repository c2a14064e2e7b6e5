"""The domain is pure: its modules import the standard library, eventsourcing's domain module and
each other, nothing else (no driver, framework, clock service or I/O library)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
ALLOWED_THIRD_PARTY = {"eventsourcing.domain"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def _allowed(module: str) -> bool:
    top = module.split(".")[0]
    return (
        top in sys.stdlib_module_names
        or top == "domain"
        or module in ALLOWED_THIRD_PARTY
        or top == "__future__"
    )


def test_the_domain_imports_only_the_standard_library_and_eventsourcing_domain() -> None:
    modules = sorted(DOMAIN.glob("*.py"))
    assert modules, "no domain modules found"
    offending = {
        f"{path.name}: {module}"
        for path in modules
        for module in _imports(path)
        if not _allowed(module)
    }
    assert not offending, f"the domain must stay pure: {sorted(offending)}"
