"""Notices a step of a process sends: "your turn to act" and "what you started was decided".

A process calls :func:`notify` inside the transaction of the step it takes, with the users
to tell, the kind of notice and what it is about. Each recipient's choice for that kind
(:class:`~approvals.notifications.models.NotificationPreference`; both ways without one)
says whether the notice is kept in the site, e-mailed, both or neither. The notices are
written in the step's transaction; the e-mails go out once it commits, so a step rolled
back sends nothing. Two queries whatever the number of recipients, none without any.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.notifications.models import CHOOSABLE_KINDS, Notification
from approvals.people import person_name

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["Mail", "Notice", "Send", "email_enabled", "notify", "notify_many"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """What a notice is about and says (texts already in the site's language).

    ``subject_type`` names the object as audit events do (``"app_label.model"``).
    """

    subject_type: str
    subject_id: str
    label: str
    url: str
    title: str
    body: str = ""


@dataclass(frozen=True)
class Mail:
    """One e-mail to send once the step commits."""

    to: str
    subject: str
    body: str


def email_enabled() -> bool:
    """Whether notices are e-mailed at all (``NOTIFICATIONS_EMAIL``, on by default)."""
    return bool(getattr(settings, "NOTIFICATIONS_EMAIL", True))


def mail_text(name: str, paragraphs: Sequence[str], url: str) -> str:
    """An e-mail's text: the greeting, the paragraphs, the link on the site and the footer
    (the deadline reminders' e-mails read the same way)."""
    parts = [_("Dear %(name)s,") % {"name": name}, *(p for p in paragraphs if p)]
    if url:
        base = str(getattr(settings, "NOTIFICATIONS_SITE_URL", "")).rstrip("/")
        parts.append(_("Open: %(url)s") % {"url": f"{base}{url}"})
    footer = _("This message was sent automatically by the approvals system; please do not reply.")
    parts.append(f"--\n{footer}")
    return "\n\n".join(parts)


def _send(mails: list[Mail]) -> None:
    """Send ``mails`` on one connection; a failure is logged, never raised after the commit."""
    try:
        connection = get_connection(fail_silently=False)
    except Exception:
        logger.exception("Opening the e-mail connection failed")
        return
    for mail in mails:
        try:
            send_mail(
                mail.subject,
                mail.body,
                None,
                [mail.to],
                fail_silently=False,
                connection=connection,
            )
        except Exception:
            logger.exception("Notice e-mail to %s failed", mail.to)


@dataclass(frozen=True)
class Send:
    """Tell the users ``recipient_ids`` (less ``exclude``) about ``notice`` as ``kind``."""

    kind: str
    recipient_ids: frozenset[int]
    notice: Notice
    exclude: frozenset[int] = frozenset()

    @property
    def ids(self) -> set[int]:
        return set(self.recipient_ids) - set(self.exclude)


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    notice: Notice,
    exclude: Iterable[int | None] = (),
) -> list[Notification]:
    """Tell the active users of ``recipient_ids`` (less ``exclude``) about ``notice``.

    Returns the notices kept in the site. Call it inside the transaction of the step it is
    about: its e-mails are sent on commit.
    """
    excluded = frozenset(pk for pk in exclude if pk is not None)
    return notify_many([Send(kind, frozenset(recipient_ids), notice, excluded)])


def notify_many(sends: Sequence[Send]) -> list[Notification]:
    """Deliver several notices of one step at once: two queries, none without recipients."""
    wanted = [send for send in sends if send.ids]
    if not wanted:
        return []
    for send in wanted:
        if send.kind not in CHOOSABLE_KINDS:
            raise ValueError(f"{send.kind!r} is not a kind a step sends")
    rows = get_user_model().objects.filter(
        pk__in={pk for send in wanted for pk in send.ids}, is_active=True
    )
    for kind in CHOOSABLE_KINDS:
        rows = rows.annotate(
            **{
                f"choice_{kind}": FilteredRelation(
                    "notification_preferences",
                    condition=Q(notification_preferences__kind=kind),
                )
            }
        ).annotate(
            **{
                f"site_{kind}": F(f"choice_{kind}__site"),
                f"email_{kind}": F(f"choice_{kind}__email"),
            }
        )
    users = {u.pk: u for u in rows.only("pk", "username", "first_name", "last_name", "email")}
    now = timezone.now()
    emailing = email_enabled()
    kept: list[Notification] = []
    mails: list[Mail] = []
    for send in wanted:
        notice = send.notice
        for pk in sorted(send.ids):
            user = users.get(pk)
            if user is None:
                continue
            emailed = (
                emailing and bool(user.email) and getattr(user, f"email_{send.kind}") is not False
            )
            if emailed:
                body = mail_text(person_name(user), [notice.title, notice.body], notice.url)
                mails.append(Mail(user.email, notice.title[:255], body))
            if getattr(user, f"site_{send.kind}") is False:
                continue
            kept.append(
                Notification(
                    recipient_id=pk,
                    kind=send.kind,
                    subject_type=notice.subject_type,
                    subject_id=notice.subject_id,
                    subject_label=notice.label[:255],
                    url=notice.url,
                    title=notice.title[:255],
                    body=notice.body,
                    created_at=now,
                    emailed_at=now if emailed else None,
                )
            )
    if kept:
        Notification.objects.bulk_create(kept)
    if mails:
        transaction.on_commit(partial(_send, mails))
    return kept
