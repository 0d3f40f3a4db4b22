"""The notification list page, the selector and marking read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.audit.models import AuditEvent
from approvals.exceptions import ValidationFailed
from approvals.notifications.models import Notification, NotificationKind
from approvals.notifications.selectors import NOTIFICATIONS_SHOWN, notifications_for
from approvals.notifications.services import notification_mark_read
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notify(user, count, *, title="Nhắc việc: trình hồ sơ — Hồ sơ số {n}"):
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=NotificationKind.REMINDER,
            subject_type="testapp.case",
            subject_id=str(n),
            url=f"/cases/{n}/",
            title=title.format(n=n),
            body="Thời hạn kết thúc ngày 11/02/2027.",
        )
        for n in range(count)
    )


def test_the_page_needs_a_signed_in_user(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_lists_my_notifications_only_in_vietnamese(client):
    me, other = UserFactory(username="me"), UserFactory(username="other")
    notify(me, 2)
    notify(other, 1, title="Thư của người khác {n}")
    client.force_login(me)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nhắc việc: trình hồ sơ — Hồ sơ số 1" in page
    assert "Thư của người khác" not in page
    assert "2 thông báo chưa đọc." in page
    assert "Đánh dấu tất cả đã đọc" in page


def test_marking_one_read_then_all_from_the_page(client):
    me, other = UserFactory(username="me"), UserFactory(username="other")
    first, second = notify(me, 2)
    (theirs,) = notify(other, 1)
    client.force_login(me)
    response = client.post(reverse("notifications:read"), {"id": first.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    # someone else's notification is never marked, even when named
    client.post(reverse("notifications:read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("notifications:read"))
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1
    response = client.get(reverse("notifications:list") + "?unread=1")
    assert "Đồng chí chưa có thông báo nào." in response.content.decode()


def test_the_page_is_refused_for_get_on_the_read_url(client):
    client.force_login(UserFactory(username="me"))
    assert client.get(reverse("notifications:read")).status_code == 405


def test_mark_read_writes_one_audit_event_and_refuses_anonymous():
    me = UserFactory(username="me")
    notify(me, 3)
    assert notification_mark_read(user=me) == 3
    assert notification_mark_read(user=me) == 0
    event = AuditEvent.objects.get(action="approvals_notifications.mark_read")
    assert event.actor_id == me.pk
    assert len(event.payload["notifications"]) == 3
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationFailed):
        notification_mark_read(user=AnonymousUser())


def _page_queries(client, user):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_page_and_the_selector_make_a_fixed_number_of_queries(client):
    few, many = UserFactory(username="few"), UserFactory(username="many")
    notify(few, 10)
    notify(many, 1000)
    client.force_login(few)
    few_queries, _ = _page_queries(client, few)
    client.force_login(many)
    many_queries, response = _page_queries(client, many)
    assert few_queries == many_queries
    assert response.content.decode().count('class="notification ') == NOTIFICATIONS_SHOWN
    listing = notifications_for(many)
    assert len(listing.items) == NOTIFICATIONS_SHOWN
    assert listing.unread == 1000
