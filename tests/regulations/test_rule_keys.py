"""Every rule the regulations data seeds is read by some code, or marked informational.

A rule that nothing reads misleads whoever configures it: they change the value and the
system goes on as before. The source of ``approvals``, ``workflows`` and ``examples`` (not
migrations, not tests) is parsed, and a key counts as read when

- it is a string literal (``rules.period("numbering.after_signature_period")``), or
- it is built from a prefix and a suffix the code spells out: a title's rules are read as
  ``spec.key("posting_period")`` or ``f"{spec.prefix}.target_share_percent"``, the prefix
  (``"cultural_family"``) being a literal of its own; or
- it is a layout rule, read field by field of ``LayoutSpec`` as ``layout.<field>``.

Docstrings are not code: a key named only in a docstring or a comment is not read.
"""

from __future__ import annotations

import ast
import dataclasses
import itertools
from pathlib import Path

import pytest

from approvals.regulations.models import Rule

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("approvals", "workflows", "examples")


@dataclasses.dataclass
class Spelled:
    """The strings the source spells out: whole literals, and suffixes of built keys."""

    literals: set[str] = dataclasses.field(default_factory=set)
    suffixes: set[str] = dataclasses.field(default_factory=set)


def _docstrings(tree: ast.AST) -> set[int]:
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """``NAME = "text"`` at the top of a module: a suffix may be passed by its name."""
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _read(tree: ast.Module, found: Spelled) -> None:
    docstrings = _docstrings(tree)
    names = _module_strings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.literals.add(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            # spec.key("posting_period"): the title's prefix and this suffix
            if node.func.attr == "key":
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.suffixes.add(arg.value)
                    elif isinstance(arg, ast.Name) and arg.id in names:
                        found.suffixes.add(names[arg.id])
        elif isinstance(node, ast.JoinedStr):
            # f"{spec.prefix}.target_share_percent", f"{period}.due"
            parts = node.values
            for before, part in itertools.pairwise(parts):
                if (
                    isinstance(before, ast.FormattedValue)
                    and isinstance(part, ast.Constant)
                    and isinstance(part.value, str)
                    and part.value.startswith(".")
                ):
                    found.suffixes.add(part.value[1:])


def spelled_in_source() -> Spelled:
    """What the non-test, non-migration source of the packages spells out."""
    found = Spelled()
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            _read(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), found)
    return found


def _layout_keys() -> set[str]:
    from workflows.documents.layout import RULE_PREFIX, LayoutSpec

    return {f"{RULE_PREFIX}{f.name}" for f in dataclasses.fields(LayoutSpec)}


def is_read(key: str, spelled: Spelled, layout: set[str]) -> bool:
    """Whether some code reads the rule ``key``."""
    if key in spelled.literals:
        return True
    prefix, _dot, suffix = key.rpartition(".")
    if prefix and suffix in spelled.suffixes and prefix in spelled.literals:
        return True
    return key in layout


@pytest.fixture(scope="module")
def spelled() -> Spelled:
    return spelled_in_source()


@pytest.mark.django_db
def test_every_seeded_rule_is_read_or_marked_informational(spelled: Spelled) -> None:
    # given: every rule the data migrations seed
    keys = set(Rule.objects.values_list("key", flat=True).distinct())
    assert "cultural_family.review_deadline" in keys
    informational = keys - set(
        Rule.objects.filter(informational=False).values_list("key", flat=True)
    )
    layout = _layout_keys()
    # when
    unread = sorted(k for k in keys if not is_read(k, spelled, layout))
    # then
    unmarked = [k for k in unread if k not in informational]
    assert not unmarked, (
        "rules that no code reads and that are not marked informational (read them, or mark "
        f"them in a data migration with the reason): {unmarked}"
    )


@pytest.mark.django_db
def test_no_rule_marked_informational_is_read(spelled: Spelled) -> None:
    # a rule that code acts on must not tell its reader that changing it changes nothing
    marked = set(Rule.objects.filter(informational=True).values_list("key", flat=True))
    assert marked, "the seeded informational rules are gone"
    read = sorted(k for k in marked if is_read(k, spelled, _layout_keys()))
    assert not read, f"marked informational but read by the code: {read}"


def test_the_check_finds_a_key_nobody_reads(spelled: Spelled) -> None:
    layout = _layout_keys()
    # read: a literal, a title's key built from its prefix, a layout field
    assert is_read("numbering.after_signature_period", spelled, layout)
    assert is_read("cultural_family.posting_period", spelled, layout)
    assert is_read("cultural_village.target_share_percent", spelled, layout)
    assert is_read("annual.due", spelled, layout)
    assert is_read("layout.body_font_pt", spelled, layout)
    # not read: unknown suffix, unknown prefix, a layout key LayoutSpec does not have
    assert not is_read("cultural_family.nobody_reads_this", spelled, layout)
    assert not is_read("no_such_title.posting_period", spelled, layout)
    assert not is_read("layout.gutter_mm", spelled, layout)


def test_a_docstring_is_not_a_read() -> None:
    found = Spelled()
    _read(
        ast.parse('def f():\n    """Reads x.only_in_docs."""\n    return rules.get("x.used")\n'),
        found,
    )
    assert "x.used" in found.literals
    assert "Reads x.only_in_docs." not in found.literals
