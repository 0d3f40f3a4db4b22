"""Recording a review meeting from a sheet of the votes for each household."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.acts import ActKind, act_date_check
from approvals.audit.services import audit_record
from approvals.exceptions import InvalidTransition
from approvals.organisation.resolver import require
from workflows.nominations import services
from workflows.nominations.imports.checking import Checker
from workflows.nominations.imports.reading import (
    PROGRESS_EVERY,
    Column,
    Progress,
    Table,
    file_sha256,
    read_table,
)
from workflows.nominations.models import Candidate, Dossier, Household
from workflows.nominations.titles import SPECS

if TYPE_CHECKING:
    from approvals.organisation.resolver import Authority
    from workflows.nominations.models import Meeting

IMPORT_VOTES = "nominations.import_votes"

#: PositiveIntegerField's bound; the number present is the real limit.
_MAX_VOTES = 2_147_483_647

VOTE_COLUMNS = (
    Column("code", "Mã hộ", ("Mã hộ", "Mã hộ gia đình", "code", "household code")),
    Column(
        "votes_for",
        "Số phiếu đồng ý",
        ("Số phiếu đồng ý", "Phiếu đồng ý", "votes_for", "votes for", "votes"),
    ),
)


def votes_import_check(
    *, dossier: Dossier, user: Any, held_on: datetime.date
) -> tuple[Authority, datetime.date]:
    """The user's authority to record the dossier's meeting from a sheet and the meeting's
    day as accepted, or the refusal (before the sheet is read)."""
    authority = require(user, services.MEETING, unit=dossier.proposing_unit)
    # The meeting's day is an act's date: refused before the sheet is even read.
    held_on = act_date_check(ActKind.MEETING, held_on, unit=dossier.proposing_unit)
    spec = SPECS[dossier.title]
    if not spec.meeting or spec.candidate != "household":
        raise InvalidTransition(
            _("Votes can only be imported for a title whose review meeting votes on households.")
        )
    return authority, held_on


def votes_import(
    *,
    dossier: Dossier,
    user: Any,
    data: bytes,
    filename: str,
    held_on: datetime.date,
    invited: int,
    present: int,
    chaired_by: str,
    minutes: str = "",
    progress: Progress | None = None,
) -> Meeting:
    """Record the review meeting from a sheet of “Mã hộ” and “Số phiếu đồng ý” per household.

    Every registered household needs exactly one row; the meeting itself (quorum, approval
    share) is checked and recorded by :func:`services.meeting_record`: a meeting without the
    quorum is recorded as inquorate and the sheet's votes are not counted.
    ``progress(done, total)`` is told the rows checked, then all of them once recorded.
    """
    authority, held_on = votes_import_check(dossier=dossier, user=user, held_on=held_on)
    table = read_table(data, filename, VOTE_COLUMNS)
    with transaction.atomic():
        votes = _votes(table, dossier, present, filename, progress)
        meeting = services.meeting_record(
            dossier=dossier,
            user=user,
            held_on=held_on,
            invited=invited,
            present=present,
            votes=votes,
            chaired_by=chaired_by,
            minutes=minutes,
        )
        audit_record(
            actor=user,
            action=IMPORT_VOTES,
            subject=dossier,
            authority=authority,
            payload={
                "count": len(votes),
                "filename": filename,
                "sha256": file_sha256(data),
                "meeting": meeting.pk,
                # an inquorate meeting is recorded from the sheet but counts none of its votes
                "counted": meeting.quorate,
            },
        )
    if progress is not None:
        progress(len(table.rows), len(table.rows))
    return meeting


def _votes(
    table: Table, dossier: Dossier, present: int, filename: str, progress: Progress | None
) -> dict[int, int]:
    check = Checker(table)
    candidates: dict[str, list[Household]] = {}
    pks: dict[int, int] = {}  # household -> candidate
    for pk, household in (
        (c.pk, c.household)
        for c in Candidate.objects.filter(dossier=dossier).select_related("household")
    ):
        if household is not None:
            candidates.setdefault(household.code, []).append(household)
            pks[household.pk] = pk
    votes: dict[int, int] = {}
    first_row: dict[str, int] = {}
    for checked, row in enumerate(table.rows):
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(checked, len(table.rows))
        code = check.text(row, "code", required=True)
        count = check.whole(row, "votes_for", low=0, high=_MAX_VOTES)
        if count is not None and count > present:
            check.add(
                row.number,
                "votes_for",
                _("%(votes)s votes, but only %(present)s people were present")
                % {"votes": count, "present": present},
            )
            count = None
        if not code:
            continue
        matches = candidates.get(code, [])
        if code in first_row:
            check.add(
                row.number,
                "code",
                _("the code %(code)s is already in row %(row)s")
                % {"code": code, "row": first_row[code]},
            )
        elif not matches:
            check.add(
                row.number,
                "code",
                _("no household with the code %(code)s is a candidate in this dossier")
                % {"code": code},
            )
        elif len(matches) > 1:
            check.add(
                row.number,
                "code",
                _("several candidate households have the code %(code)s") % {"code": code},
            )
        elif count is not None:
            votes[pks[matches[0].pk]] = count
        first_row.setdefault(code, row.number)
    for code, matches in sorted(candidates.items()):
        if code not in first_row:
            for household in matches:
                check.add(
                    None,
                    "code",
                    _("the household %(code)s (%(name)s) has no row in the file")
                    % {"code": code, "name": household.head_name},
                )
    check.raise_if_any(filename)
    return votes


__all__ = ["IMPORT_VOTES", "VOTE_COLUMNS", "votes_import", "votes_import_check"]
