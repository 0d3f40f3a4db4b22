"""Every change to an emulation bloc's year goes through these services.

Each runs in one transaction, locks the bloc year's row, checks the user's right with the
engine's resolver (the leader unit's heads lead the year, each member's head signs for
the member) and writes its audit event. A refusal raises before anything is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.audit.hashing import sha256_hex
from approvals.audit.services import EventSpec, audit_record, audit_record_many, signature_record
from approvals.calendar.choices import DayKind
from approvals.calendar.services import deadline_complete, deadline_start
from approvals.calendar.workdays import days_between
from approvals.exceptions import InvalidTransition, ValidationFailed
from approvals.organisation.models import ActionRule, OrgUnit, Position, UnitKind
from approvals.organisation.resolver import Authority, decide, require
from approvals.regulations.services import rules_in_force
from approvals.transitions import transition_perform
from workflows.emulation.exceptions import (
    AlreadySigned,
    NotBlocMember,
    ScoreAboveMaximum,
    ScoresIncomplete,
    SelfScoringRefused,
    SignatureMissing,
)
from workflows.emulation.models import (
    AwardProposal,
    Bloc,
    BlocYear,
    BlocYearState,
    CovenantSignature,
    CovenantTarget,
    Criterion,
    DraftComment,
    Inspection,
    Membership,
    ProposalState,
    Score,
    ScoreColumn,
    SignatureReminder,
    TargetKind,
)
from workflows.nominations.models import Dossier, DossierState, Title
from workflows.nominations.services import (
    candidate_report_record,
    candidates_register,
    dossier_create,
)

REGULATION = "emulation_blocs"
SIGNATURE_PERIOD = "covenant.signature_period"

CONFIGURE = "emulation.configure_blocs"
MANAGE = "emulation.manage_bloc"
COMMENT = "emulation.comment_covenant"
SIGN = "emulation.sign_covenant"
REMIND = "emulation.remind_signers"
INSPECT = "emulation.record_inspection"
SCORE_SELF = "emulation.score_self"
SCORE_BLOC = "emulation.score_bloc"
PROPOSE = "emulation.propose_awards"
RECEIVE = "emulation.receive_proposal"

#: The titles a bloc proposes its members for.
AWARD_TITLES = (Title.EMULATION_FLAG, Title.PROVINCIAL_COMMENDATION)
#: Units that can belong to a bloc: provincial departments, boards and public agencies.
MEMBER_KINDS = (UnitKind.DEPARTMENT, UnitKind.AGENCY)


def _today() -> datetime.date:
    return timezone.localdate()


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


def _locked(bloc_year: BlocYear) -> BlocYear:
    locked: BlocYear = (
        BlocYear.objects.select_for_update(of=("self",))
        .select_related("bloc", "leader", "deputy", "signature_deadline")
        .get(pk=bloc_year.pk)
    )
    return locked


def _in_state(bloc_year: BlocYear, *states: str) -> None:
    if bloc_year.state not in states:
        raise InvalidTransition(
            _("The bloc's year is in state “%(state)s”; this cannot be done now.")
            % {"state": bloc_year.get_state_display()}
        )


def member_ids(bloc_year: BlocYear) -> set[int]:
    """Ids of the bloc's member units in the year."""
    return set(bloc_year.memberships.values_list("unit_id", flat=True))


def _member(bloc_year: BlocYear, unit: OrgUnit) -> None:
    if unit.pk not in member_ids(bloc_year):
        raise NotBlocMember(
            _("%(unit)s is not a member of %(bloc)s in %(year)s.")
            % {"unit": unit.name, "bloc": bloc_year.bloc.name, "year": bloc_year.year}
        )


def _check_members(
    bloc: Bloc, year: int, leader: OrgUnit, deputy: OrgUnit, members: Sequence[OrgUnit]
) -> None:
    if leader.pk == deputy.pk:
        raise ValidationFailed(_("The bloc's leader and deputy must be different units."))
    ids = [u.pk for u in members]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("A unit appears twice in the list of members."))
    if leader.pk not in ids or deputy.pk not in ids:
        raise ValidationFailed(_("The leader and the deputy must be members of the bloc."))
    first_day = datetime.date(year, 1, 1)
    for unit in members:
        if unit.kind not in MEMBER_KINDS or not unit.is_within(bloc.province):
            raise ValidationFailed(
                _("%(unit)s is not a department or agency of %(province)s.")
                % {"unit": unit.name, "province": bloc.province.name}
            )
        if not unit.is_active_on(first_day) and not unit.is_active_on(datetime.date(year, 12, 31)):
            raise ValidationFailed(
                _("%(unit)s does not exist in %(year)s.") % {"unit": unit.name, "year": year}
            )


@transaction.atomic
def bloc_create(*, user: Any, province: OrgUnit, name: str) -> Bloc:
    """The province's emulation office sets up a bloc (e.g. Khối thi đua Văn hóa - Xã hội)."""
    if province.kind != UnitKind.PROVINCE:
        raise ValidationFailed(_("A bloc belongs to a province."))
    authority = require(user, CONFIGURE, unit=province)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("The bloc has no name."))
    if Bloc.objects.filter(province=province, name=name).exists():
        raise ValidationFailed(_("%(name)s already exists.") % {"name": name})
    bloc: Bloc = Bloc.objects.create(province=province, name=name)
    audit_record(actor=user, action=CONFIGURE, subject=bloc, authority=authority)
    return bloc


@transaction.atomic
def bloc_year_create(
    *,
    user: Any,
    bloc: Bloc,
    year: int,
    leader: OrgUnit,
    deputy: OrgUnit,
    members: Sequence[OrgUnit],
    theme: str = "",
) -> BlocYear:
    """Open a bloc's year with its leader, deputy and members (the leader's heads do it)."""
    _check_members(bloc, year, leader, deputy, members)
    authority = require(user, MANAGE, unit=leader)
    if BlocYear.objects.filter(bloc=bloc, year=year).exists():
        raise ValidationFailed(
            _("%(bloc)s already has a year %(year)s.") % {"bloc": bloc.name, "year": year}
        )
    bloc_year: BlocYear = BlocYear.objects.create(
        bloc=bloc, year=year, leader=leader, deputy=deputy, theme=theme.strip(), created_by=user
    )
    Membership.objects.bulk_create(Membership(bloc_year=bloc_year, unit=u) for u in members)
    audit_record(
        actor=user,
        action=MANAGE,
        subject=bloc_year,
        to_state=BlocYearState.DRAFTING,
        authority=authority,
        payload={
            "leader": leader.pk,
            "deputy": deputy.pk,
            "members": sorted(u.pk for u in members),
        },
    )
    return bloc_year


def bloc_year_rotate(
    *, previous: BlocYear, user: Any, deputy: OrgUnit, theme: str = ""
) -> BlocYear:
    """The next year: last year's deputy leads, the same members, a new deputy."""
    members = list(OrgUnit.objects.filter(pk__in=member_ids(previous)).order_by("path"))
    return bloc_year_create(
        user=user,
        bloc=previous.bloc,
        year=previous.year + 1,
        leader=previous.deputy,
        deputy=deputy,
        members=members,
        theme=theme,
    )


# --- drafting -------------------------------------------------------------------------------


@transaction.atomic
def drafts_update(
    *,
    bloc_year: BlocYear,
    user: Any,
    theme: str | None = None,
    rules_text: str | None = None,
    plan_text: str | None = None,
    covenant_text: str | None = None,
) -> BlocYear:
    """The leader's drafts of the rules (quy chế), the plan and the covenant."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.DRAFTING)
    authority = require(user, MANAGE, locked)
    changed: list[str] = []
    for field, value in (
        ("theme", theme),
        ("rules_text", rules_text),
        ("plan_text", plan_text),
        ("covenant_text", covenant_text),
    ):
        if value is not None and value.strip() != getattr(locked, field):
            setattr(locked, field, value.strip())
            changed.append(field)
    if changed:
        locked.save(update_fields=changed)
        audit_record(
            actor=user,
            action=MANAGE,
            subject=locked,
            from_state=locked.state,
            to_state=locked.state,
            content_hash=locked.content_hash(),
            authority=authority,
            payload={"changed": changed},
        )
    return locked


def _decimal(value: Any, *, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("%(what)s must be a number, not “%(value)s”.") % {"what": what, "value": value}
        ) from None
    if not number.is_finite():
        raise ValidationFailed(
            _("%(what)s must be a number, not “%(value)s”.") % {"what": what, "value": value}
        )
    return number


@transaction.atomic
def criteria_set(
    *, bloc_year: BlocYear, user: Any, criteria: Sequence[tuple[str, Any]]
) -> list[Criterion]:
    """Replace the scoring table (bảng điểm): each criterion with its maximum points."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.DRAFTING)
    authority = require(user, MANAGE, locked)
    if not criteria:
        raise ValidationFailed(_("The scoring table needs at least one criterion."))
    rows = []
    for position, (name, maximum) in enumerate(criteria, start=1):
        points = _decimal(maximum, what=_("The maximum points"))
        if not name.strip() or points <= 0:
            raise ValidationFailed(
                _("Criterion %(position)s needs a name and a maximum above zero.")
                % {"position": position}
            )
        rows.append(
            Criterion(bloc_year=locked, position=position, name=name.strip(), max_points=points)
        )
    locked.criteria.all().delete()
    created = Criterion.objects.bulk_create(rows)
    audit_record(
        actor=user,
        action=MANAGE,
        subject=locked,
        from_state=locked.state,
        to_state=locked.state,
        content_hash=locked.content_hash(),
        authority=authority,
        payload={"criteria": [[c.name, str(c.max_points)] for c in rows]},
    )
    return created


@dataclass(frozen=True)
class TargetSpec:
    """A covenant target to set: its text and, for a share target, what is counted."""

    text: str
    kind: str = TargetKind.STATEMENT
    title: str = ""
    target_percent: Any = None


@transaction.atomic
def targets_set(
    *, bloc_year: BlocYear, user: Any, targets: Sequence[TargetSpec]
) -> list[CovenantTarget]:
    """Replace the covenant's targets (chỉ tiêu)."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.DRAFTING)
    authority = require(user, MANAGE, locked)
    rows = []
    for position, spec in enumerate(targets, start=1):
        if not spec.text.strip() or spec.kind not in TargetKind.values:
            raise ValidationFailed(
                _("Target %(position)s needs a text and a known kind.") % {"position": position}
            )
        percent = None
        if spec.kind != TargetKind.STATEMENT:
            if spec.title not in Title.values:
                raise ValidationFailed(
                    _("Target %(position)s counts an unknown title “%(title)s”.")
                    % {"position": position, "title": spec.title}
                )
            percent = _decimal(spec.target_percent, what=_("The target share"))
            if not Decimal(0) < percent <= Decimal(100):
                raise ValidationFailed(
                    _("Target %(position)s: a share must be above 0 and at most 100%%.")
                    % {"position": position}
                )
        rows.append(
            CovenantTarget(
                bloc_year=locked,
                position=position,
                text=spec.text.strip(),
                kind=spec.kind,
                title=spec.title if spec.kind != TargetKind.STATEMENT else "",
                target_percent=percent,
            )
        )
    locked.targets.all().delete()
    created = CovenantTarget.objects.bulk_create(rows)
    audit_record(
        actor=user,
        action=MANAGE,
        subject=locked,
        from_state=locked.state,
        to_state=locked.state,
        content_hash=locked.content_hash(),
        authority=authority,
        payload={"targets": [t.text for t in rows]},
    )
    return created


@transaction.atomic
def draft_comment(*, bloc_year: BlocYear, user: Any, unit: OrgUnit, text: str) -> DraftComment:
    """A member comments on the drafts before the covenant is opened for signature."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.DRAFTING)
    _member(locked, unit)
    authority = require(user, COMMENT, locked, unit=unit)
    if not text.strip():
        raise ValidationFailed(_("The comment is empty."))
    comment: DraftComment = DraftComment.objects.create(
        bloc_year=locked, unit=unit, author=user, text=text.strip()
    )
    audit_record(
        actor=user,
        action=COMMENT,
        subject=comment,
        authority=authority,
        content_hash=sha256_hex(comment.text.encode()),
        payload={"bloc_year": locked.pk, "unit": unit.pk},
    )
    return comment


# --- the covenant ---------------------------------------------------------------------------


@transaction.atomic
def covenant_open(*, bloc_year: BlocYear, user: Any, on: datetime.date | None = None) -> BlocYear:
    """Freeze the drafts and open the covenant for signature, with the regulation's deadline."""
    day = on or _today()
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.DRAFTING)
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
    """The head of ``unit`` (or the deputy signing "KT.") signs the covenant for it."""
    day = on or _today()
    locked = _locked(bloc_year)
    _member(locked, unit)
    _in_state(locked, BlocYearState.SIGNING)
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
    """The covenant takes effect once the head of every member has signed it."""
    day = on or _today()
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.SIGNING)
    authority = require(user, MANAGE, locked)
    missing = unsigned_units(locked)
    if missing:
        raise SignatureMissing(
            _("The covenant cannot take effect: it is not yet signed for %(units)s.")
            % {"units": ", ".join(u.name for u in missing)}
        )
    locked.effective_on = day
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


# --- inspection and scoring -----------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    bloc_year: BlocYear,
    user: Any,
    inspecting: OrgUnit,
    inspected: OrgUnit,
    held_on: datetime.date,
    findings: str,
    recommendations: str = "",
) -> Inspection:
    """One member's cross-inspection of another while the covenant is in effect."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.IN_EFFECT)
    _member(locked, inspecting)
    _member(locked, inspected)
    if inspecting.pk == inspected.pk:
        raise ValidationFailed(_("A member cannot cross-inspect itself."))
    authority = require(user, INSPECT, locked, unit=inspecting, at=held_on)
    if not findings.strip():
        raise ValidationFailed(_("The findings of the inspection are empty."))
    if Inspection.objects.filter(bloc_year=locked, inspected=inspected).exists():
        raise ValidationFailed(
            _("%(unit)s has already been cross-inspected this year.") % {"unit": inspected.name}
        )
    inspection: Inspection = Inspection.objects.create(
        bloc_year=locked,
        inspecting=inspecting,
        inspected=inspected,
        held_on=held_on,
        findings=findings.strip(),
        recommendations=recommendations.strip(),
        recorded_by=user,
    )
    audit_record(
        actor=user,
        action=INSPECT,
        subject=inspection,
        authority=authority,
        content_hash=sha256_hex(f"{inspection.findings}\n{inspection.recommendations}".encode()),
        payload={"inspected": inspected.pk, "inspecting": inspecting.pk},
    )
    return inspection


@transaction.atomic
def scoring_open(*, bloc_year: BlocYear, user: Any) -> BlocYear:
    """Year end: the members score themselves and the bloc scores them."""
    locked = _locked(bloc_year)
    transition_perform(obj=locked, transition="open_scoring", user=user, action=MANAGE)
    return locked


def _bloc_authority(bloc_year: BlocYear, user: Any, unit: OrgUnit) -> Authority:
    """The right to score for the bloc: a head of the leader or deputy unit, never of ``unit``."""
    decision = decide(user, SCORE_BLOC, bloc_year, unit=bloc_year.leader)
    if not decision:
        deputy = decide(user, SCORE_BLOC, bloc_year, unit=bloc_year.deputy)
        if deputy:
            decision = deputy
    authority = decision.raise_if_refused()
    own = Position.objects.active_on(_today()).filter(
        user_id=user.pk, unit__path__startswith=unit.path
    )
    scoring_unit = authority.position.unit if authority.position is not None else None
    if (scoring_unit is not None and scoring_unit.pk == unit.pk) or own.exists():
        raise SelfScoringRefused(
            _(
                "%(unit)s cannot score itself in the bloc's column; the other of the leader and "
                "deputy units scores it."
            )
            % {"unit": unit.name}
        )
    return authority


@transaction.atomic
def scores_record(
    *,
    bloc_year: BlocYear,
    user: Any,
    unit: OrgUnit,
    column: str,
    points: Mapping[Criterion, Any],
) -> list[Score]:
    """Points for ``unit`` on some criteria in one column; all checked before any is kept."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.SCORING)
    _member(locked, unit)
    if column == ScoreColumn.SELF:
        action = SCORE_SELF
        authority = require(user, SCORE_SELF, locked, unit=unit)
    elif column == ScoreColumn.BLOC:
        action = SCORE_BLOC
        authority = _bloc_authority(locked, user, unit)
    else:
        raise ValidationFailed(_("Unknown score column “%(column)s”.") % {"column": column})
    if not points:
        raise ValidationFailed(_("No points were given."))
    criteria = {c.pk: c for c in locked.criteria.all()}
    values: dict[int, Decimal] = {}
    for criterion, value in points.items():
        if criterion.pk not in criteria:
            raise ValidationFailed(
                _("“%(criterion)s” is not a criterion of this bloc's scoring table.")
                % {"criterion": criterion.name}
            )
        number = _decimal(value, what=criterion.name)
        maximum = criteria[criterion.pk].max_points
        if number < 0:
            raise ValidationFailed(
                _("The points for “%(criterion)s” cannot be negative.")
                % {"criterion": criterion.name}
            )
        if number > maximum:
            raise ScoreAboveMaximum(
                _("%(points)s points for “%(criterion)s” is above its maximum of %(maximum)s.")
                % {"points": number, "criterion": criterion.name, "maximum": maximum}
            )
        values[criterion.pk] = number
    saved: list[Score] = []
    for criterion_id, number in values.items():
        score, _created = Score.objects.update_or_create(
            bloc_year=locked,
            unit=unit,
            criterion_id=criterion_id,
            column=column,
            defaults={"points": number, "scored_by": user},
        )
        saved.append(score)
    audit_record_many(
        events=[
            EventSpec(
                actor=user,
                action=action,
                subject=s,
                authority=authority,
                payload={"column": column, "unit": unit.pk, "points": str(s.points)},
            )
            for s in saved
        ]
    )
    return saved


@transaction.atomic
def ranking_compute(*, bloc_year: BlocYear, user: Any) -> list[Membership]:
    """Totals per member in both columns and the rank by the bloc's total (ties share a rank)."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.SCORING)
    authority = require(user, MANAGE, locked)
    criteria = list(locked.criteria.values_list("pk", flat=True))
    memberships = list(locked.memberships.select_related("unit").order_by("unit__path"))
    totals: dict[tuple[int, str], Decimal] = {}
    counts: dict[tuple[int, str], int] = {}
    for unit_id, column, points in Score.objects.filter(bloc_year=locked).values_list(
        "unit_id", "column", "points"
    ):
        totals[(unit_id, column)] = totals.get((unit_id, column), Decimal(0)) + points
        counts[(unit_id, column)] = counts.get((unit_id, column), 0) + 1
    missing = [
        f"{m.unit.name} ({ScoreColumn(column).label})"
        for m in memberships
        for column in ScoreColumn.values
        if counts.get((m.unit_id, column), 0) < len(criteria)
    ]
    if missing:
        raise ScoresIncomplete(
            _("The ranking needs every criterion scored; still missing: %(missing)s.")
            % {"missing": "; ".join(missing)}
        )
    for m in memberships:
        m.self_total = totals[(m.unit_id, ScoreColumn.SELF)]
        m.bloc_total = totals[(m.unit_id, ScoreColumn.BLOC)]
    ordered = sorted(memberships, key=lambda m: (-(m.bloc_total or 0), m.unit.name))
    previous: Decimal | None = None
    rank = 0
    for index, m in enumerate(ordered, start=1):
        if m.bloc_total != previous:
            rank = index
            previous = m.bloc_total
        m.rank = rank
    Membership.objects.bulk_update(ordered, ["self_total", "bloc_total", "rank"])
    transition_perform(
        obj=locked,
        transition="rank",
        user=user,
        action=MANAGE,
        authority=authority,
        payload={
            "ranking": [[m.unit_id, m.rank, str(m.bloc_total), str(m.self_total)] for m in ordered]
        },
    )
    return ordered


# --- award proposals ------------------------------------------------------------------------


@transaction.atomic
def awards_propose(
    *,
    bloc_year: BlocYear,
    user: Any,
    title: str,
    units: Sequence[OrgUnit],
    justification: str = "",
    on: datetime.date | None = None,
) -> AwardProposal:
    """The leader signs the bloc's proposal of ranked members for a provincial award."""
    day = on or _today()
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.RANKED, BlocYearState.PROPOSED)
    if title not in AWARD_TITLES:
        raise ValidationFailed(
            _("A bloc proposes for “%(flag)s” or “%(commendation)s” only.")
            % {
                "flag": Title.EMULATION_FLAG.label,
                "commendation": Title.PROVINCIAL_COMMENDATION.label,
            }
        )
    if not units:
        raise ValidationFailed(_("The proposal names no member."))
    for unit in units:
        _member(locked, unit)
    authority = require(user, PROPOSE, locked)
    if AwardProposal.objects.filter(bloc_year=locked, title=title).exists():
        raise ValidationFailed(
            _("The bloc has already proposed members for “%(title)s” this year.")
            % {"title": Title(title).label}
        )
    proposal: AwardProposal = AwardProposal.objects.create(
        bloc_year=locked,
        title=title,
        justification=justification.strip(),
        proposed_by=user,
        proposed_on=day,
    )
    proposal.units.set(units)
    proposal.signature = signature_record(
        subject=proposal,
        content=proposal.content(),
        user=user,
        action_code=PROPOSE,
        unit=locked.leader,
        authority=authority,
    )
    proposal.save(update_fields=["signature"])
    if locked.state == BlocYearState.RANKED:
        transition_perform(
            obj=locked,
            transition="propose",
            user=user,
            action=PROPOSE,
            authority=authority,
            payload={"proposal": proposal.pk, "title": title},
        )
    return proposal


@transaction.atomic
def proposal_receive(
    *, proposal: AwardProposal, user: Any, on: datetime.date | None = None
) -> Dossier:
    """The province's emulation office opens (or adds to) the title's nomination dossier.

    Each proposed member becomes a candidate whose achievement report is the bloc's
    result; the dossier then follows the title's own steps in the nominations process.
    """
    day = on or _today()
    locked: AwardProposal = (
        AwardProposal.objects.select_for_update(of=("self",))
        .select_related("bloc_year__bloc__province", "bloc_year__leader")
        .get(pk=proposal.pk)
    )
    bloc_year = locked.bloc_year
    province = bloc_year.bloc.province
    authority = require(user, RECEIVE, locked, unit=province, at=day)
    if locked.state != ProposalState.SUBMITTED:
        raise InvalidTransition(_("This proposal has already been received."))
    dossier: Dossier | None = Dossier.objects.filter(
        title=locked.title, year=bloc_year.year, proposing_unit=province
    ).first()
    if dossier is None:
        dossier = dossier_create(
            user=user, title=locked.title, year=bloc_year.year, proposing_unit=province, on=day
        )
    elif dossier.state != DossierState.REGISTRATION:
        raise InvalidTransition(
            _("The province's dossier for “%(title)s” %(year)s has already been submitted.")
            % {"title": Title(locked.title).label, "year": bloc_year.year}
        )
    results = {
        m.unit_id: m
        for m in bloc_year.memberships.filter(unit__in=locked.units.all()).select_related("unit")
    }
    units = [m.unit for m in sorted(results.values(), key=lambda m: (m.rank or 0, m.unit.name))]
    candidates = candidates_register(dossier=dossier, user=user, units=units, on=day)
    size = len(member_ids(bloc_year))
    for candidate in candidates:
        member = results[candidate.unit_id]  # type: ignore[index]
        report = _(
            "%(unit)s ranked %(rank)s of %(size)s in %(bloc)s in %(year)s with %(points)s "
            "points from the bloc (self-assessed: %(self)s). %(justification)s"
        ) % {
            "unit": member.unit.name,
            "rank": member.rank,
            "size": size,
            "bloc": bloc_year.bloc.name,
            "year": bloc_year.year,
            "points": member.bloc_total,
            "self": member.self_total,
            "justification": locked.justification,
        }
        candidate_report_record(candidate=candidate, user=user, report=report.strip())
    locked.dossier = dossier
    transition_perform(
        obj=locked,
        transition="receive",
        user=user,
        action=RECEIVE,
        unit=province,
        authority=authority,
        payload={"dossier": dossier.pk, "candidates": [c.pk for c in candidates]},
    )
    return dossier


__all__ = [
    "AWARD_TITLES",
    "TargetSpec",
    "awards_propose",
    "bloc_create",
    "bloc_year_create",
    "bloc_year_rotate",
    "covenant_open",
    "covenant_sign",
    "covenant_take_effect",
    "criteria_set",
    "draft_comment",
    "drafts_update",
    "inspection_record",
    "proposal_receive",
    "ranking_compute",
    "reminders_send",
    "scores_record",
    "scoring_open",
    "targets_set",
    "unsigned_units",
]
