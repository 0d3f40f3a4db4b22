"""The report, its states and its transitions (in memory only; the services persist)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvals.organisation.models import OrgUnit
from approvals.subjects import Subject


class ReportPeriod(models.TextChoices):
    """The reporting periods; each has its due date in the regulations."""

    SEMIANNUAL = "semiannual", _("6-month report")
    ANNUAL = "annual", _("Yearly report")


class ReportState(models.TextChoices):
    """Where a report is on its road."""

    DRAFT = "draft", _("Draft (with the commune)")
    SUBMITTED = "submitted", _("Awaiting the division head's review")
    REVIEWED = "reviewed", _("Awaiting the department's approval")
    APPROVED = "approved", _("Approved")


class MovementReport(ConcurrentTransitionMixin, models.Model):
    """A commune's report on the movement's results, sent to a division of the department."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        OrgUnit, verbose_name=_("sent to"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafter"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=16, choices=ReportPeriod.choices)
    text = models.TextField(_("results"))
    due_on = models.DateField(_("due on"))
    state = FSMField(
        _("state"), default=ReportState.DRAFT, choices=ReportState.choices, protected=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("movement result report")
        verbose_name_plural = _("movement result reports")
        ordering = ["-created_at", "-pk"]
        # the engine's action codes (migration 0002), also usable as one-off object grants
        permissions = [
            ("draft_report", "Draft a movement result report"),
            ("submit_report", "Submit a movement result report"),
            ("review_report", "Review a movement result report"),
            ("approve_report", "Approve a movement result report"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.get_period_display()} {self.year}"

    def approval_subject(self) -> Subject:
        """Owned by the reporting unit; its drafter may never review or approve it."""
        return Subject(unit=self.unit, author_ids=frozenset({self.author_id}))

    def content_hash(self) -> str:
        """SHA-256 of the text the audit events vouch for."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    @transition(field=state, source=ReportState.DRAFT, target=ReportState.SUBMITTED)
    def submit(self) -> None:
        """Sent to the division head."""

    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.REVIEWED)
    def review(self) -> None:
        """Checked by the division head, sent on for approval."""

    @transition(field=state, source=ReportState.REVIEWED, target=ReportState.APPROVED)
    def approve(self) -> None:
        """Approved by the department's leadership."""
