"""A readable comparison of two plan revisions: the changed parts, section by section, with the
removed words marked <del> and the added words <ins> (the text escaped; words compared with
difflib)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class ChangedPart:
    """One part of the plan (the summary, the basis, a section…) that differs between revisions."""

    title: str
    html: SafeString


def words_html(old: str, new: str) -> SafeString:
    """``new`` with the words removed from ``old`` in <del> and the words added in <ins>."""
    before = _TOKEN.findall(old)
    after = _TOKEN.findall(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(escape("".join(after[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(before[i1:i2]))}</del>")
        if tag in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(after[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def _section_text(section: dict[str, Any]) -> str:
    lines = [section["heading"], *section.get("paragraphs", [])]
    for item in section.get("items", []):
        lines.append(item["heading"])
        lines.extend(item.get("paragraphs", []))
    return "\n".join(lines)


def _parts(content: dict[str, Any]) -> list[tuple[str, str]]:
    """The revision as (title, text) parts in reading order; sections are titled by heading."""
    parts = [
        (_("Subject summary"), content.get("subject_summary", "")),
        (_("Basis"), "\n".join(content.get("basis", []))),
    ]
    parts.extend(
        (str(section["heading"]), _section_text(section)) for section in content.get("sections", [])
    )
    parts.append((_("Closing"), content.get("closing", "") or ""))
    parts.append((_("Recipients"), "\n".join(content.get("recipients", []))))
    parts.append((_("Attachments"), "\n".join(content.get("attachments", []))))
    return parts


def revision_changes(old: dict[str, Any], new: dict[str, Any]) -> list[ChangedPart]:
    """The parts of ``new`` that differ from ``old`` (empty when nothing changed).

    Sections are paired by their place in the plan, so a renamed section reads as a change of
    its heading; a section only in one revision is shown wholly added or removed.
    """
    old_parts = _parts(old)
    new_parts = _parts(new)
    old_sections = len(old.get("sections", []))
    new_sections = len(new.get("sections", []))
    # align: summary, basis, sections padded to the longer list, then the closing parts
    width = max(old_sections, new_sections)

    def padded(parts: list[tuple[str, str]], count: int) -> list[tuple[str, str] | None]:
        head: list[tuple[str, str] | None] = list(parts[:2])
        body: list[tuple[str, str] | None] = list(parts[2 : 2 + count])
        body.extend([None] * (width - count))
        return [*head, *body, *parts[2 + count :]]

    changed: list[ChangedPart] = []
    for before, after in zip(
        padded(old_parts, old_sections), padded(new_parts, new_sections), strict=True
    ):
        old_text = before[1] if before else ""
        new_text = after[1] if after else ""
        if old_text == new_text:
            continue
        title = after[0] if after else (before[0] if before else "")
        changed.append(ChangedPart(title=title, html=words_html(old_text, new_text)))
    return changed
