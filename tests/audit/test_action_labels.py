"""Every audit action code has a Vietnamese and an English label (issue 25, item 4).

The codes are collected from the source: ``action="…"`` literals and constants passed as
``action=``/``action_code=`` to ``audit_record``/``transition_perform``/``signature_record``
(and the refusal recorders), the calendar's ``deadline_<verb>`` codes, the admin's
``add_``/``change_`` codes of the recorded facts, and every engine Action seeded by the
migrations. A code named nowhere fails the test with its name.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from approvals.audit.labels import (
    _ACTION_LABELS,
    action_names,
    event_labels,
    registered_action_codes,
)
from approvals.organisation.models import Action

ROOT = Path(__file__).resolve().parents[2]
CODE = r"[a-z][a-z_]*\.[a-z][a-z_]*"
LITERAL = re.compile(rf"\baction(?:_code)?=\"({CODE})\"")
PASSED = re.compile(r"\baction(?:_code)?=([A-Z][A-Z_]*)\b(?:.* else ([A-Z][A-Z_]*))?")
ASSIGNED = re.compile(r"^\s+action = ([A-Z][A-Z_]*)$", re.MULTILINE)
CONSTANT = re.compile(rf"^([A-Z][A-Z_]*) = \"({CODE})\"", re.MULTILINE)
REFUSAL = re.compile(r"refusal_recorded\((?:\w+\.)?([A-Z][A-Z_]*)\)")
CALENDAR_VERB = re.compile(r"_audit\(\w+, \w+, \"(\w+)\"")

pytestmark = pytest.mark.django_db


def _sources() -> list[Path]:
    found = []
    for package in ("approvals", "workflows"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts and "tests" not in path.parts:
                found.append(path)
    return found


def codes_in_source() -> set[str]:
    constants: dict[str, set[str]] = {}
    passed: set[str] = set()
    codes: set[str] = set()
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        codes.update(LITERAL.findall(text))
        for name, value in CONSTANT.findall(text):
            constants.setdefault(name, set()).add(value)
        passed.update(name for pair in PASSED.findall(text) for name in pair if name)
        passed.update(ASSIGNED.findall(text))
        passed.update(REFUSAL.findall(text))
        codes.update(f"approvals_calendar.deadline_{v}" for v in CALENDAR_VERB.findall(text))
    for name in passed:
        codes.update(constants.get(name, ()))
    admin = (ROOT / "workflows/nominations/admin.py").read_text(encoding="utf-8")
    for model in re.findall(r"@admin\.register\((\w+)\)\nclass \w+\(RecordedFactAdmin\)", admin):
        codes.update(f"nominations.{verb}_{model.lower()}" for verb in ("add", "change"))
    return codes


def test_the_source_walk_finds_the_codes_the_issue_names() -> None:
    codes = codes_in_source()
    assert {
        "plans.draft_plan",
        "plans.edit_plan",
        "plans.sign_plan",
        "plans.sign_plan_refused",
        "nominations.appraise_dossier",
        "twofactor.enrol",
        "approvals_calendar.deadline_pause",
        "nominations.add_discipline",
        "approvals_notifications.reminder_sent",
        "emulation.score_self",
    } <= codes
    assert len(codes) > 60


def test_every_action_code_has_a_vietnamese_and_an_english_label() -> None:
    codes = codes_in_source() | set(Action.objects.values_list("code", flat=True))
    engine = {a.code: a for a in Action.objects.all()}
    missing = []
    for code in sorted(codes):
        if code in registered_action_codes():
            label = _ACTION_LABELS[code]
            with translation.override("en"):
                english = str(label)
            with translation.override("vi"):
                vietnamese = str(label)
            if not english or vietnamese == english:
                missing.append(f"{code}: no Vietnamese translation of “{english}”")
        elif code in engine:
            if not engine[code].name or not engine[code].name_en:
                missing.append(f"{code}: the engine action lacks a name or name_en")
        else:
            missing.append(f"{code}: no label")
    assert not missing, "\n".join(missing)


def test_a_code_is_never_shown_even_unlabelled() -> None:
    event = SimpleNamespace(
        subject_type="x.y", action="nowhere.unknown_code", from_state="", to_state=""
    )
    with translation.override("vi"):
        assert event_labels([event]) == ["Thao tác khác"]
    with translation.override("en"):
        assert action_names({"plans.edit_plan"}) == {
            "plans.edit_plan": "Edited the draft (new revision)"
        }


def test_submitting_and_returning_are_named_by_their_step() -> None:
    def event(action: str, source: str, target: str) -> SimpleNamespace:
        return SimpleNamespace(
            subject_type="plans.plan", action=action, from_state=source, to_state=target
        )

    with translation.override("vi"):
        labels = event_labels(
            [
                event("plans.draft_plan", "", "draft"),
                event("plans.draft_plan", "draft", "draft"),  # an attachment: no step
                event("plans.draft_plan", "draft", "division_review"),
                event("plans.review_plan", "division_review", "draft"),
                event("plans.review_plan", "division_review", "format_check"),
                event("plans.draft_plan", "division_review", "withdrawn"),
            ]
        )
    drafting = Action.objects.get(code="plans.draft_plan").name
    review = Action.objects.get(code="plans.review_plan").name
    assert labels == [
        "Tạo dự thảo",
        drafting,
        "Trình kế hoạch",
        "Trả lại người soạn thảo",
        review,
        "Rút kế hoạch",
    ]
