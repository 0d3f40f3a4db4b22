"""Each user's choice per kind: in the site, by e-mail; e-mails go out only once committed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from approvals.notifications.models import Notification, NotificationKind
from approvals.notifications.notices import Notice, notify
from approvals.notifications.selectors import unread_count
from approvals.notifications.services import preferences_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTICE = Notice("plans.plan", "7", "Kế hoạch 7", "/plans/7/", "Kế hoạch 7 đang chờ đồng chí ký")


def send(user: Any, kind: str, capture: Any) -> list[Notification]:
    with capture(execute=True):
        return notify(recipient_ids=[user.pk], kind=kind, notice=NOTICE)


def test_by_default_a_notice_is_kept_in_the_site_and_e_mailed_with_its_link(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory(email="a@example.vn", first_name="Trang", last_name="Trần Thu")
    kept = send(user, NotificationKind.ACTION, django_capture_on_commit_callbacks)
    assert [n.recipient_id for n in kept] == [user.pk]
    assert unread_count(user) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.vn"]
    assert message.subject == NOTICE.title
    assert "/plans/7/" in message.body
    assert "Trần Thu Trang" in message.body  # family name first
    assert Notification.objects.get().emailed_at is not None


def test_no_address_or_e_mail_off_on_the_site_means_no_e_mail(
    django_capture_on_commit_callbacks: Any,
) -> None:
    nobody = UserFactory(email="")
    send(nobody, NotificationKind.ACTION, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert unread_count(nobody) == 1
    user = UserFactory(email="b@example.vn")
    with override_settings(NOTIFICATIONS_EMAIL=False):
        send(user, NotificationKind.ACTION, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert unread_count(user) == 1


def test_a_kind_turned_off_is_neither_kept_nor_e_mailed_as_chosen(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory(email="c@example.vn")
    preferences_set(
        user=user,
        choices={NotificationKind.ACTION: (True, False), NotificationKind.OUTCOME: (False, True)},
    )
    # "your turn" in the site only
    send(user, NotificationKind.ACTION, django_capture_on_commit_callbacks)
    assert unread_count(user) == 1
    assert mail.outbox == []
    # outcomes by e-mail only
    send(user, NotificationKind.OUTCOME, django_capture_on_commit_callbacks)
    assert unread_count(user) == 1
    assert [m.to for m in mail.outbox] == [["c@example.vn"]]
    # both off: nothing at all
    preferences_set(user=user, choices={NotificationKind.OUTCOME: (False, False)})
    mail.outbox.clear()
    send(user, NotificationKind.OUTCOME, django_capture_on_commit_callbacks)
    assert unread_count(user) == 1
    assert mail.outbox == []


def test_the_preferences_page_saves_the_choice_and_the_bell_counts_unread(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory(email="d@example.vn")
    client = Client()
    client.force_login(user)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert 'name="action-email" data-testid="pref-action-email" checked' in page.text
    answer = client.post(
        reverse("notifications:preferences"),
        {"action-site": "on", "outcome-site": "on", "outcome-email": "on"},
    )
    assert answer.status_code == 302
    send(user, NotificationKind.ACTION, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # action e-mails turned off on the page
    home = client.get(reverse("notifications:list"))
    assert 'data-testid="notification-count">1<' in home.text
    opened = Notification.objects.get(recipient=user)
    assert f'href="{reverse("notifications:open", args=[opened.pk])}"' in home.text
    client.post(reverse("notifications:read"))  # mark all read
    assert 'data-testid="notification-count"' not in client.get(reverse("notifications:list")).text


def test_opening_a_notice_reads_it_and_leads_to_its_page_only_for_its_recipient(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user, other = UserFactory(), UserFactory()
    (notice,) = send(user, NotificationKind.ACTION, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(other)
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    client.force_login(user)
    answer = client.get(reverse("notifications:open", args=[notice.pk]))
    assert answer.status_code == 302
    assert answer["Location"] == "/plans/7/"
    assert unread_count(user) == 0


def test_a_notice_whose_link_leaves_the_site_opens_the_list_instead() -> None:
    user = UserFactory()
    notice = Notification.objects.create(
        recipient=user, kind=NotificationKind.ACTION, title="x", url="https://evil.example/"
    )
    client = Client()
    client.force_login(user)
    answer = client.get(reverse("notifications:open", args=[notice.pk]))
    assert answer["Location"] == reverse("notifications:list")
