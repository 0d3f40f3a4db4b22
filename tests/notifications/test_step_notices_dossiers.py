"""A dossier's steps tell who takes the next step, and tell its author what was decided."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from approvals.notifications.models import Notification, NotificationKind
from tests.nominations.timeline import timeline, today_is  # noqa: F401  (fixture)
from workflows.nominations.models import Title
from workflows.nominations.services import (
    candidates_register,
    decision_issue,
    dossier_accept,
    dossier_create,
    dossier_decide,
    dossier_return,
    dossier_submit,
    meeting_record,
    posting_open,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("timeline")]
D = datetime.date
ACTION = NotificationKind.ACTION
OUTCOME = NotificationKind.OUTCOME


def told(since: int) -> set[tuple[str, str]]:
    return set(Notification.objects.filter(pk__gt=since).values_list("recipient__username", "kind"))


def last() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_dossiers_cycle_tells_each_next_holder_and_the_village_head_the_outcome(
    commune: Any,
) -> None:
    c = commune
    head = c.village_head.username
    dossier = dossier_create(
        user=c.village_head,
        title=Title.CULTURAL_FAMILY,
        year=2026,
        proposing_unit=c.village,
        on=D(2026, 10, 1),
    )
    candidates_register(dossier=dossier, user=c.village_head, households=c.households)
    today_is(D(2026, 10, 5))
    meeting_record(
        dossier=dossier,
        user=c.village_head,
        held_on=D(2026, 10, 5),
        invited=40,
        present=32,
        votes={cand.pk: 30 for cand in dossier.candidates.all()},
        chaired_by="Ngô Văn Bình",
    )
    today_is(D(2026, 10, 6))
    posting_open(dossier=dossier, user=c.village_head, on=D(2026, 10, 6))
    # the village head takes every step at the village: nobody else is told yet
    assert told(0) == set()

    mark = last()
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 17))
    assert told(mark) == {(c.officer.username, ACTION)}
    notice = Notification.objects.get(pk__gt=mark)
    assert notice.url == reverse("nominations:detail", args=[dossier.pk])
    assert notice.subject_type == "nominations.dossier"
    assert "thẩm định" in notice.title  # "… đang chờ đồng chí thẩm định"

    mark = last()
    dossier_return(
        dossier=dossier, user=c.officer, comment="Thiếu biên bản họp", on=D(2026, 10, 19)
    )
    assert told(mark) == {(head, OUTCOME)}
    returned = Notification.objects.get(pk__gt=mark)
    assert "Thiếu biên bản họp" in returned.body

    mark = last()
    dossier_submit(dossier=dossier, user=c.village_head, on=D(2026, 10, 23))
    assert told(mark) == {(c.officer.username, ACTION)}

    mark = last()
    dossier_accept(dossier=dossier, user=c.officer)
    assert told(mark) == {(c.chairman.username, ACTION), (head, OUTCOME)}

    today_is(D(2026, 10, 28))
    mark = last()
    dossier_decide(dossier=dossier, user=c.chairman, on=D(2026, 10, 28))
    assert told(mark) == {(c.clerk.username, ACTION), (head, OUTCOME)}

    mark = last()
    decision_issue(dossier=dossier, user=c.clerk, on=D(2026, 10, 28))
    assert told(mark) == {(head, OUTCOME)}
    issued = Notification.objects.get(pk__gt=mark)
    dossier.refresh_from_db()
    assert dossier.register_entry.symbol in issued.title
