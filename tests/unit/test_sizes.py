"""Size limits of the house: no module over 300 lines and no function over 40 lines in domain,
projections, service and schema (a function runs from its `def` line, decorators excluded, to
its last line; a nested function counts inside its parent too)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "projections", "service", "schema")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40


def _modules(root: Path) -> list[Path]:
    return sorted(p for package in PACKAGES for p in (root / package).rglob("*.py"))


def long_modules(root: Path) -> list[str]:
    """Every module over the limit, with its line count."""
    found = []
    for path in _modules(root):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def long_functions(root: Path) -> list[str]:
    """Every function or method over the limit, with where it starts and its line count."""
    found = []
    for path in _modules(root):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    where = f"{path.relative_to(root)}:{node.lineno}"
                    found.append(f"{where} {node.name}: {lines} lines")
    return found


def test_the_packages_have_modules() -> None:
    assert len(_modules(ROOT)) > 50


def test_no_module_is_over_300_lines() -> None:
    found = long_modules(ROOT)
    assert not found, "modules over 300 lines:\n" + "\n".join(found)


def test_no_function_is_over_40_lines() -> None:
    found = long_functions(ROOT)
    assert not found, "functions over 40 lines:\n" + "\n".join(found)


def test_the_checks_catch_one_line_too_many(tmp_path: Path) -> None:
    (tmp_path / "domain").mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES - 1))
    (tmp_path / "domain" / "fits.py").write_text(f"def fits() -> None:\n{body}\n")
    (tmp_path / "domain" / "long.py").write_text(f"def long() -> None:\n{body}\n    y = 0\n")
    filler = "\n".join(f"z{i} = {i}" for i in range(MAX_MODULE_LINES + 1))
    (tmp_path / "domain" / "big.py").write_text(filler + "\n")
    assert long_functions(tmp_path) == [f"domain/long.py:1 long: {MAX_FUNCTION_LINES + 1} lines"]
    assert long_modules(tmp_path) == [f"domain/big.py: {MAX_MODULE_LINES + 1} lines"]
