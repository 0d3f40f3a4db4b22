"""The titles' criteria: who may be a candidate and who still qualifies at each step."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from approvals.exceptions import ValidationFailed
from approvals.organisation.models import OrgUnit, Position
from approvals.organisation.resolver import user_label
from workflows.nominations.exceptions import CandidatesRefused, Problem
from workflows.nominations.models import (
    DISCIPLINE_ORDER,
    RATING_ORDER,
    Candidate,
    CandidateState,
    Discipline,
    DisciplineLevel,
    Dossier,
    PerformanceRating,
    Rating,
    Title,
)
from workflows.nominations.services._common import _share, _spec, candidate_label, dossier_rules
from workflows.nominations.titles import TitleSpec

if TYPE_CHECKING:
    from collections.abc import Sequence


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
