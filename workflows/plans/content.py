"""The content of a plan revision: validation, text lines and the diff between revisions."""

from __future__ import annotations

import datetime
import difflib
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


def content_lines(content: dict[str, Any]) -> list[str]:
    """The revision as lines of text, in reading order (for diffs and display)."""
    lines = [content["subject_summary"], *content.get("basis", [])]
    for section in content.get("sections", []):
        lines.append(section["heading"])
        lines.extend(section.get("paragraphs", []))
        for item in section.get("items", []):
            lines.append(item["heading"])
            lines.extend(item.get("paragraphs", []))
    if content.get("closing"):
        lines.append(content["closing"])
    lines.extend(f"- {r}" for r in content.get("recipients", []))
    lines.extend(content.get("attachments", []))
    return lines


def content_diff(
    old: dict[str, Any], new: dict[str, Any], *, old_label: str, new_label: str
) -> list[str]:
    """Unified diff of two revisions' text (empty when nothing changed)."""
    return list(
        difflib.unified_diff(
            content_lines(old),
            content_lines(new),
            fromfile=old_label,
            tofile=new_label,
            lineterm="",
        )
    )
