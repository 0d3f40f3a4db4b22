"""Every change to a nomination dossier and its candidates goes through these services.

Candidates move in bulk: one statement changes the state of all candidates at a step,
and their audit events are written with one head lock in batches. Each service runs in
one transaction and locks the dossier row.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.audit.hashing import sha256_hex
from approvals.audit.services import (
    audit_record,
    audit_record_each,
    signature_record,
)
from approvals.bulk import update_returning_pks
from approvals.calendar.choices import DayKind
from approvals.calendar.models import Deadline
from approvals.calendar.services import (
    deadline_complete,
    deadline_pause,
    deadline_resume,
    deadline_start,
)
from approvals.exceptions import (
    DeadlinePassed,
    InvalidTransition,
    ValidationFailed,
)
from approvals.organisation.models import OrgUnit, Position, UnitKind
from approvals.organisation.resolver import Authority, decide, require, user_label
from approvals.registers.models import DocumentKind
from approvals.registers.services import number_issue
from approvals.regulations.services import RuleSet, rules_from_versions, rules_in_force
from approvals.transitions import transition_perform
from workflows.nominations import esign
from workflows.nominations.exceptions import CandidatesRefused, NoQuorum, PostingNotOver, Problem
from workflows.nominations.models import (
    DISCIPLINE_ORDER,
    RATING_ORDER,
    Candidate,
    CandidateState,
    CouncilReview,
    Discipline,
    DisciplineLevel,
    Disqualification,
    Dossier,
    DossierState,
    Household,
    Meeting,
    PerformanceRating,
    Rating,
    Title,
)
from workflows.nominations.titles import SPECS, STEP_LABELS, Step, TitleSpec

if TYPE_CHECKING:
    from collections.abc import Sequence

REGISTER = "nominations.register_candidates"
MEETING = "nominations.record_meeting"
POSTING = "nominations.run_posting"
SUBMIT = "nominations.submit_dossier"
APPRAISE = "nominations.appraise_dossier"
COUNCIL = "nominations.record_council"
DECIDE = "nominations.decide_dossier"
NUMBER = "nominations.number_decision"
REVOKE = "nominations.revoke_title"

#: Candidate ids per ``UPDATE … WHERE id IN (…)`` when recording votes.
VOTES_BATCH = 2000

#: The audit subject type of a candidate.
CANDIDATE = "nominations.candidate"


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


def _today() -> datetime.date:
    return timezone.localdate()


def _locked(dossier: Dossier) -> Dossier:
    locked: Dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("proposing_unit", "deciding_unit")
        .get(pk=dossier.pk)
    )
    return locked


def _deadline(deadline: Deadline | None) -> Deadline:
    if deadline is None:
        raise InvalidTransition(_("This step has no running time limit."))
    return deadline


def dossier_rules(dossier: Dossier) -> RuleSet:
    """The rules the dossier started under (a later version does not change them)."""
    spec = SPECS[dossier.title]
    return rules_from_versions(spec.regulation, dossier.regulation_versions, on=dossier.started_on)


def _spec(dossier: Dossier) -> TitleSpec:
    return SPECS[dossier.title]


def _expect(dossier: Dossier, step: Step) -> TitleSpec:
    """The dossier's title spec, if ``step`` is the step the dossier expects next."""
    spec = _spec(dossier)
    if step not in spec.steps:
        raise InvalidTransition(
            _("The title “%(title)s” has no step “%(step)s”.")
            % {"title": dossier.get_title_display(), "step": STEP_LABELS[step]}
        )
    expected = spec.next_step(dossier.state)
    if expected != step:
        raise InvalidTransition(
            _(
                "The dossier is in state “%(state)s”; for the title “%(title)s” the next step "
                "is %(next)s, not %(step)s."
            )
            % {
                "state": dossier.get_state_display(),
                "title": dossier.get_title_display(),
                "next": STEP_LABELS[expected] if expected else _("none (decided)"),
                "step": STEP_LABELS[step],
            }
        )
    return spec


def candidate_label(candidate: Candidate) -> str:
    """The household code, unit name or person's name of a candidate."""
    if candidate.household_id and candidate.household is not None:
        return str(candidate.household.code)
    if candidate.unit_id and candidate.unit is not None:
        return str(candidate.unit.name)
    return user_label(candidate.person)


def deciding_unit_for(
    *, spec: TitleSpec, unit: OrgUnit, rules: RuleSet, on: datetime.date
) -> OrgUnit:
    """The unit at the level the regulation names, at or above ``unit`` on ``on``."""
    level = rules.unit_kind(spec.deciding_level_key)
    for ancestor in reversed(list(OrgUnit.objects.ancestors_of(unit))):
        if ancestor.kind == level and ancestor.is_active_on(on):
            return ancestor
    raise ValidationFailed(
        _(
            "The regulation in force on %(date)s has the %(level)s level decide, but no unit of "
            "that level stands above %(unit)s then."
        )
        % {"date": _fmt(on), "level": UnitKind(level).label, "unit": unit.name}
    )


def _move(
    dossier: Dossier,
    *,
    source: str,
    target: str,
    actor: Any,
    action: str,
    authority: Authority | None = None,
    only: Sequence[int] | None = None,
) -> int:
    """Move the dossier's candidates in ``source`` to ``target`` in one statement, audited."""
    qs = Candidate.objects.of_dossier(dossier).filter(state=source)
    if only is not None:
        qs = qs.filter(pk__in=only)
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return 0
    # The dossier row is locked, so the same filter finds the same rows; without ``only``
    # it is cheaper than sending every id back.
    (qs if only is None else Candidate.objects.of_dossier(dossier).filter(pk__in=ids)).update(
        state=target
    )
    audit_record_each(
        subject_type=CANDIDATE,
        subject_ids=ids,
        actor=actor,
        action=action,
        from_state=source,
        to_state=target,
        authority=authority,
    )
    return len(ids)


# --- starting and registering ---------------------------------------------------------------


@transaction.atomic
def dossier_create(
    *, user: Any, title: str, year: int, proposing_unit: OrgUnit, on: datetime.date | None = None
) -> Dossier:
    """Open a dossier; it keeps the rules in force on its start day and their deciding level."""
    day = on or _today()
    if title not in SPECS:
        raise ValidationFailed(_("Unknown title “%(title)s”.") % {"title": title})
    spec = SPECS[title]
    if proposing_unit.kind not in spec.proposing_kinds:
        raise ValidationFailed(
            _("A %(kind)s cannot propose this title.") % {"kind": proposing_unit.get_kind_display()}
        )
    authority = require(user, REGISTER, unit=proposing_unit, at=day)
    rules = rules_in_force(spec.regulation, on=day, unit=proposing_unit)
    deciding = deciding_unit_for(spec=spec, unit=proposing_unit, rules=rules, on=day)
    if Dossier.objects.filter(title=title, year=year, proposing_unit=proposing_unit).exists():
        raise ValidationFailed(
            _("%(unit)s already has a dossier for this title in %(year)s.")
            % {"unit": proposing_unit.name, "year": year}
        )
    dossier: Dossier = Dossier.objects.create(
        title=title,
        year=year,
        proposing_unit=proposing_unit,
        deciding_unit=deciding,
        started_on=day,
        regulation_versions=list(rules.version_ids),
        created_by=user,
    )
    audit_record(
        actor=user,
        action=REGISTER,
        subject=dossier,
        to_state=DossierState.REGISTRATION,
        authority=authority,
        payload={"deciding_unit": deciding.pk, "regulation_versions": list(rules.version_ids)},
    )
    return dossier


@transaction.atomic
def candidates_register(
    *,
    dossier: Dossier,
    user: Any,
    households: Sequence[Household] = (),
    units: Sequence[OrgUnit] = (),
    people: Sequence[Any] = (),
    on: datetime.date | None = None,
) -> list[Candidate]:
    """Register candidates in bulk; every bad one is named and nothing is written."""
    day = on or _today()
    locked = _locked(dossier)
    if locked.state != DossierState.REGISTRATION:
        raise InvalidTransition(_("Candidates can only be registered before the review."))
    authority = require(user, REGISTER, unit=locked.proposing_unit)
    spec = _spec(locked)
    problems: list[Problem] = []
    rows: list[Candidate] = []
    base = {
        "dossier": locked,
        "title": locked.title,
        "year": locked.year,
        "province_id": locked.root_unit_id,
    }
    if spec.candidate == "household":
        rows = _household_rows(locked, households, problems, base)
    elif spec.candidate == "unit":
        for unit in units:
            if unit.kind not in spec.candidate_kinds:
                problems.append(
                    Problem(
                        unit.name,
                        "wrong_kind",
                        _("%(unit)s is a %(kind)s; this title is for %(kinds)s.")
                        % {
                            "unit": unit.name,
                            "kind": unit.get_kind_display(),
                            "kinds": ", ".join(
                                str(UnitKind(k).label) for k in spec.candidate_kinds
                            ),
                        },
                    )
                )
            elif not unit.is_within(locked.proposing_unit):
                problems.append(
                    Problem(
                        unit.name,
                        "outside_unit",
                        _("%(unit)s is not under %(proposing)s, so this dossier cannot propose it.")
                        % {"unit": unit.name, "proposing": locked.proposing_unit.name},
                    )
                )
            rows.append(Candidate(unit=unit, **base))
    else:
        problems.extend(_staff_problems(locked, people, day))
        problems.extend(_rating_problems(locked, people))
        rows = [Candidate(person=person, **base) for person in people]
    rows_key = [(c.household_id, c.unit_id, c.person_id) for c in rows]
    if len(set(rows_key)) != len(rows_key):
        problems.append(
            Problem("", "duplicate", _("The same candidate appears twice in the list."))
        )
    problems.extend(_taken(locked, rows))
    if problems:
        raise CandidatesRefused(problems)
    created: list[Candidate] = Candidate.objects.bulk_create(rows, batch_size=2000)
    audit_record_each(
        subject_type=CANDIDATE,
        subject_ids=[c.pk for c in created],
        actor=user,
        action=REGISTER,
        from_state="",
        to_state=CandidateState.REGISTERED,
        authority=authority,
    )
    return created


def _household_rows(
    dossier: Dossier, households: Sequence[Household], problems: list[Problem], base: dict[str, Any]
) -> list[Candidate]:
    rules = dossier_rules(dossier)
    grounds = set(rules.get("cultural_family.disqualifiers"))
    ids = [h.pk for h in households]
    barred = dict(
        Disqualification.objects.filter(
            household_id__in=ids, year=dossier.year, ground__in=grounds
        ).values_list("household_id", "ground")
    )
    villages = set(OrgUnit.objects.under(dossier.proposing_unit).values_list("pk", flat=True))
    rows = []
    for household in households:
        if household.village_id not in villages:
            problems.append(
                Problem(
                    household.code,
                    "outside_unit",
                    _("Household %(code)s does not live in %(unit)s.")
                    % {"code": household.code, "unit": dossier.proposing_unit.name},
                )
            )
        if household.pk in barred:
            problems.append(
                Problem(
                    household.code,
                    "disqualified",
                    _("Household %(code)s cannot be recognised in %(year)s: %(ground)s.")
                    % {
                        "code": household.code,
                        "year": dossier.year,
                        "ground": barred[household.pk],
                    },
                )
            )
        rows.append(Candidate(household=household, **base))
    return rows


def _staff_problems(dossier: Dossier, people: Sequence[Any], day: datetime.date) -> list[Problem]:
    """People who hold no position in the proposing unit or under it on ``day``."""
    staff = set(
        Position.objects.active_on(day)
        .filter(
            user_id__in=[p.pk for p in people],
            unit__path__startswith=dossier.proposing_unit.path,
        )
        .values_list("user_id", flat=True)
    )
    return [
        Problem(
            user_label(person),
            "not_staff",
            _("%(person)s holds no position in %(unit)s or a unit under it.")
            % {"person": user_label(person), "unit": dossier.proposing_unit.name},
        )
        for person in people
        if person.pk not in staff
    ]


def _rating_problems(dossier: Dossier, people: Sequence[Any]) -> list[Problem]:
    """People whose rating for the year is missing or below the regulation's minimum."""
    rules = dossier_rules(dossier)
    key = _spec(dossier).key("min_rating")
    if key not in rules.rules or not people:
        return []
    required = str(rules.get(key))
    if required not in RATING_ORDER:
        raise ValidationFailed(
            _("The rule “%(key)s” names an unknown rating “%(value)s”.")
            % {"key": key, "value": required}
        )
    floor = RATING_ORDER.index(required)
    ratings = dict(
        PerformanceRating.objects.filter(
            year=dossier.year, person_id__in=[p.pk for p in people]
        ).values_list("person_id", "rating")
    )
    problems = []
    for person in people:
        rating = ratings.get(person.pk)
        if rating is None:
            message = _("%(person)s has no rating for %(year)s; the title needs “%(required)s”.")
        elif RATING_ORDER.index(rating) < floor:
            message = _(
                "%(person)s is rated “%(rating)s” for %(year)s; the title needs “%(required)s” "
                "or better."
            )
        else:
            continue
        problems.append(
            Problem(
                user_label(person),
                "rating",
                message
                % {
                    "person": user_label(person),
                    "year": dossier.year,
                    "rating": Rating(rating).label if rating else "",
                    "required": Rating(required).label,
                },
            )
        )
    return problems


def _collective_problems(
    dossier: Dossier, units: Sequence[OrgUnit], day: datetime.date
) -> list[Problem]:
    """Collectives short of the regulation's share of advanced workers, or with one disciplined.

    Members are the users holding a position at the unit on ``day``; three queries in all.
    """
    rules = dossier_rules(dossier)
    spec = _spec(dossier)
    share_key = spec.key("min_member_share_percent")
    discipline_key = spec.key("no_member_disciplined")
    check_share = share_key in rules.rules
    check_discipline = discipline_key in rules.rules and rules.flag(discipline_key)
    if not units or not (check_share or check_discipline):
        return []
    members: dict[int, set[int]] = {u.pk: set() for u in units}
    for unit_id, user_id in (
        Position.objects.active_on(day)
        .filter(unit_id__in=list(members))
        .values_list("unit_id", "user_id")
    ):
        members[unit_id].add(user_id)
    everyone = set().union(*members.values())
    problems: list[Problem] = []
    if check_share:
        holders = set(
            Candidate.objects.filter(
                title=Title.ADVANCED_WORKER,
                year=dossier.year,
                state=CandidateState.RECOGNISED,
                person_id__in=everyone,
            ).values_list("person_id", flat=True)
        )
        required = rules.percent(share_key)
        strict_key = spec.key("member_share_strictly_greater")
        strict = strict_key in rules.rules and rules.flag(strict_key)
        for unit in units:
            count, held = len(members[unit.pk]), len(members[unit.pk] & holders)
            share = _share(held, count)
            if (share > required) if strict else (share >= required):
                continue
            template = (
                _(
                    "%(unit)s: %(held)s of %(members)s members (%(share)s%%) hold “%(title)s” "
                    "for %(year)s; the rules require more than %(required)s%%."
                )
                if strict
                else _(
                    "%(unit)s: %(held)s of %(members)s members (%(share)s%%) hold “%(title)s” "
                    "for %(year)s; the rules require at least %(required)s%%."
                )
            )
            problems.append(
                Problem(
                    unit.name,
                    "member_share",
                    template
                    % {
                        "unit": unit.name,
                        "held": held,
                        "members": count,
                        "share": round(share, 1),
                        "title": Title.ADVANCED_WORKER.label,
                        "year": dossier.year,
                        "required": required,
                    },
                )
            )
    if check_discipline:
        level_key = spec.key("discipline_from_level")
        # The seeded rule reads "từ cảnh cáo trở lên" (warning or above); a version may say more.
        floor = str(rules.get(level_key)) if level_key in rules.rules else DisciplineLevel.WARNING
        barring = DISCIPLINE_ORDER[DISCIPLINE_ORDER.index(floor) :]
        disciplined: dict[int, list[Discipline]] = {}
        for measure in Discipline.objects.filter(
            year=dossier.year, person_id__in=everyone, level__in=barring
        ).select_related("person"):
            disciplined.setdefault(measure.person_id, []).append(measure)
        for unit in units:
            found = [m for uid in sorted(members[unit.pk]) for m in disciplined.get(uid, [])]
            if not found:
                continue
            problems.append(
                Problem(
                    unit.name,
                    "disciplined",
                    _(
                        "%(unit)s: %(people)s disciplined in %(year)s; the rules require that no "
                        "member is disciplined at “%(level)s” or above."
                    )
                    % {
                        "unit": unit.name,
                        "people": ", ".join(
                            f"{user_label(m.person)} ({m.get_level_display()})" for m in found
                        ),
                        "year": dossier.year,
                        "level": DisciplineLevel(floor).label,
                    },
                )
            )
    return problems


def _criteria_problems(dossier: Dossier, state: str, day: datetime.date) -> list[Problem]:
    """The title's criteria checked again for the candidates in ``state`` (ratings, shares).

    Only titles whose rules set such criteria load their candidates; households never do.
    """
    spec = _spec(dossier)
    criteria = ("min_rating", "min_member_share_percent", "no_member_disciplined")
    if spec.candidate == "household" or not any(
        spec.key(name) in dossier_rules(dossier).rules for name in criteria
    ):
        return []
    candidates = list(
        Candidate.objects.of_dossier(dossier).filter(state=state).select_related("unit", "person")
    )
    people = [c.person for c in candidates if c.person_id]
    units = [c.unit for c in candidates if c.unit_id]
    problems = _rating_problems(dossier, people) if people else []
    if units:
        problems.extend(_collective_problems(dossier, units, day))
    return problems


def _reports_missing(dossier: Dossier, spec: TitleSpec) -> None:
    """Leaving registration: a candidate is needed, and its report where the title asks one."""
    candidates = Candidate.objects.of_dossier(dossier).filter(state=CandidateState.REGISTERED)
    if not candidates.exists():
        raise ValidationFailed(_("No candidate is registered in this dossier."))
    if not spec.report:
        return
    missing = list(candidates.filter(achievement_report="").select_related("unit", "person"))
    if missing:
        raise CandidatesRefused(
            [
                Problem(
                    candidate_label(c),
                    "no_report",
                    _("%(candidate)s has no achievement report yet.")
                    % {"candidate": candidate_label(c)},
                )
                for c in missing
            ]
        )


def _taken(dossier: Dossier, rows: list[Candidate]) -> list[Problem]:
    households = [c.household_id for c in rows if c.household_id]
    units = [c.unit_id for c in rows if c.unit_id]
    people = [c.person_id for c in rows if c.person_id]
    existing = Candidate.objects.filter(title=dossier.title, year=dossier.year).filter(
        models_q(households, units, people)
    )
    return [
        Problem(
            candidate_label(c),
            "duplicate",
            _("%(candidate)s is already a candidate for this title in %(year)s.")
            % {"candidate": candidate_label(c), "year": dossier.year},
        )
        for c in existing.select_related("household", "unit", "person")
    ]


def models_q(households: list[int], units: list[int], people: list[int]) -> Any:
    """Candidates matching any of the given households, units or people."""
    from django.db.models import Q

    return Q(household_id__in=households) | Q(unit_id__in=units) | Q(person_id__in=people)


@transaction.atomic
def candidate_report_record(*, candidate: Candidate, user: Any, report: str) -> Candidate:
    """Attach the candidate's achievement report (the village head's, the commune's…).

    The candidate unit's own staff (the village head) or the proposing unit's may file it,
    before the review or while the dossier is back for supplement.
    """
    dossier = _locked(candidate.dossier)
    if dossier.state not in (DossierState.REGISTRATION, DossierState.RETURNED):
        raise InvalidTransition(
            _("Achievement reports are filed before the review or when the dossier is returned.")
        )
    locked: Candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .row(candidate)
        .select_related("unit", "person", "household")
        .get()
    )
    text = report.strip()
    if not text:
        raise ValidationFailed(_("The achievement report is empty."))
    own = decide(user, REGISTER, unit=locked.unit) if locked.unit_id else None
    authority = (
        own.raise_if_refused()
        if own
        else require(user, REGISTER, dossier, unit=dossier.proposing_unit)
    )
    Candidate.objects.row(locked).update(achievement_report=text)
    audit_record(
        actor=user,
        action=REGISTER,
        subject=locked,
        from_state=locked.state,
        to_state=locked.state,
        content_hash=sha256_hex(text.encode()),
        authority=authority,
        payload={"achievement_report": len(text)},
    )
    locked.achievement_report = text
    return locked


# --- the review meeting and the public posting ------------------------------------------------


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) * 100 / Decimal(whole) if whole else Decimal(0)


@transaction.atomic
def meeting_record(
    *,
    dossier: Dossier,
    user: Any,
    held_on: datetime.date,
    invited: int,
    present: int,
    votes: dict[int, int],
    chaired_by: str,
    minutes: str = "",
) -> Meeting:
    """Record the review meeting: quorum from the rules, then each candidate's vote share."""
    locked = _locked(dossier)
    spec = _expect(locked, Step.MEETING)
    authority = require(user, MEETING, locked, unit=locked.proposing_unit)
    _reports_missing(locked, spec)
    rules = dossier_rules(locked)
    if invited <= 0 or present < 0 or present > invited:
        raise ValidationFailed(_("Attendance must be between 0 and the number invited."))
    quorum = rules.percent(spec.key("meeting_quorum_percent"))
    if _share(present, invited) < quorum:
        raise NoQuorum(
            _(
                "No quorum: %(present)s of %(invited)s invited attended (%(share)s%%); the rules "
                "require %(quorum)s%%. The votes cannot be recorded."
            )
            % {
                "present": present,
                "invited": invited,
                "share": round(_share(present, invited), 1),
                "quorum": quorum,
            }
        )
    registered = {
        c.pk: c
        for c in Candidate.objects.of_dossier(locked).filter(
            state=spec.candidates_before(Step.MEETING)
        )
    }
    unknown = sorted(set(votes) - set(registered))
    missing = sorted(set(registered) - set(votes))
    bad = sorted(pk for pk, n in votes.items() if n < 0 or n > present)
    if unknown or missing or bad:
        raise ValidationFailed(
            _(
                "Votes must be given for every registered candidate, between 0 and %(present)s "
                "(unknown: %(unknown)s; missing: %(missing)s; out of range: %(bad)s)."
            )
            % {"present": present, "unknown": unknown, "missing": missing, "bad": bad}
        )
    needed = rules.percent(spec.key("approval_percent"))
    # One UPDATE per distinct vote count (at most present + 1 of them, two or three in a
    # village), not a CASE per candidate: the meeting of 250 households is a few statements.
    by_count: dict[int, list[int]] = {}
    for pk, candidate in registered.items():
        candidate.votes_for = votes[pk]
        candidate.votes_cast = present
        by_count.setdefault(votes[pk], []).append(pk)
    for count, pks in sorted(by_count.items()):
        for start in range(0, len(pks), VOTES_BATCH):
            Candidate.objects.of_dossier(locked).filter(
                pk__in=pks[start : start + VOTES_BATCH]
            ).update(votes_for=count, votes_cast=present)
    passed = [pk for pk in registered if _share(votes[pk], present) >= needed]
    passed_set = set(passed)
    failed = [pk for pk in registered if pk not in passed_set]
    _move(
        locked,
        source=CandidateState.REGISTERED,
        target=CandidateState.VOTED,
        actor=user,
        action=MEETING,
        authority=authority,
        only=passed,
    )
    _move(
        locked,
        source=CandidateState.REGISTERED,
        target=CandidateState.NOT_VOTED,
        actor=user,
        action=MEETING,
        authority=authority,
        only=failed,
    )
    meeting = Meeting.objects.create(
        dossier=locked,
        held_on=held_on,
        invited=invited,
        present=present,
        chaired_by=chaired_by,
        minutes=minutes,
        recorded_by=user,
    )
    transition_perform(
        obj=locked,
        transition="hold_meeting",
        user=user,
        action=MEETING,
        unit=locked.proposing_unit,
        payload={"invited": invited, "present": present, "passed": len(passed)},
        authority=authority,
    )
    return meeting


@transaction.atomic
def posting_open(*, dossier: Dossier, user: Any, on: datetime.date | None = None) -> Dossier:
    """Post the eligible list publicly for the regulation's period."""
    day = on or _today()
    locked = _locked(dossier)
    spec = _expect(locked, Step.POSTING)
    source = spec.candidates_before(Step.POSTING)
    period = dossier_rules(locked).period(spec.key("posting_period"))
    authority = require(user, POSTING, locked, unit=locked.proposing_unit)
    if locked.state == DossierState.REGISTRATION:
        _reports_missing(locked, spec)
    transition_perform(
        obj=locked,
        transition="open_posting",
        user=user,
        action=POSTING,
        unit=locked.proposing_unit,
        authority=authority,
    )
    deadline = deadline_start(
        subject_type="nominations.dossier",
        subject_id=locked.pk,
        purpose="posting",
        length=period.length,
        day_kind=DayKind(period.day_kind),
        started_on=day,
        user=user,
    )
    Dossier.objects.filter(pk=locked.pk).update(posting_deadline=deadline)
    locked.posting_deadline = deadline
    _move(
        locked,
        source=source,
        target=CandidateState.POSTED,
        actor=user,
        action=POSTING,
        authority=authority,
    )
    return locked


@transaction.atomic
def objection_record(
    *, candidate: Candidate, user: Any, text: str, upheld: bool, on: datetime.date | None = None
) -> Candidate:
    """Record a resident's objection to one posted candidate; an upheld one strikes it."""
    day = on or _today()
    dossier = _locked(candidate.dossier)
    locked: Candidate = Candidate.objects.select_for_update().row(candidate).get()
    if dossier.state != DossierState.POSTING or locked.state != CandidateState.POSTED:
        raise InvalidTransition(_("Objections are recorded while the list is posted."))
    if dossier.posting_deadline is not None and day > dossier.posting_deadline.due_on:
        raise DeadlinePassed(
            _("The posting period ended on %(date)s.")
            % {"date": _fmt(dossier.posting_deadline.due_on)}
        )
    if not text.strip():
        raise ValidationFailed(_("Write down the objection."))
    authority = require(user, POSTING, unit=dossier.proposing_unit)
    locked.objection = text.strip()
    target = CandidateState.STRUCK if upheld else CandidateState.POSTED
    Candidate.objects.row(locked).update(objection=locked.objection, state=target)
    audit_record(
        actor=user,
        action=POSTING,
        subject=locked,
        from_state=CandidateState.POSTED,
        to_state=target,
        comment=locked.objection,
        authority=authority,
        payload={"upheld": upheld},
    )
    locked.refresh_from_db()
    return locked


# --- submission, appraisal, council ---------------------------------------------------------------


@transaction.atomic
def dossier_submit(*, dossier: Dossier, user: Any, on: datetime.date | None = None) -> Dossier:
    """Send the dossier to the deciding level; a posting cannot be closed early."""
    day = on or _today()
    locked = _locked(dossier)
    if locked.state == DossierState.RETURNED:
        return _resubmit(locked, user, day)
    spec = _expect(locked, Step.SUBMISSION)
    if locked.state == DossierState.POSTING:
        posting = _deadline(locked.posting_deadline)
        if day <= posting.due_on:
            raise PostingNotOver(
                _("The public posting runs until %(date)s; it cannot be closed early.")
                % {"date": _fmt(posting.due_on)}
            )
    authority = require(user, SUBMIT, locked, unit=locked.proposing_unit)
    if locked.state == DossierState.REGISTRATION:
        _reports_missing(locked, spec)
    source = spec.candidates_before(Step.SUBMISSION)
    problems = _criteria_problems(locked, source, day)
    if problems:
        raise CandidatesRefused(problems)
    if locked.state == DossierState.POSTING:
        deadline_complete(deadline=_deadline(locked.posting_deadline), on=day, user=user)
    transition_perform(
        obj=locked,
        transition="submit",
        user=user,
        action=SUBMIT,
        unit=locked.proposing_unit,
        authority=authority,
    )
    proposed = _move(
        locked,
        source=source,
        target=CandidateState.PROPOSED,
        actor=user,
        action=SUBMIT,
        authority=authority,
    )
    if not proposed:
        raise ValidationFailed(_("No candidate is left to propose."))
    period = dossier_rules(locked).period(spec.decision_period)
    deadline = deadline_start(
        subject_type="nominations.dossier",
        subject_id=locked.pk,
        purpose="decision",
        length=period.length,
        day_kind=DayKind(period.day_kind),
        started_on=day,
        user=user,
    )
    Dossier.objects.filter(pk=locked.pk).update(decision_deadline=deadline)
    locked.decision_deadline = deadline
    return locked


def _resubmit(locked: Dossier, user: Any, day: datetime.date) -> Dossier:
    transition_perform(
        obj=locked, transition="submit", user=user, action=SUBMIT, unit=locked.proposing_unit
    )
    deadline_resume(deadline=_deadline(locked.decision_deadline), on=day, user=user)
    return locked


@transaction.atomic
def dossier_return(
    *, dossier: Dossier, user: Any, comment: str, on: datetime.date | None = None
) -> Dossier:
    """The culture officer returns the dossier for supplement; the decision clock stops."""
    day = on or _today()
    locked = _locked(dossier)
    if not comment.strip():
        raise ValidationFailed(_("Say what is missing: a comment is required."))
    transition_perform(
        obj=locked,
        transition="return_for_supplement",
        user=user,
        action=APPRAISE,
        comment=comment,
        require_comment=True,
        unit=locked.deciding_unit,
    )
    deadline_pause(deadline=_deadline(locked.decision_deadline), on=day, user=user)
    return locked


@transaction.atomic
def dossier_accept(*, dossier: Dossier, user: Any, comment: str = "") -> Dossier:
    """The appraisal finds the dossier complete: on to the council or the decision."""
    locked = _locked(dossier)
    target = DossierState.COUNCIL if _spec(locked).council else DossierState.DECISION
    transition_perform(
        obj=locked,
        transition="accept",
        user=user,
        action=APPRAISE,
        comment=comment,
        unit=locked.deciding_unit,
        to=target,
    )
    return locked


@transaction.atomic
def council_record(
    *,
    dossier: Dossier,
    user: Any,
    minutes: str,
    refused: Sequence[Candidate] = (),
    held_on: datetime.date | None = None,
    members: int | None = None,
    present: int | None = None,
    votes: dict[int, int] | None = None,
) -> Dossier:
    """The emulation council's review, with minutes; candidates it rejects drop out.

    Where the title places the council before submission (a commune's council on its
    villages) it sits at the proposing unit and its list goes on to the posting; after
    appraisal it sits at the deciding unit and those it rejects are refused. When the rules
    give the council's approval share, every candidate's votes are required and decide.
    """
    day = held_on or _today()
    locked = _locked(dossier)
    spec = _spec(locked)
    step = spec.next_step(locked.state)
    if step not in (Step.LOCAL_COUNCIL, Step.COUNCIL):
        raise InvalidTransition(
            _("The dossier is not waiting for an emulation council's review (now: %(state)s).")
            % {"state": locked.get_state_display()}
        )
    local = step == Step.LOCAL_COUNCIL
    unit = locked.proposing_unit if local else locked.deciding_unit
    if not minutes.strip():
        raise ValidationFailed(_("The council's minutes are required."))
    authority = require(user, COUNCIL, locked, unit=unit)
    if local and locked.state == DossierState.REGISTRATION:
        _reports_missing(locked, spec)
    source = spec.candidates_before(step)
    active = set(
        Candidate.objects.of_dossier(locked).filter(state=source).values_list("pk", flat=True)
    )
    rejected = {c.pk for c in refused}
    if rejected - active:
        raise ValidationFailed(
            _("Only candidates before the council can be rejected (not: %(ids)s).")
            % {"ids": sorted(rejected - active)}
        )
    rules = dossier_rules(locked)
    quorum_key, share_key = spec.key("council_quorum_percent"), spec.key("council_approval_percent")
    if share_key in rules.rules and votes is None:
        raise ValidationFailed(
            _("The rules set the council's approval share: give each candidate's votes.")
        )
    if votes is not None:
        if members is None or present is None or not 0 < present <= members:
            raise ValidationFailed(
                _("Give the council's members and how many were present (at least one).")
            )
        if quorum_key in rules.rules and _share(present, members) < rules.percent(quorum_key):
            raise NoQuorum(
                _(
                    "No quorum: %(present)s of the council's %(members)s members attended; the "
                    "rules require %(quorum)s%%."
                )
                % {"present": present, "members": members, "quorum": rules.percent(quorum_key)}
            )
        unknown = sorted(set(votes) - active)
        missing = sorted(active - set(votes))
        bad = sorted(pk for pk, n in votes.items() if n < 0 or n > present)
        if unknown or missing or bad:
            raise ValidationFailed(
                _(
                    "Votes must be given for every candidate before the council, between 0 and "
                    "%(present)s (unknown: %(unknown)s; missing: %(missing)s; out of range: "
                    "%(bad)s)."
                )
                % {"present": present, "unknown": unknown, "missing": missing, "bad": bad}
            )
        if share_key in rules.rules:
            needed = rules.percent(share_key)
            rejected |= {pk for pk in active if _share(votes[pk], present) < needed}
    passed = sorted(active - rejected)
    transition_perform(
        obj=locked,
        transition="review" if local else "council_reviewed",
        user=user,
        action=COUNCIL,
        comment=minutes,
        unit=unit,
        payload={"passed": len(passed), "rejected": len(rejected)},
        authority=authority,
    )
    CouncilReview.objects.create(
        dossier=locked,
        unit=unit,
        held_on=day,
        members=members,
        present=present,
        votes={str(pk): n for pk, n in (votes or {}).items()},
        minutes=minutes.strip(),
        recorded_by=user,
    )
    if local:
        _move(
            locked,
            source=source,
            target=CandidateState.VOTED,
            actor=user,
            action=COUNCIL,
            authority=authority,
            only=passed,
        )
    _move(
        locked,
        source=source,
        target=CandidateState.NOT_VOTED if local else CandidateState.REFUSED,
        actor=user,
        action=COUNCIL,
        authority=authority,
        only=sorted(rejected),
    )
    return locked


# --- decision, recognition, revocation -----------------------------------------------------


def decision_content(dossier: Dossier) -> bytes:
    """What the decision signature covers: the dossier and the list it recognises."""
    ids = list(
        Candidate.objects.of_dossier(dossier)
        .filter(state=CandidateState.PROPOSED)
        .order_by("pk")
        .values_list("pk", "household_id", "unit_id", "person_id")
    )
    body = {
        "dossier": dossier.pk,
        "title": dossier.title,
        "year": dossier.year,
        "deciding_unit": dossier.deciding_unit_id,
        "candidates": ids,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def decision_checks(
    dossier: Dossier, user: Any, day: datetime.date, late_reason: str
) -> tuple[Deadline | None, Authority]:
    """What a decision must pass before it is signed (raises the refusal), and the decider's
    authority. The batch signing runs them again before it opens the key."""
    if dossier.state != DossierState.DECISION:
        raise InvalidTransition(
            _("The dossier is not waiting for a decision (now: %(state)s).")
            % {"state": dossier.get_state_display()}
        )
    if dossier.signature_id is not None:
        raise InvalidTransition(_("The decision is already signed; it awaits its number."))
    proposed = Candidate.objects.of_dossier(dossier).filter(state=CandidateState.PROPOSED)
    if not proposed.exists():
        raise ValidationFailed(_("No candidate is left to recognise."))
    problems = _criteria_problems(dossier, CandidateState.PROPOSED, day)
    if problems:
        raise CandidatesRefused(problems)
    deadline = dossier.decision_deadline
    late = deadline is not None and deadline.is_overdue(day)
    if deadline is not None and late and not late_reason.strip():
        raise DeadlinePassed(
            _("The time limit for the decision ended on %(date)s; record the reason for the delay.")
            % {"date": _fmt(deadline.due_on)}
        )
    return deadline, require(user, DECIDE, dossier, unit=dossier.deciding_unit)


@esign.refusal_recorded(esign.SIGN_REFUSED)
@transaction.atomic
def dossier_decide(
    *,
    dossier: Dossier,
    user: Any,
    on: datetime.date | None = None,
    late_reason: str = "",
    pin: str | None = None,
) -> Dossier:
    """The decider signs the decision recognising every proposed candidate: its PDF gets
    their digital signature (:mod:`workflows.nominations.esign`; ``pin`` of their token).

    After the regulation's time limit the decision needs a recorded reason.
    """
    day = on or _today()
    locked = _locked(dossier)
    deadline, authority = decision_checks(locked, user, day, late_reason)
    signature = signature_record(
        subject=locked,
        content=esign.sign_decision(locked, authority=authority, signer=user, pin=pin),
        user=user,
        action_code=DECIDE,
        unit=locked.deciding_unit,
        comment=late_reason,
        authority=authority,
    )
    Dossier.objects.filter(pk=locked.pk).update(
        signature=signature, late_reason=late_reason.strip()
    )
    if deadline is not None and deadline.completed_on is None:
        deadline_complete(deadline=deadline, on=max(day, deadline.started_on), user=user)
    locked.signature = signature
    return locked


@esign.refusal_recorded(esign.ISSUE_REFUSED)
@transaction.atomic
def decision_issue(*, dossier: Dossier, user: Any, on: datetime.date | None = None) -> Dossier:
    """Number the signed decision, fill the number and date in its PDF and add the deciding
    unit's seal signature; record every recognition in bulk."""
    day = on or _today()
    locked = _locked(dossier)
    if locked.state != DossierState.DECISION or locked.signature_id is None:
        raise InvalidTransition(_("Only a signed decision can be numbered."))
    authority = require(user, NUMBER, locked, unit=locked.deciding_unit)
    entry = number_issue(
        agency=locked.deciding_unit,
        kind=DocumentKind.objects.get(code="decision"),
        issued_on=day,
        user=user,
        subject=locked,
        subject_summary=_("Recognising the title “%(title)s” for %(year)s")
        % {"title": locked.get_title_display(), "year": locked.year},
    )
    Dossier.objects.filter(pk=locked.pk).update(register_entry=entry)
    locked.register_entry = entry
    issued = esign.issue_decision(locked, entry=entry, day=day)
    _recognise(locked, user, authority)
    transition_perform(
        obj=locked,
        transition="decide",
        user=user,
        action=NUMBER,
        unit=locked.deciding_unit,
        payload={"symbol": entry.symbol},
        authority=authority,
        content_hash=sha256_hex(issued),
    )
    return locked


def consecutive_years_after(dossier: Dossier) -> Any:
    """The consecutive years a candidate counts once recognised: the database expression."""
    # The previous year's title of the same household, unit or person: one correlated
    # lookup, on the column this title's candidates use (the others are empty).
    column = {"household": "household_id", "unit": "unit_id", "person": "person_id"}[
        SPECS[dossier.title].candidate
    ]
    previous = Candidate.objects.filter(
        title=dossier.title,
        year=dossier.year - 1,
        state=CandidateState.RECOGNISED,
        **{column: OuterRef(column)},
    ).values("consecutive_years")
    # Looked up in the dossier's province first (one partition when the table is
    # partitioned), elsewhere only when not found there (a unit moved between provinces).
    province = dossier.root_unit_id
    here = Subquery(previous.filter(province_id=province)[:1])
    elsewhere = Subquery(previous.exclude(province_id=province)[:1])
    return Coalesce(here, elsewhere, Value(0)) + 1


def _recognise(dossier: Dossier, user: Any, authority: Authority) -> None:
    """PROPOSED → RECOGNISED in one statement, counting consecutive years in the database."""
    proposed = Candidate.objects.of_dossier(dossier).filter(state=CandidateState.PROPOSED)
    ids = update_returning_pks(
        proposed,
        state=CandidateState.RECOGNISED,
        consecutive_years=consecutive_years_after(dossier),
    )
    audit_record_each(
        subject_type=CANDIDATE,
        subject_ids=ids,
        actor=user,
        action=DECIDE,
        from_state=CandidateState.PROPOSED,
        to_state=CandidateState.RECOGNISED,
        authority=authority,
    )


@transaction.atomic
def candidate_revoke(*, candidate: Candidate, user: Any, ground: str, note: str) -> Candidate:
    """Annul one candidate's title on a legal ground; the rest of the decision stands."""
    dossier = _locked(candidate.dossier)
    locked: Candidate = Candidate.objects.select_for_update().row(candidate).get()
    if locked.state != CandidateState.RECOGNISED:
        raise InvalidTransition(_("Only a recognised title can be revoked."))
    grounds = dossier_rules(dossier).get("title.revocation_grounds")
    if ground not in grounds:
        raise ValidationFailed(
            _("“%(ground)s” is not a legal ground for revocation (%(grounds)s).")
            % {"ground": ground, "grounds": ", ".join(grounds)}
        )
    if not note.strip():
        raise ValidationFailed(_("Describe the finding the revocation rests on."))
    authority = require(user, REVOKE, dossier, unit=dossier.deciding_unit)
    Candidate.objects.row(locked).update(
        state=CandidateState.REVOKED, revocation_ground=ground, revocation_note=note.strip()
    )
    audit_record(
        actor=user,
        action=REVOKE,
        subject=locked,
        from_state=CandidateState.RECOGNISED,
        to_state=CandidateState.REVOKED,
        comment=note.strip(),
        authority=authority,
        payload={"ground": ground},
    )
    locked.refresh_from_db()
    return locked


__all__ = [
    "candidate_label",
    "candidate_report_record",
    "candidate_revoke",
    "candidates_register",
    "council_record",
    "decision_issue",
    "dossier_accept",
    "dossier_create",
    "dossier_decide",
    "dossier_return",
    "dossier_submit",
    "meeting_record",
    "objection_record",
    "posting_open",
]
