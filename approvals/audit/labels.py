"""Words for the audit trail: every action code and every change of state named for people.

An event's ``action`` is the engine action whose right the act used (submitting a plan uses
the drafter's right, so its code is the drafting action), so the code alone does not say
what happened. The history names an event by, in order:

1. a *step label* registered for its subject type, action and change of state
   (:func:`register_step_labels`: "Submitted", "Returned to the drafter", ...);
2. a label registered for its code (:func:`register_action_labels`: codes written by
   services that are no engine action, such as ``plans.edit_plan`` or ``twofactor.enrol``);
3. the engine :class:`~approvals.organisation.models.Action`'s name (``name_en`` in English).

A code named nowhere shows as "Other action", never as the code; tests walk every code.
Workflows register their labels in their ``AppConfig.ready`` (``approvals`` never imports
``workflows``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

ANY = "*"

_ACTION_LABELS: dict[str, Promise | str] = {}


@dataclass(frozen=True)
class StepLabel:
    """The label of an event of ``subject_type`` with ``action`` moving ``source`` to ``target``.

    ``ANY`` matches any state; a step label only matches an event whose state changed (or
    one that starts the subject: no ``from_state``), so an act without a change keeps its
    action's name.
    """

    subject_type: str
    action: str
    source: str
    target: str
    label: Promise | str

    def matches(self, event: Any) -> bool:
        if event.subject_type != self.subject_type or self.action not in (ANY, event.action):
            return False
        if not event.to_state or event.from_state == event.to_state:
            return False
        return self.source in (ANY, event.from_state) and self.target in (ANY, event.to_state)


_STEP_LABELS: list[StepLabel] = []


def register_action_labels(labels: Mapping[str, Promise | str]) -> None:
    """Name action codes that services write but that are no engine action."""
    _ACTION_LABELS.update(labels)


def register_step_labels(labels: Iterable[StepLabel]) -> None:
    """Name changes of state; the first registered match wins, so register specific first."""
    _STEP_LABELS.extend(labels)


def registered_action_codes() -> set[str]:
    """The codes named by :func:`register_action_labels`."""
    return set(_ACTION_LABELS)


# Codes written by the engine's own services (no engine Action row names them).
register_action_labels(
    {
        "approvals_org.unit_reorganise": gettext_lazy("Reorganised the unit"),
        "approvals_org.delegation_create": gettext_lazy("Delegated authority"),
        "approvals_org.delegation_revoke": gettext_lazy("Revoked a delegation"),
        "approvals_rules.version_create": gettext_lazy("Adopted a new version of the rules"),
        "approvals_calendar.deadline_start": gettext_lazy("Started the time limit"),
        "approvals_calendar.deadline_pause": gettext_lazy("Paused the time limit"),
        "approvals_calendar.deadline_resume": gettext_lazy("Resumed the time limit"),
        "approvals_calendar.deadline_complete": gettext_lazy("Completed the time limit"),
        "approvals_signing.register_credential": gettext_lazy("Registered a signing credential"),
        "approvals_signing.withdraw_credential": gettext_lazy("Withdrew a signing credential"),
        "approvals_handover.hand_over": gettext_lazy("Handed over the cases"),
        "approvals_handover.hand_over_case": gettext_lazy("Handed over the case"),
        "approvals_handover.close_register": gettext_lazy("Closed the register at hand-over"),
        "checkpoints.write": gettext_lazy("Wrote an audit checkpoint"),
        "approvals_registers.issue_number": gettext_lazy("Issued a number"),
        "approvals_registers.void_number": gettext_lazy("Voided a number"),
        "approvals_registers.close_register": gettext_lazy("Closed the register"),
        "approvals_registers.configure_register": gettext_lazy("Configured the register"),
        "approvals_registers.roll_over": gettext_lazy(
            "Rolled the registers over into the new year"
        ),
        "approvals_notifications.reminder_sent": gettext_lazy("Sent a reminder"),
        "approvals_notifications.escalation_sent": gettext_lazy("Escalated an overdue step"),
        "approvals_notifications.mark_read": gettext_lazy("Read a notification"),
        "approvals_notifications.set_preferences": gettext_lazy(
            "Chose how to receive notifications"
        ),
        "approvals_jobs.start": gettext_lazy("Started a background job"),
        "approvals_jobs.run": gettext_lazy("A worker began the background job"),
        "approvals_jobs.finish": gettext_lazy("The background job finished"),
        "approvals_jobs.fail": gettext_lazy("The background job failed"),
        "approvals_jobs.retry": gettext_lazy("Started the background job again"),
        "twofactor.enrol": gettext_lazy("Turned on two-step sign-in"),
        "twofactor.recovery_codes_renew": gettext_lazy("Renewed the recovery codes"),
        "twofactor.remove": gettext_lazy("Turned off two-step sign-in"),
        "twofactor.recovery_code_use": gettext_lazy("Signed in with a recovery code"),
    }
)


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def action_names(codes: Iterable[str]) -> dict[str, str]:
    """The name of each code in the active language (one query for the engine's actions)."""
    from approvals.organisation.models import Action

    wanted = set(codes)
    english = _english()
    names = {
        code: (name_en or name) if english else name
        for code, name, name_en in Action.objects.filter(code__in=wanted).values_list(
            "code", "name", "name_en"
        )
    }
    for code in wanted:
        if code in _ACTION_LABELS:
            names[code] = str(_ACTION_LABELS[code])
    return names


def event_labels(events: Sequence[Any]) -> list[str]:
    """The label of each event, in order (one query)."""
    names = action_names({e.action for e in events})
    labels: list[str] = []
    for event in events:
        step = next((s for s in _STEP_LABELS if s.matches(event)), None)
        if step is not None:
            labels.append(str(step.label))
        else:
            labels.append(names.get(event.action) or _("Other action"))
    return labels


def history_events(events: Sequence[Any]) -> list[Any]:
    """The events a history shows: a signature's own event folds into the step it signs.

    Signing writes the signature's event (over the signed content) and then the step's
    change of state, both with the signing action; people see one act, so the signature's
    event is left out when the same person's next event with the same action changes state.
    """
    from approvals.audit.models import Signature

    ids = [e.pk for e in events]
    signed = set(
        Signature.objects.filter(audit_event_id__in=ids).values_list("audit_event_id", flat=True)
    )
    shown: list[Any] = []
    for i, event in enumerate(events):
        if event.pk in signed:
            later = next((e for e in events[i + 1 :] if e.actor_id == event.actor_id), None)
            if (
                later is not None
                and later.action == event.action
                and later.to_state
                and later.from_state != later.to_state
            ):
                continue
        shown.append(event)
    return shown


__all__ = [
    "ANY",
    "StepLabel",
    "action_names",
    "event_labels",
    "history_events",
    "register_action_labels",
    "register_step_labels",
    "registered_action_codes",
]
