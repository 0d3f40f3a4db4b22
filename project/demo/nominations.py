"""The demo's recognition decision: Thôn Đồng Sen's “Gia đình văn hóa” dossier taken through its
workflow to a decision signed by the chairman of Tân Dĩnh and issued by its văn thư with the
commune's seal signature (the test PKI's certificates). A second run adds nothing."""

from __future__ import annotations

import datetime
from typing import Any

from approvals.acts import recorded_as_of
from approvals.organisation.models import OrgUnit
from approvals.people import person_name
from workflows.nominations.models import Dossier, Household, Title

VILLAGE = "tandinh_dongsen"
HEAD = "truongthon.dongsen"
#: Calendar days before the seeding day of each step: registration, meeting, posting,
#: submission (the posting runs its legal period in between; the decision comes within its
#: time limit, on the seeding day).
STEP_DAYS = {"create": 30, "meeting": 27, "posting": 26, "submit": 10}
#: The meeting: invited, present and the votes each household gets.
MEETING = (40, 32, 30)


def dossier_to_decision(
    *, village: OrgUnit, users: dict[str, Any], head: str, today: datetime.date
) -> Dossier:
    """The village's “Gia đình văn hóa” dossier through its workflow up to the decision:
    every household registered, voted, posted, submitted and accepted."""
    from workflows.nominations import flow_actions as flows
    from workflows.nominations.services import dossier_create

    leader, officer = users[head], users["vanhoa.tandinh"]

    def day(step: str) -> datetime.date:
        return today - datetime.timedelta(days=STEP_DAYS[step])

    dossier = dossier_create(
        user=leader,
        title=Title.CULTURAL_FAMILY,
        year=today.year,
        proposing_unit=village,
        on=day("create"),
    )
    flows.flow_start(dossier, leader)
    households = list(Household.objects.filter(village=village).order_by("code"))
    flows.flow_register(dossier, leader, households=households, on=day("create"))
    invited, present, votes = MEETING
    # The past acts are recorded as of their days (approvals.acts): the demo builds history.
    with recorded_as_of(day("meeting")):
        flows.flow_meeting(
            dossier,
            leader,
            held_on=day("meeting"),
            invited=invited,
            present=present,
            votes=dict.fromkeys(dossier.candidates.values_list("pk", flat=True), votes),
            chaired_by=person_name(leader),
        )
    with recorded_as_of(day("posting")):
        flows.flow_open_posting(dossier, leader, on=day("posting"))
    flows.flow_submit(dossier, leader, on=day("submit"))
    flows.flow_accept(dossier, officer)
    return dossier


def seed_decision(*, users: dict[str, Any], units: dict[str, OrgUnit], today: datetime.date) -> int:
    """One issued, digitally signed recognition decision; returns 1 if created, else 0."""
    from workflows.nominations import flow_actions as flows

    village = units[VILLAGE]
    if Dossier.objects.filter(proposing_unit=village, title=Title.CULTURAL_FAMILY).exists():
        return 0
    dossier = dossier_to_decision(village=village, users=users, head=HEAD, today=today)
    with recorded_as_of(today):
        flows.flow_decide(dossier, users["chutich.tandinh"], on=today)
        flows.flow_issue_decision(dossier, users["vanthu.tandinh"], on=today)
    return 1


__all__ = ["dossier_to_decision", "seed_decision"]
