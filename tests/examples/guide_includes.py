"""The guide's code blocks are copies of the example's code, checked (and rewritten) from here.

A block in ``docs/guide-new-process.md`` is preceded by a marker naming its source:

- ``<!-- include: examples/movement_report/services.py::report_submit -->``: one top-level
  function, class or assignment (with its decorators or comment lines just above it);
- ``<!-- include: examples/movement_report/services.py:10-24 -->``: lines 10 to 24;
- ``<!-- include: examples/movement_report/urls.py -->``: the whole file.

``python tests/examples/guide_includes.py`` rewrites every block from its source; the test
``test_guide_code_blocks_are_the_example_code`` fails when one differs.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide-new-process.md"

MARKER = re.compile(
    r"<!-- include: (?P<path>[^ :]+)(?:::(?P<name>\w+)|:(?P<start>\d+)-(?P<end>\d+))? -->\n"
    r"```(?P<lang>\w*)\n(?P<body>.*?)```",
    re.DOTALL,
)


@dataclass(frozen=True)
class Include:
    """One marked block of the guide."""

    path: str
    name: str | None
    lines: tuple[int, int] | None
    body: str


def _named(source: str, name: str, path: str) -> str:
    lines = source.splitlines(keepends=True)
    for node in ast.parse(source).body:
        names: list[str] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        if name not in names:
            continue
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        while first > 1 and lines[first - 2].lstrip().startswith("#"):
            first -= 1  # the comment lines that introduce it
        return "".join(lines[first - 1 : node.end_lineno])
    msg = f"{path} has no top-level {name!r}"
    raise LookupError(msg)


def source_of(include: Include) -> str:
    """What the block must contain, read from the example."""
    source = (ROOT / include.path).read_text(encoding="utf-8")
    if include.name is not None:
        text = _named(source, include.name, include.path)
    elif include.lines is not None:
        start, end = include.lines
        text = "".join(source.splitlines(keepends=True)[start - 1 : end])
    else:
        text = source
    return text if text.endswith("\n") else text + "\n"


def includes(text: str) -> list[Include]:
    """The marked blocks of the guide's text, in order."""
    found = []
    for match in MARKER.finditer(text):
        start, end = match.group("start"), match.group("end")
        found.append(
            Include(
                path=match.group("path"),
                name=match.group("name"),
                lines=(int(start), int(end)) if start and end else None,
                body=match.group("body"),
            )
        )
    return found


def rewrite(text: str) -> str:
    """The guide's text with every marked block copied again from its source."""

    def fresh(match: re.Match[str]) -> str:
        (include,) = includes(match.group(0))
        head = match.group(0).split("```", 1)[0]
        return f"{head}```{match.group('lang')}\n{source_of(include)}```"

    return MARKER.sub(fresh, text)


if __name__ == "__main__":
    GUIDE.write_text(rewrite(GUIDE.read_text(encoding="utf-8")), encoding="utf-8")
    sys.stdout.write(f"{GUIDE.relative_to(ROOT)}: {len(includes(GUIDE.read_text()))} blocks\n")
