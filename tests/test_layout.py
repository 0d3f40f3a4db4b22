"""The code stays readable by a newcomer: no module grows past the size one concept takes.

Import circles and upward imports are checked by import-linter (``lint-imports`` in CI,
contracts in pyproject.toml); this test covers the other half of docs/architecture.md's
layout rule, the size of a file.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("approvals", "workflows", "project", "examples", "bench", "ops", "tests")
#: Past this many lines a file holds more than one concept (issue 17's limit).
MAX_LINES = 700
#: A file may be longer only if its docstring's first lines say why it must be one file.
EXCUSE = "must be one file"


def _too_long(root: Path = ROOT) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            if len(lines) > MAX_LINES and EXCUSE not in "\n".join(lines[:10]):
                found.append(f"{path.relative_to(root)}: {len(lines)} lines")
    return found


def test_no_module_outside_migrations_is_over_the_limit() -> None:
    assert _too_long() == [], (
        f"split these along their concepts (limit {MAX_LINES} lines, or say in the first "
        f"lines why the file {EXCUSE}):"
    )


def test_the_check_sees_a_long_file(tmp_path: Path) -> None:
    """The scan reads real files: a long module is reported, an excused one and migrations not."""
    package = tmp_path / "approvals"
    package.mkdir()
    (package / "big.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    (package / "excused.py").write_text(
        f'"""Parser tables: this {EXCUSE} (generated order matters)."""\n' + "x = 1\n" * MAX_LINES,
        encoding="utf-8",
    )
    (package / "migrations").mkdir()
    (package / "migrations" / "0001_big.py").write_text("x = 1\n" * 2000, encoding="utf-8")
    assert _too_long(tmp_path) == [f"approvals/big.py: {MAX_LINES + 1} lines"]
