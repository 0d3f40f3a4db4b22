"""The content of a plan revision: validation, text lines and the drafting form's text."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.translation import gettext as _

from approvals.exceptions import ValidationFailed

REPORT_PERIODS = ("semiannual", "annual")


def _texts(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed(_("“%(field)s” must be a list of texts.") % {"field": field})
    return value


def validate_content(content: Any) -> dict[str, Any]:
    """Check a revision's content and return it normalised; raise ValidationFailed."""
    if not isinstance(content, dict):
        raise ValidationFailed(_("The plan content must be an object."))
    summary = content.get("subject_summary")
    if not isinstance(summary, str) or not summary.strip():
        raise ValidationFailed(_("The subject summary (trích yếu) is required."))
    _texts(content.get("basis", []), "basis")
    sections = content.get("sections", [])
    if not isinstance(sections, list) or not sections:
        raise ValidationFailed(_("A plan needs at least one section."))
    for section in sections:
        if not isinstance(section, dict) or not str(section.get("heading", "")).strip():
            raise ValidationFailed(_("Every section needs a heading."))
        _texts(section.get("paragraphs", []), "paragraphs")
        for item in section.get("items", []):
            if not isinstance(item, dict) or not str(item.get("heading", "")).strip():
                raise ValidationFailed(_("Every item of a section needs a heading."))
            _texts(item.get("paragraphs", []), "paragraphs")
    for task in content.get("tasks", []):
        if not isinstance(task, dict) or not isinstance(task.get("unit_id"), int):
            raise ValidationFailed(_("Every task must name the unit it is assigned to."))
        if task.get("due_on"):
            try:
                datetime.date.fromisoformat(task["due_on"])
            except (TypeError, ValueError):
                raise ValidationFailed(
                    _("The due date “%(value)s” of a task is not a date (YYYY-MM-DD).")
                    % {"value": task["due_on"]}
                ) from None
    for report in content.get("reporting", []):
        if not isinstance(report, dict) or report.get("period") not in REPORT_PERIODS:
            raise ValidationFailed(_("A reporting line needs a period: semiannual or annual."))
        try:
            datetime.date.fromisoformat(f"2024-{report.get('due')}")
        except (TypeError, ValueError):
            raise ValidationFailed(
                _("The report deadline “%(value)s” must be a day of the year as MM-DD.")
                % {"value": report.get("due")}
            ) from None
    recipients = _texts(content.get("recipients", []), "recipients")
    if not recipients:
        raise ValidationFailed(_("The plan needs its recipients (Nơi nhận)."))
    _texts(content.get("attachments", []), "attachments")
    return content


# --- the drafting form's text ------------------------------------------------------------------

_SECTION = re.compile(r"^(?P<num>[IVXLC]+)\.\s+\S")
_ITEM = re.compile(r"^(?P<num>\d+(?:\.\d+)*)\.\s+\S")
#: How a sentence ends: a numbered line ending so is a numbered paragraph, not an item heading.
_SENTENCE_END = (".", ";", ",", "!", "?", "…")


def is_item_heading(line: str) -> bool:
    """Whether ``line`` opens an item: numbered ("1. Văn phòng Sở") and not a sentence.

    "1. Đẩy mạnh phát triển phong trào trong toàn ngành." is a numbered paragraph: it ends
    as a sentence does, and is printed as body text, not as a bold heading.
    """
    text = line.strip()
    return bool(_ITEM.match(text)) and not text.endswith(_SENTENCE_END)


def body_parse(text: str) -> list[dict[str, Any]]:
    """The body as the drafter types it, turned into sections, items and paragraphs.

    A line "I. MỤC ĐÍCH, YÊU CẦU" opens a section, "1. Mục đích" an item in it; any other
    line is a paragraph of the current item, or of the section before its first item. A
    numbered line ending as a sentence ("1. Đẩy mạnh … toàn ngành.") is a paragraph.
    """
    sections: list[dict[str, Any]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if _SECTION.match(line):
            sections.append({"heading": line, "paragraphs": [], "items": []})
        elif not sections:
            raise ValidationFailed(
                _(
                    "Line %(line)s: the body must start with a section heading such as "
                    "“I. MỤC ĐÍCH, YÊU CẦU”."
                )
                % {"line": number},
                field="body",
            )
        elif is_item_heading(line):
            sections[-1]["items"].append({"heading": line, "paragraphs": []})
        elif sections[-1]["items"]:
            sections[-1]["items"][-1]["paragraphs"].append(line)
        else:
            sections[-1]["paragraphs"].append(line)
    if not sections:
        raise ValidationFailed(_("A plan needs at least one section."), field="body")
    return sections


def body_text(sections: list[dict[str, Any]]) -> str:
    """The sections written back as the drafting form's text (the inverse of body_parse)."""
    lines: list[str] = []
    for section in sections:
        lines.append(section["heading"])
        lines.extend(section.get("paragraphs", []))
        for item in section.get("items", []):
            lines.append(item["heading"])
            lines.extend(item.get("paragraphs", []))
    return "\n".join(lines)
