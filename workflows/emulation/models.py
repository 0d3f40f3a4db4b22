"""Emulation blocs (khối thi đua), their yearly covenant, inspections, scores and proposals.

A :class:`Bloc` groups provincial agencies for good. Each year has a :class:`BlocYear` with
its rotating leader (Trưởng khối) and deputy (Phó khối), its members, the rules, plan,
scoring table and covenant the leader drafts, the members' signatures on the covenant,
the mid-year cross-inspection, the year-end scores, the ranking and the award proposal.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvals.audit.hashing import sha256_hex
from approvals.organisation.models import OrgUnit
from approvals.subjects import Subject


class Bloc(models.Model):
    """A standing group of agencies that emulate each other (e.g. Văn hóa - Xã hội)."""

    name = models.CharField(_("name"), max_length=255)
    province = models.ForeignKey(
        OrgUnit, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("emulation bloc")
        verbose_name_plural = _("emulation blocs")
        ordering = ["name"]
        permissions = [("configure_blocs", "Set up emulation blocs")]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="bloc_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def approval_subject(self) -> Subject:
        """Owned by the province whose emulation office sets blocs up."""
        return Subject(unit=self.province)


class BlocYearState(models.TextChoices):
    """Where a bloc's year stands."""

    DRAFTING = "drafting", _("Drafting the rules, plan, scoring table and covenant")
    SIGNING = "signing", _("Covenant open for signature")
    IN_EFFECT = "in_effect", _("Covenant in effect")
    SCORING = "scoring", _("Year-end scoring")
    RANKED = "ranked", _("Ranked")
    PROPOSED = "proposed", _("Awards proposed")


class BlocYear(ConcurrentTransitionMixin, models.Model):
    """One year of a bloc: leader, deputy, members and the covenant they sign."""

    bloc = models.ForeignKey(
        Bloc, verbose_name=_("bloc"), on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    leader = models.ForeignKey(
        OrgUnit, verbose_name=_("bloc leader unit"), on_delete=models.PROTECT, related_name="+"
    )
    deputy = models.ForeignKey(
        OrgUnit, verbose_name=_("bloc deputy unit"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        OrgUnit, verbose_name=_("members"), through="Membership", related_name="+"
    )
    theme = models.CharField(_("theme of the year"), max_length=500, blank=True)
    rules_text = models.TextField(_("bloc rules (quy chế)"), blank=True)
    plan_text = models.TextField(_("plan of activities"), blank=True)
    covenant_text = models.TextField(_("covenant (giao ước thi đua)"), blank=True)
    state = FSMField(
        _("state"), default=BlocYearState.DRAFTING, choices=BlocYearState.choices, protected=True
    )
    regulation_versions: models.JSONField[list[int]] = models.JSONField(
        _("regulation versions"), default=list
    )
    covenant_sha256 = models.CharField(_("covenant SHA-256"), max_length=64, blank=True)
    signature_deadline = models.OneToOneField(
        "approvals_calendar.Deadline",
        verbose_name=_("signature deadline"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    effective_on = models.DateField(_("in effect from"), null=True, blank=True)
    effective_recorded_at = models.DateTimeField(
        _("entry into effect recorded at"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bloc year")
        verbose_name_plural = _("bloc years")
        ordering = ["-year", "bloc"]
        permissions = [
            ("manage_bloc", "Lead the bloc's year"),
            ("comment_covenant", "Comment on the bloc's drafts"),
            ("sign_covenant", "Sign the covenant"),
            ("remind_signers", "Remind late signers"),
            ("record_inspection", "Record a cross-inspection"),
            ("score_self", "Score one's own unit"),
            ("score_bloc", "Score for the bloc"),
            ("propose_awards", "Propose awards"),
            ("receive_proposal", "Receive the bloc's award proposal"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "year"], name="bloc_year_unique"),
            models.CheckConstraint(
                condition=~models.Q(leader=models.F("deputy")), name="bloc_leader_not_deputy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bloc} {self.year}"

    def approval_subject(self) -> Subject:
        """Owned by the leader unit, which drafts the year's papers."""
        return Subject(unit=self.leader, author_ids=frozenset({self.created_by_id}))

    def covenant_content(self) -> bytes:
        """The exact covenant members sign: texts, criteria and targets, canonical JSON."""
        body = {
            "bloc": self.bloc.name,
            "year": self.year,
            "theme": self.theme,
            "rules": self.rules_text,
            "plan": self.plan_text,
            "covenant": self.covenant_text,
            "criteria": [
                [c.position, c.name, str(c.max_points)]
                for c in self.criteria.order_by("position", "pk")
            ],
            "targets": [
                [t.position, t.text, t.kind, t.title, str(t.target_percent or "")]
                for t in self.targets.order_by("position", "pk")
            ],
            "members": sorted(self.memberships.values_list("unit_id", flat=True)),
        }
        return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()

    def content_hash(self) -> str:
        """SHA-256 of :meth:`covenant_content` (recorded on each transition)."""
        return sha256_hex(self.covenant_content())

    @transition(field=state, source=BlocYearState.DRAFTING, target=BlocYearState.SIGNING)
    def open_signing(self) -> None:
        """The drafts are final; the heads of the members sign the covenant."""

    @transition(field=state, source=BlocYearState.SIGNING, target=BlocYearState.IN_EFFECT)
    def take_effect(self) -> None:
        """Every member's head has signed."""

    @transition(field=state, source=BlocYearState.IN_EFFECT, target=BlocYearState.SCORING)
    def open_scoring(self) -> None:
        """Year end: members score themselves and the bloc scores them."""

    @transition(field=state, source=BlocYearState.SCORING, target=BlocYearState.RANKED)
    def rank(self) -> None:
        """The ranking is computed from the bloc's scores."""

    @transition(field=state, source=BlocYearState.RANKED, target=BlocYearState.PROPOSED)
    def propose(self) -> None:
        """The bloc proposed its best members for awards."""


class Membership(models.Model):
    """A unit belonging to the bloc in a year, and its place in the ranking."""

    bloc_year = models.ForeignKey(
        BlocYear, verbose_name=_("bloc year"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    self_total = models.DecimalField(
        _("self-assessed total"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    bloc_total = models.DecimalField(
        _("bloc's total"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("bloc member")
        verbose_name_plural = _("bloc members")
        ordering = ["bloc_year", "rank", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["bloc_year", "unit"], name="bloc_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bloc_year}: {self.unit}"


class Criterion(models.Model):
    """A line of the scoring table (bảng điểm) with its maximum points."""

    bloc_year = models.ForeignKey(
        BlocYear, verbose_name=_("bloc year"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("criterion"), max_length=500)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["bloc_year", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bloc_year", "position"], name="criterion_order"),
            models.CheckConstraint(
                condition=models.Q(max_points__gt=0), name="criterion_max_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name} ({self.max_points})"


class TargetKind(models.TextChoices):
    """How a covenant target is checked."""

    STATEMENT = "statement", _("Assessed by the bloc (no recorded figure)")
    DIVISION_TITLE_SHARE = (
        "division_title_share",
        _("Share of the member's divisions holding a title"),
    )
    STAFF_TITLE_SHARE = "staff_title_share", _("Share of the member's staff holding a title")


class CovenantTarget(models.Model):
    """A target the members commit to (chỉ tiêu), e.g. 100% of divisions reach TTLĐTT."""

    bloc_year = models.ForeignKey(
        BlocYear, verbose_name=_("bloc year"), on_delete=models.CASCADE, related_name="targets"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("target"))
    kind = models.CharField(
        _("checked by"), max_length=32, choices=TargetKind.choices, default=TargetKind.STATEMENT
    )
    title = models.CharField(
        _("title counted"),
        max_length=40,
        blank=True,
        help_text=_("For a share target: the nomination title whose recognitions count."),
    )
    target_percent = models.DecimalField(
        _("target share (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("covenant target")
        verbose_name_plural = _("covenant targets")
        ordering = ["bloc_year", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bloc_year", "position"], name="target_order"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class DraftComment(models.Model):
    """A member's comment on the leader's drafts (góp ý)."""

    bloc_year = models.ForeignKey(
        BlocYear, verbose_name=_("bloc year"), on_delete=models.CASCADE, related_name="comments"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on the drafts")
        verbose_name_plural = _("comments on the drafts")
        ordering = ["bloc_year", "created_at"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.text[:60]}"


class CovenantSignature(models.Model):
    """One member head's signature on the covenant (any order)."""

    bloc_year = models.ForeignKey(
        BlocYear,
        verbose_name=_("bloc year"),
        on_delete=models.CASCADE,
        related_name="covenant_signatures",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    signature = models.OneToOneField(
        "approvals_audit.Signature",
        verbose_name=_("signature"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_on = models.DateField(_("signed on"))
    late = models.BooleanField(_("signed after the deadline"), default=False)

    class Meta:
        verbose_name = _("covenant signature")
        verbose_name_plural = _("covenant signatures")
        ordering = ["bloc_year", "signed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bloc_year", "unit"], name="covenant_signed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bloc_year}: {self.unit} {self.signed_on:%d/%m/%Y}"


class SignatureReminder(models.Model):
    """A reminder to a member that has not signed by the deadline (once a day at most).

    Recorded here for the notifications app to pick up and deliver.
    """

    bloc_year = models.ForeignKey(
        BlocYear, verbose_name=_("bloc year"), on_delete=models.CASCADE, related_name="reminders"
    )
    deadline = models.ForeignKey(
        "approvals_calendar.Deadline",
        verbose_name=_("deadline"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("recipients"), blank=True, related_name="+"
    )
    sent_on = models.DateField(_("reminded on"))
    days_late = models.PositiveSmallIntegerField(_("days late"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signature reminder")
        verbose_name_plural = _("signature reminders")
        ordering = ["-sent_on", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "unit", "sent_on"], name="reminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.sent_on:%d/%m/%Y}"


class Inspection(models.Model):
    """The mid-year cross-inspection (kiểm tra chéo) of a member by another member."""

    bloc_year = models.ForeignKey(
        BlocYear, verbose_name=_("bloc year"), on_delete=models.CASCADE, related_name="inspections"
    )
    inspected = models.ForeignKey(
        OrgUnit, verbose_name=_("inspected member"), on_delete=models.PROTECT, related_name="+"
    )
    inspecting = models.ForeignKey(
        OrgUnit, verbose_name=_("inspecting member"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    findings = models.TextField(_("findings"))
    recommendations = models.TextField(_("recommendations"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cross-inspection")
        verbose_name_plural = _("cross-inspections")
        ordering = ["bloc_year", "held_on"]
        constraints = [
            models.UniqueConstraint(fields=["bloc_year", "inspected"], name="inspection_once"),
            models.CheckConstraint(
                condition=~models.Q(inspected=models.F("inspecting")),
                name="inspection_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspecting} → {self.inspected} {self.held_on:%d/%m/%Y}"


class ScoreColumn(models.TextChoices):
    """Who gave the points: the member itself or the bloc."""

    SELF = "self", _("Self-assessed")
    BLOC = "bloc", _("Bloc's score")


class Score(models.Model):
    """Points for one member on one criterion, in one column."""

    bloc_year = models.ForeignKey(
        BlocYear, verbose_name=_("bloc year"), on_delete=models.CASCADE, related_name="scores"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    column = models.CharField(_("column"), max_length=8, choices=ScoreColumn.choices)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["bloc_year", "unit", "criterion", "column"], name="score_once"
            ),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.criterion.position} {self.column}: {self.points}"


class ProposalState(models.TextChoices):
    """Where an award proposal stands."""

    SUBMITTED = "submitted", _("Submitted by the bloc")
    RECEIVED = "received", _("Received: nomination dossier opened")


class AwardProposal(ConcurrentTransitionMixin, models.Model):
    """The bloc's proposal of its best members for an award (Cờ thi đua, Bằng khen)."""

    bloc_year = models.ForeignKey(
        BlocYear, verbose_name=_("bloc year"), on_delete=models.PROTECT, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=40)
    units = models.ManyToManyField(OrgUnit, verbose_name=_("proposed members"), related_name="+")
    justification = models.TextField(_("justification"), blank=True)
    state = FSMField(
        _("state"),
        default=ProposalState.SUBMITTED,
        choices=ProposalState.choices,
        protected=True,
    )
    signature = models.OneToOneField(
        "approvals_audit.Signature",
        verbose_name=_("signature"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dossier = models.ForeignKey(
        "nominations.Dossier",
        verbose_name=_("nomination dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bloc_proposals",
        help_text=_("The province's dossier for the title and year; several blocs may feed it."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_on = models.DateField(_("proposed on"))

    class Meta:
        verbose_name = _("award proposal")
        verbose_name_plural = _("award proposals")
        constraints = [
            models.UniqueConstraint(fields=["bloc_year", "title"], name="proposal_once_a_title"),
        ]

    def __str__(self) -> str:
        return f"{self.bloc_year}: {self.title}"

    def approval_subject(self) -> Subject:
        """Owned by the bloc leader; the proposed members benefit."""
        return Subject(
            unit=self.bloc_year.leader,
            author_ids=frozenset({self.proposed_by_id}),
            beneficiary_unit_ids=frozenset(self.units.values_list("pk", flat=True)),
        )

    def content(self) -> bytes:
        """What the leader signs: the title, the members proposed and the reasons."""
        body = {
            "bloc_year": self.bloc_year_id,
            "title": self.title,
            "units": sorted(self.units.values_list("pk", flat=True)),
            "justification": self.justification,
        }
        return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()

    @transition(field=state, source=ProposalState.SUBMITTED, target=ProposalState.RECEIVED)
    def receive(self) -> None:
        """The province's emulation office opened the nomination dossier."""
