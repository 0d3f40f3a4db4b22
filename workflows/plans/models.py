"""Plans (Kế hoạch) and the documents that travel the same road.

A plan's content lives in immutable revisions; approvals, consultation answers and the
signature point at the revision they were given on, so a later change is visible and
an approval of an older revision no longer counts.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from approvals.exceptions import AuditEventImmutable
from approvals.handover.models import HandedOver
from approvals.organisation.models import OrgUnit
from approvals.registers.models import DocumentKind
from approvals.subjects import Subject


class PlanState(models.TextChoices):
    """Where a plan is on its road."""

    DRAFT = "draft", _("Draft (with the drafter)")
    DIVISION_REVIEW = "division_review", _("Division head review")
    FORMAT_CHECK = "format_check", _("Department office format check")
    CONSULTATION = "consultation", _("Steering-committee consultation")
    SIGNATURE = "signature", _("Awaiting signature")
    SIGNED = "signed", _("Signed, awaiting number and dispatch")
    IN_FORCE = "in_force", _("In force")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: The review steps in order; each needs an approval of the revision that is signed.
REVIEW_STEPS: tuple[str, ...] = (
    PlanState.DIVISION_REVIEW,
    PlanState.FORMAT_CHECK,
    PlanState.CONSULTATION,
)
BEFORE_SIGNATURE = (PlanState.DRAFT, *REVIEW_STEPS, PlanState.SIGNATURE)


def canonical_content(content: dict[str, Any]) -> bytes:
    """The revision content as canonical JSON bytes (what its hash covers)."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


class Plan(ConcurrentTransitionMixin, HandedOver):
    """A plan or another administrative document on its way to signature and dispatch."""

    issuing_agency = models.ForeignKey(
        OrgUnit,
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="issued_plans",
    )
    drafting_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("drafting unit"),
        on_delete=models.PROTECT,
        related_name="drafted_plans",
    )
    kind = models.ForeignKey(
        DocumentKind, verbose_name=_("document kind"), on_delete=models.PROTECT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafter"),
        on_delete=models.PROTECT,
        related_name="drafted_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    subject_summary = models.CharField(_("subject summary"), max_length=500)
    state = FSMField(_("state"), default=PlanState.DRAFT, choices=PlanState.choices, protected=True)
    revision_number = models.PositiveIntegerField(_("current revision"), default=0)
    returned_from = models.CharField(
        _("returned from step"), max_length=32, blank=True, choices=PlanState.choices
    )
    needs_consultation = models.BooleanField(_("consult the steering committee"), default=False)
    consultation_working_days = models.PositiveSmallIntegerField(
        _("working days given to consulted agencies"), default=0
    )
    consulted_agencies = models.ManyToManyField(
        OrgUnit, verbose_name=_("consulted agencies"), blank=True, related_name="+"
    )
    recipient_units = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("recipient units"),
        blank=True,
        related_name="received_plans",
        help_text=_("Units the plan is dispatched to inside the system."),
    )
    basis_plans = models.ManyToManyField(
        "self",
        verbose_name=_("implements"),
        symmetrical=False,
        blank=True,
        related_name="implementing_plans",
        help_text=_("Plans this one implements (its basis), e.g. the committee's yearly plan."),
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces or amends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    register_entry = models.OneToOneField(
        "approvals_registers.RegisterEntry",
        verbose_name=_("register entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signature = models.OneToOneField(
        "approvals_audit.Signature",
        verbose_name=_("signature"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-created_at"]
        permissions = [
            ("draft_plan", "Draft a plan"),
            ("review_plan", "Review a plan as division head"),
            ("check_plan_format", "Check a plan's format"),
            ("answer_consultation", "Answer a consultation"),
            ("sign_plan", "Sign a plan"),
            ("issue_plan", "Number, dispatch and file a plan"),
            ("acknowledge_plan", "Acknowledge receipt of a plan"),
            ("submit_report", "Submit a periodic report"),
            ("close_plan", "Close a plan after its final review"),
        ]
        indexes = [models.Index(fields=["state", "issuing_agency"], name="plan_state_idx")]

    def __str__(self) -> str:
        entry = self.register_entry
        number = entry.symbol if entry is not None else ""
        label = f"{self.kind.name} {number}".strip() if self.kind_id else str(self.pk)
        return f"{label}: {self.subject_summary}"

    def approval_subject(self) -> Subject:
        """Owned by the drafting unit; its drafter may never approve or sign it."""
        return Subject(unit=self.drafting_unit, author_ids=frozenset({self.author_id}))

    @property
    def current_revision(self) -> PlanRevision:
        """The revision now under work."""
        return self.revisions.get(number=self.revision_number)

    # --- transitions: in-memory only; the services check, persist and audit ---------------

    @transition(
        field=state,
        source=PlanState.DRAFT,
        target=RETURN_VALUE(*REVIEW_STEPS, PlanState.SIGNATURE),
    )
    def submit(self, to: str) -> str:
        """Submitted (or resubmitted) to step ``to``, chosen by the service."""
        return to

    @transition(
        field=state,
        source=REVIEW_STEPS,
        target=RETURN_VALUE(*REVIEW_STEPS, PlanState.SIGNATURE),
    )
    def advance(self, to: str) -> str:
        """From a review step to the next step ``to`` that needs this revision's approval."""
        return to

    @transition(field=state, source=(*REVIEW_STEPS, PlanState.SIGNATURE), target=PlanState.DRAFT)
    def return_to_drafter(self) -> None:
        """Back to the drafter with a comment."""

    @transition(field=state, source=PlanState.SIGNATURE, target=PlanState.SIGNED)
    def sign(self) -> None:
        """Signed by a competent leader."""

    @transition(field=state, source=PlanState.SIGNED, target=PlanState.IN_FORCE)
    def issue(self) -> None:
        """Numbered, dated, dispatched and filed."""

    @transition(field=state, source=PlanState.IN_FORCE, target=PlanState.CLOSED)
    def close(self) -> None:
        """Closed after the final review."""

    @transition(field=state, source=BEFORE_SIGNATURE, target=PlanState.WITHDRAWN)
    def withdraw(self) -> None:
        """Withdrawn by its drafter before signature."""


class PlanRevision(models.Model):
    """One immutable version of a plan's content."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    content: models.JSONField[dict[str, Any]] = models.JSONField(_("content"))
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} r{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Revisions are written once."""
        if not self._state.adding:
            raise AuditEventImmutable(_("A revision cannot be changed; make a new one."))
        self.content_sha256 = hashlib.sha256(canonical_content(self.content)).hexdigest()
        super().save(*args, **kwargs)


class StepDecision(models.TextChoices):
    """What a reviewer decided."""

    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned to the drafter")


class PlanApproval(models.Model):
    """A reviewer's decision at a step, on one revision."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="approvals"
    )
    step = models.CharField(_("step"), max_length=32, choices=PlanState.choices)
    revision = models.ForeignKey(
        PlanRevision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=StepDecision.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("step decision")
        verbose_name_plural = _("step decisions")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_decision_display()}"


class ConsultationStatus(models.TextChoices):
    """Where one agency's answer stands."""

    PENDING = "pending", _("Waiting for the answer")
    ANSWERED = "answered", _("Answered in time")
    LATE = "late", _("Answered after the deadline")
    NOT_ANSWERED = "not_answered", _("Did not answer")


class Consultation(models.Model):
    """A member agency asked for its opinion on one revision, with a working-day deadline."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="consultations"
    )
    revision = models.ForeignKey(
        PlanRevision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        OrgUnit, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.OneToOneField(
        "approvals_calendar.Deadline",
        verbose_name=_("deadline"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.PENDING,
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "revision", "agency"], name="consultation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.get_status_display()}"


class Dispatch(models.Model):
    """The plan sent to one recipient unit, and its acknowledgement."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="dispatches"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField(_("sent on"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="dispatch_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} → {self.unit}"


class ReportPeriod(models.TextChoices):
    """The periodic reports a plan asks for."""

    SEMIANNUAL = "semiannual", _("6-month report")
    ANNUAL = "annual", _("Yearly report")


class ReportDueQuerySet(models.QuerySet["ReportDue"]):
    """Filters over reports due."""

    def outstanding_on(self, day: Any) -> ReportDueQuerySet:
        """Reports not submitted whose deadline has passed on ``day``."""
        return self.filter(submitted_on__isnull=True, due_on__lt=day)


class ReportDue(models.Model):
    """A periodic report a unit owes on a plan, sent to the unit that compiles it."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        OrgUnit, verbose_name=_("sent to"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=16, choices=ReportPeriod.choices)
    due_on = models.DateField(_("due on"))
    compiled_into = models.ForeignKey(
        "self",
        verbose_name=_("compiled into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inputs",
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_recorded_at = models.DateTimeField(
        _("submission recorded at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the report was entered; its date is the one stated for it."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("report"), blank=True)

    objects: ClassVar[ReportDueQuerySet] = ReportDueQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("report due")
        verbose_name_plural = _("reports due")
        ordering = ["due_on", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit", "period"], name="report_due_unique"),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "due_on"],
                name="report_due_open_idx",
                condition=Q(submitted_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.get_period_display()} ({self.due_on:%d/%m/%Y})"

    @property
    def late(self) -> bool:
        """Submitted after its deadline."""
        return self.submitted_on is not None and self.submitted_on > self.due_on


def attachment_path(instance: PlanAttachment, filename: str) -> str:
    """Stored under the plan, named by content hash: never the uploader's file name."""
    return f"plans/{instance.plan_id}/{instance.sha256}.{instance.extension}"


class PlanAttachment(models.Model):
    """A file attached to a plan by its drafter (annex, data table, scan)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(_("type"), max_length=8)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
