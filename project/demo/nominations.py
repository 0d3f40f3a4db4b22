"""The demo's recognition decision: Thôn Hạ's “Gia đình văn hóa” dossier taken through its
workflow to a decision signed by the chairman of Tân Dĩnh and issued by its văn thư with the
commune's seal signature (the test PKI's certificates). A second run adds nothing."""

from __future__ import annotations

import datetime
from typing import Any

from approvals.organisation.models import OrgUnit
from workflows.nominations.models import Dossier, Household, Title

VILLAGE = "tandinh_ha"
#: Calendar days before the seeding day of each step: registration, meeting, posting,
#: submission (the posting runs its legal period in between; the decision comes within its
#: time limit, on the seeding day).
STEP_DAYS = {"create": 30, "meeting": 27, "posting": 26, "submit": 10}
#: The meeting: invited, present and the votes each household gets.
MEETING = (40, 32, 30)


def seed_decision(*, users: dict[str, Any], units: dict[str, OrgUnit], today: datetime.date) -> int:
    """One issued, digitally signed recognition decision; returns 1 if created, else 0."""
    from workflows.nominations import flow_actions as flows
    from workflows.nominations.services import dossier_create

    village = units[VILLAGE]
    if Dossier.objects.filter(proposing_unit=village, title=Title.CULTURAL_FAMILY).exists():
        return 0
    head, officer = users["truongthon.ha"], users["vanhoa.tandinh"]
    chairman, clerk = users["chutich.tandinh"], users["vanthu.tandinh"]

    def day(step: str) -> datetime.date:
        return today - datetime.timedelta(days=STEP_DAYS[step])

    dossier = dossier_create(
        user=head,
        title=Title.CULTURAL_FAMILY,
        year=today.year,
        proposing_unit=village,
        on=day("create"),
    )
    flows.flow_start(dossier, head)
    households = list(Household.objects.filter(village=village).order_by("code"))
    flows.flow_register(dossier, head, households=households, on=day("create"))
    invited, present, votes = MEETING
    flows.flow_meeting(
        dossier,
        head,
        held_on=day("meeting"),
        invited=invited,
        present=present,
        votes=dict.fromkeys(dossier.candidates.values_list("pk", flat=True), votes),
        chaired_by=head.get_full_name(),
    )
    flows.flow_open_posting(dossier, head, on=day("posting"))
    flows.flow_submit(dossier, head, on=day("submit"))
    flows.flow_accept(dossier, officer)
    flows.flow_decide(dossier, chairman, on=today)
    flows.flow_issue_decision(dossier, clerk, on=today)
    return 1


__all__ = ["seed_decision"]
