"""The covenant: opened for signature, signed by each member, reminders, in effect."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.audit.hashing import sha256_hex
from approvals.audit.services import EventSpec, audit_record_many, signature_record
from approvals.calendar.choices import DayKind
from approvals.calendar.services import deadline_complete, deadline_start
from approvals.calendar.workdays import days_between
from approvals.exceptions import InvalidTransition, ValidationFailed
from approvals.organisation.models import ActionRule, OrgUnit, Position
from approvals.organisation.resolver import Authority, require
from approvals.regulations.services import rules_in_force
from approvals.transitions import transition_perform
from workflows.emulation.exceptions import AlreadySigned, SignatureMissing
from workflows.emulation.models import BlocYear, BlocYearState, CovenantSignature, SignatureReminder
from workflows.emulation.services.guards import (
    MANAGE,
    REGULATION,
    REMIND,
    SIGN,
    SIGNATURE_PERIOD,
    _fmt,
    _in_state,
    _locked,
    _member,
    _today,
    member_ids,
)


@transaction.atomic
def covenant_open(*, bloc_year: BlocYear, user: Any, on: datetime.date | None = None) -> BlocYear:
    """Freeze the drafts and open the covenant for signature, with the regulation's deadline.

    Opening is the leading unit's decision, and it starts the members' signature period:
    like a decision it is dated the day it is recorded (``act_dates.decision_grace``), so
    the period cannot be run retroactively.
    """
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.DRAFTING)
    day = act_date_check(ActKind.DECISION, on, unit=locked.leader)
    authority = require(user, MANAGE, locked)
    if not locked.covenant_text:
        raise ValidationFailed(_("The covenant has no text yet."))
    if not locked.criteria.exists():
        raise ValidationFailed(_("The scoring table has no criterion yet."))
    rules = rules_in_force(REGULATION, on=day, unit=locked.leader)
    period = rules.period(SIGNATURE_PERIOD)
    deadline = deadline_start(
        subject_type="emulation.blocyear",
        subject_id=locked.pk,
        purpose="covenant_signature",
        length=period.length,
        day_kind=DayKind(period.day_kind),
        started_on=day,
        user=user,
    )
    locked.signature_deadline = deadline
    locked.regulation_versions = list(rules.version_ids)
    locked.covenant_sha256 = locked.content_hash()
    transition_perform(
        obj=locked,
        transition="open_signing",
        user=user,
        action=MANAGE,
        authority=authority,
        payload={"due_on": deadline.due_on.isoformat(), "period": period.length},
    )
    return locked


@transaction.atomic
def covenant_sign(
    *, bloc_year: BlocYear, user: Any, unit: OrgUnit, on: datetime.date | None = None
) -> CovenantSignature:
    """The head of ``unit`` (or the deputy signing "KT.") signs the covenant for it.

    ``on`` is the day of signing. A covenant is signed at the bloc's signing conference
    (hội nghị ký kết giao ước thi đua) and entered afterwards from its record, as a
    meeting is: its date has the grace of a meeting (``act_dates.meeting_grace``), not the
    none of a decision.
    """
    locked = _locked(bloc_year)
    _member(locked, unit)
    _in_state(locked, BlocYearState.SIGNING)
    day = act_date_check(ActKind.MEETING, on, unit=unit)
    authority = require(user, SIGN, locked, unit=unit, at=day)
    if CovenantSignature.objects.filter(bloc_year=locked, unit=unit).exists():
        raise AlreadySigned(_("%(unit)s has already signed the covenant.") % {"unit": unit.name})
    content = locked.covenant_content()
    if sha256_hex(content) != locked.covenant_sha256:
        raise InvalidTransition(
            _("The covenant changed after it was opened for signature; it cannot be signed.")
        )
    signature = signature_record(
        subject=locked,
        content=content,
        user=user,
        action_code=SIGN,
        unit=unit,
        authority=authority,
        revision=locked.covenant_sha256[:16],
        comment=unit.name,
    )
    deadline = locked.signature_deadline
    late = deadline is not None and deadline.is_overdue(day)
    signed: CovenantSignature = CovenantSignature.objects.create(
        bloc_year=locked, unit=unit, signature=signature, signed_on=day, late=late
    )
    return signed


def unsigned_units(bloc_year: BlocYear) -> list[OrgUnit]:
    """Members whose head has not signed the covenant yet, in tree order."""
    signed = set(bloc_year.covenant_signatures.values_list("unit_id", flat=True))
    return list(OrgUnit.objects.filter(pk__in=member_ids(bloc_year) - signed).order_by("path"))


@transaction.atomic
def covenant_take_effect(
    *, bloc_year: BlocYear, user: Any, on: datetime.date | None = None
) -> BlocYear:
    """The covenant takes effect once the head of every member has signed it.

    The leading unit declares it in effect: a decision, dated the day it is recorded."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.SIGNING)
    day = act_date_check(ActKind.DECISION, on, unit=locked.leader)
    authority = require(user, MANAGE, locked)
    missing = unsigned_units(locked)
    if missing:
        raise SignatureMissing(
            _("The covenant cannot take effect: it is not yet signed for %(units)s.")
            % {"units": ", ".join(u.name for u in missing)}
        )
    locked.effective_on = day
    locked.effective_recorded_at = timezone.now()
    transition_perform(
        obj=locked, transition="take_effect", user=user, action=MANAGE, authority=authority
    )
    if locked.signature_deadline is not None:
        deadline_complete(deadline=locked.signature_deadline, on=day, user=user)
    return locked


def _signers(unit: OrgUnit, day: datetime.date) -> list[Any]:
    """The people who may sign for ``unit`` on ``day`` (the reminder's recipients)."""
    roles = ActionRule.objects.filter(action__code=SIGN).values_list("role_id", flat=True)
    return [
        p.user
        for p in Position.objects.active_on(day)
        .filter(unit=unit, role_id__in=list(roles))
        .select_related("user")
        .order_by("pk")
    ]


@transaction.atomic
def reminders_send(
    *, bloc_year: BlocYear, on: datetime.date | None = None, user: Any = None
) -> list[SignatureReminder]:
    """Remind each member that has not signed once the deadline has passed.

    A reminder is recorded at most once a day per member and deadline, so a job that runs
    twice, or a leader who clicks twice, sends nothing more. ``user`` None is the system.
    """
    day = on or _today()
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.SIGNING)
    authority: Authority | None = require(user, REMIND, locked) if user is not None else None
    deadline = locked.signature_deadline
    if deadline is None or not deadline.is_overdue(day):
        return []
    already = set(
        SignatureReminder.objects.filter(deadline=deadline, sent_on=day).values_list(
            "unit_id", flat=True
        )
    )
    late_days = days_between(deadline.due_on, day, DayKind(deadline.day_kind))
    created: list[SignatureReminder] = []
    for unit in unsigned_units(locked):
        if unit.pk in already:
            continue
        message = _(
            "%(unit)s has not signed the covenant of %(bloc)s for %(year)s; it was due on %(due)s."
        ) % {
            "unit": unit.name,
            "bloc": locked.bloc.name,
            "year": locked.year,
            "due": _fmt(deadline.due_on),
        }
        reminder: SignatureReminder = SignatureReminder.objects.create(
            bloc_year=locked,
            deadline=deadline,
            unit=unit,
            sent_on=day,
            days_late=late_days,
            sent_by=user,
            message=message,
        )
        reminder.recipients.set(_signers(unit, day))
        created.append(reminder)
    if created:
        audit_record_many(
            events=[
                EventSpec(
                    actor=user,
                    action=REMIND,
                    subject=r,
                    authority=authority,
                    comment=r.message,
                    payload={"unit": r.unit_id, "due_on": deadline.due_on.isoformat()},
                )
                for r in created
            ]
        )
    return created
