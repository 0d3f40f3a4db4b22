"""Notifications shown in the site (and e-mailed), and the ledger of reminders sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """Why a notification was sent."""

    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")
    INFO = "info", _("Information")
    ACTION = "action", _("Your turn to act")
    OUTCOME = "outcome", _("Outcome of your case")


#: The kinds a step of a process sends, which each user may choose how to receive.
CHOOSABLE_KINDS: tuple[str, ...] = (NotificationKind.ACTION, NotificationKind.OUTCOME)


class Notification(models.Model):
    """A message to one user about one object, kept in the site and possibly e-mailed.

    The object is named like audit events (``"app_label.model"`` and its id), so the engine
    never imports the process that owns it. Title and body are rendered in the site's
    default language (Vietnamese) when the notification is sent.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    subject_type = models.CharField(
        _("subject type"), max_length=100, help_text=_('The kind of object, as "app_label.model".')
    )
    subject_id = models.CharField(_("subject id"), max_length=64)
    subject_label = models.CharField(_("subject"), max_length=255, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    deadline = models.ForeignKey(
        "approvals_calendar.Deadline",
        verbose_name=_("deadline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        """Whether the recipient marked it read."""
        return self.read_at is not None


class ReminderSent(models.Model):
    """One reminder or escalation stage sent to one user for one deadline; never twice.

    The unique constraint is what guarantees it: a pass claims its rows with an insert
    that does nothing on conflict, so two concurrent passes cannot both claim a row.
    ``run`` tells a pass which rows it claimed itself.
    """

    deadline = models.ForeignKey(
        "approvals_calendar.Deadline",
        verbose_name=_("deadline"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    stage = models.CharField(
        _("stage"),
        max_length=32,
        help_text=_('Which reminder it was, e.g. "before:3" or "after:1" (working days).'),
    )
    run = models.UUIDField(_("pass"))
    sent_on = models.DateField(_("sent on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["run"], name="remindersent_run_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind", "recipient", "stage"], name="remindersent_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="remindersent_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.kind} {self.stage} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """How one user wants one kind of notification: in the site, by e-mail, both or neither.

    Without a row a kind is delivered both ways (the defaults below).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    site = models.BooleanField(_("in the site"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notificationpref_once"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notificationpref_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: site={self.site} email={self.email}"
