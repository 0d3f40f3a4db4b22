"""The Vietnamese catalogues are complete, keep their placeholders, and are used at run time."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("approvals", "workflows", "project")
CATALOGUES = sorted(
    path for package in PACKAGES for path in (ROOT / package).glob("**/locale/*/LC_MESSAGES/*.po")
)

#: A printf-style directive as Python's % operator reads it: %(name)s, %s, %05.2f…; %% excluded.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]+)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]"
)


def _placeholders(text: str) -> tuple[frozenset[str], Counter[str]]:
    """Named placeholders as a set (they may repeat or move); positional ones counted in order."""
    text = text.replace("%%", "")
    named: set[str] = set()
    positional: Counter[str] = Counter()
    for match in PLACEHOLDER.finditer(text):
        if match.group("name") is not None:
            named.add(match.group(0))
        else:
            positional[match.group(0)] += 1
    return frozenset(named), positional


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[key] for key in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _entries(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def test_every_package_has_a_vietnamese_catalogue() -> None:
    for package in PACKAGES:
        assert (ROOT / package / "locale/vi/LC_MESSAGES/django.po").is_file(), package


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_header(path: Path) -> None:
    po = polib.pofile(str(path))
    assert not po.metadata_is_fuzzy, "remove the fuzzy flag from the header"
    assert po.metadata.get("Language") == path.parent.parent.name
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    if po.metadata.get("Language") == "vi":
        assert po.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(path: Path) -> None:
    entries = _entries(path)
    assert entries, "empty catalogue"
    untranslated = [e.msgid for e in entries if not all(_translations(e))]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy (ignored at run time): {fuzzy}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_placeholders_and_quotes_are_kept(path: Path) -> None:
    problems: list[str] = []
    for entry in _entries(path):
        expected = _placeholders(entry.msgid)
        for text in _translations(entry):
            if _placeholders(text) != expected:
                problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
            if text.count("“") != text.count("”"):
                problems.append(f"unbalanced quotes: {text!r}")
            if "“" in entry.msgid and "“" not in text:
                problems.append(f"curly quotes lost: {entry.msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def _concurrent_update() -> str:
    from approvals.exceptions import ConcurrentUpdate

    return str(ConcurrentUpdate().message)


def _not_permitted() -> str:
    from approvals.exceptions import ActionNotPermitted

    return str(ActionNotPermitted())


def _org_unit() -> str:
    from approvals.organisation.models import OrgUnit

    return str(OrgUnit._meta.verbose_name)


def _commune() -> str:
    from approvals.organisation.models import UnitKind

    return str(UnitKind.COMMUNE.label)


def _household() -> str:
    from django.apps import apps

    # Looked up by label: tests may not import the workflows package directly (TID251).
    return str(apps.get_model("nominations", "Household")._meta.verbose_name)


def _language_name() -> str:
    from django.conf import settings

    return str(dict(settings.LANGUAGES)["vi"])


def _void_status() -> str:
    from approvals.registers.models import EntryStatus

    return str(EntryStatus.VOID.label)


def _void_button() -> str:
    from django.utils.translation import pgettext

    # The same English word as the status, told apart by its context.
    return pgettext("button: void the selected numbers", "Void")


def _numbers_voided() -> str:
    from django.utils.translation import ngettext

    return ngettext("%(count)d number voided.", "%(count)d numbers voided.", 2) % {"count": 2}


def _weekday() -> str:
    import datetime

    from django.contrib import admin

    from approvals.calendar.admin import CalendarOverrideAdmin
    from approvals.calendar.models import CalendarOverride

    model_admin = CalendarOverrideAdmin(CalendarOverride, admin.site)
    return model_admin.weekday(CalendarOverride(day=datetime.date(2025, 1, 6)))


def _layout_rule_missing() -> str:
    from tests.documents.samples import layout_rules
    from workflows.documents import LayoutRuleMissing, layout_spec_from_rules

    try:
        layout_spec_from_rules({**layout_rules(), "layout.body_font_pt": "14"})
    except LayoutRuleMissing as exc:
        return str(exc)
    raise AssertionError("the wrong type was accepted")


KNOWN: list[tuple[Callable[[], str], str, str]] = [
    (
        _concurrent_update,
        "Người khác vừa thay đổi đối tượng này. Vui lòng tải lại và thử lại.",
        "Someone else has just changed this object. Reload it and try again.",
    ),
    (
        _not_permitted,
        "Bạn không có quyền thực hiện thao tác này.",
        "You are not permitted to take this action.",
    ),
    (_org_unit, "đơn vị tổ chức", "organisation unit"),
    (_commune, "Xã, phường, thị trấn", "Commune, ward or town"),
    (_household, "hộ gia đình", "household"),
    (_language_name, "Tiếng Việt", "Vietnamese"),
    (_void_status, "Đã hủy", "Void"),
    (_void_button, "Hủy số", "Void"),
    (_numbers_voided, "Đã hủy 2 số văn bản.", "2 numbers voided."),
    (_weekday, "Thứ 2", "Monday"),
    (
        _layout_rule_missing,
        "Quy tắc trình bày “layout.body_font_pt” phải là một số nguyên không âm, không phải '14'.",
        "The layout rule “layout.body_font_pt” must be a whole number, not '14'.",
    ),
]


@pytest.mark.parametrize(
    ("message", "vietnamese", "english"), KNOWN, ids=lambda v: getattr(v, "__name__", None)
)
def test_messages_follow_the_active_language(
    message: Callable[[], str], vietnamese: str, english: str
) -> None:
    with translation.override("vi"):
        assert message() == vietnamese
    with translation.override("en"):
        assert message() == english


def test_formatted_message_in_vietnamese() -> None:
    from django.utils.translation import gettext

    with translation.override("vi"):
        text = gettext("The delegation “%(instrument)s” ended on %(date)s.") % {
            "instrument": "05/GUQ-LĐTBXH",
            "date": "31/12/2025",
        }
    assert text == "Văn bản ủy quyền “05/GUQ-LĐTBXH” đã hết hiệu lực từ ngày 31/12/2025."
