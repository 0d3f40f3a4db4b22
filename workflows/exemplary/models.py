"""Exemplary models (điển hình tiên tiến) of the movement and their replication.

A unit proposes a model (a collective, an individual or a household) with its achievements
and the movement content it serves; the culture office verifies it (visits, may return it
for more evidence); the steering committee reviews it; it is commended at the periodic
interim and final reviews (sơ kết, tổng kết), may be put forward for a title through the
nominations process, and other units adopt it (nhân rộng).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvals.audit.hashing import sha256_hex
from approvals.organisation.models import OrgUnit
from approvals.subjects import Subject


class ModelKind(models.TextChoices):
    """Who the exemplary model is."""

    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")
    HOUSEHOLD = "household", _("Household")


class ModelState(models.TextChoices):
    """Where an exemplary model stands."""

    PROPOSED = "proposed", _("Proposed, awaiting verification")
    RETURNED = "returned", _("Returned for more evidence")
    VERIFIED = "verified", _("Verified by the culture office")
    APPROVED = "approved", _("Approved by the steering committee")
    REJECTED = "rejected", _("Not approved by the steering committee")


class ExemplaryModel(ConcurrentTransitionMixin, models.Model):
    """A collective, individual or household held up as an example of the movement."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=ModelKind.choices)
    proposing_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("proposing unit"), on_delete=models.PROTECT, related_name="+"
    )
    culture_office = models.ForeignKey(
        OrgUnit,
        verbose_name=_("verifying culture office"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit whose culture staff verify the model."),
    )
    committee = models.ForeignKey(
        OrgUnit, verbose_name=_("steering committee"), on_delete=models.PROTECT, related_name="+"
    )
    collective = models.ForeignKey(
        OrgUnit,
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "nominations.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    achievements = models.TextField(_("achievements"))
    movement_content = models.CharField(
        _("movement content served"),
        max_length=255,
        help_text=_("The content of the movement the model serves, e.g. nếp sống văn minh."),
    )
    period = models.CharField(_("period"), max_length=32, help_text=_("e.g. 2021-2025"))
    state = FSMField(
        _("state"), default=ModelState.PROPOSED, choices=ModelState.choices, protected=True
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    nomination_candidate = models.OneToOneField(
        "nominations.Candidate",
        verbose_name=_("nomination candidate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_on = models.DateField(_("proposed on"))
    proposal_recorded_at = models.DateTimeField(
        _("proposal recorded at"), auto_now_add=True, null=True
    )

    class Meta:
        verbose_name = _("exemplary model")
        verbose_name_plural = _("exemplary models")
        ordering = ["-proposed_on", "name"]
        permissions = [
            ("propose_model", "Propose an exemplary model"),
            ("verify_model", "Verify an exemplary model"),
            ("review_model", "Review an exemplary model (steering committee)"),
            ("commend_model", "Commend an exemplary model at a review"),
            ("record_adoption", "Record the adoption of a model"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="collective", collective__isnull=False)
                    | models.Q(kind="household", household__isnull=False)
                    | models.Q(kind="individual", person__isnull=False)
                ),
                name="exemplary_subject_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def approval_subject(self) -> Subject:
        """Owned by the proposing unit; the collective, household or person benefits."""
        beneficiary_users: set[int] = set()
        if self.person_id:
            beneficiary_users.add(self.person_id)
        if self.household_id:
            beneficiary_users.update(
                self.household.residents.values_list("pk", flat=True)  # type: ignore[union-attr]
            )
        return Subject(
            unit=self.proposing_unit,
            author_ids=frozenset({self.proposed_by_id}),
            beneficiary_user_ids=frozenset(beneficiary_users),
            beneficiary_unit_ids=frozenset({self.collective_id} if self.collective_id else ()),
        )

    def content_hash(self) -> str:
        """SHA-256 of what was proposed, with the evidence added so far."""
        body = {
            "name": self.name,
            "kind": self.kind,
            "achievements": self.achievements,
            "movement_content": self.movement_content,
            "period": self.period,
            "revision": self.revision,
            "evidence": list(self.evidence.order_by("pk").values_list("text", flat=True)),
        }
        return sha256_hex(json.dumps(body, ensure_ascii=False, sort_keys=True).encode())

    @transition(field=state, source=ModelState.PROPOSED, target=ModelState.RETURNED)
    def return_for_evidence(self) -> None:
        """The culture office needs more evidence."""

    @transition(field=state, source=ModelState.RETURNED, target=ModelState.PROPOSED)
    def resubmit(self) -> None:
        """The proposing unit added the evidence asked for."""

    @transition(field=state, source=ModelState.PROPOSED, target=ModelState.VERIFIED)
    def verify(self) -> None:
        """The culture office confirmed the achievements."""

    @transition(field=state, source=ModelState.VERIFIED, target=ModelState.APPROVED)
    def approve(self) -> None:
        """The steering committee recognised the model."""

    @transition(field=state, source=ModelState.VERIFIED, target=ModelState.REJECTED)
    def reject(self) -> None:
        """The steering committee did not recognise the model."""


class Evidence(models.Model):
    """Evidence filed with a proposal or after a return (minutes, photos, figures…)."""

    model = models.ForeignKey(
        ExemplaryModel,
        verbose_name=_("exemplary model"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    text = models.TextField(_("evidence"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["model", "added_at"]

    def __str__(self) -> str:
        return self.text[:80]


class VerificationOutcome(models.TextChoices):
    """What a verification visit found."""

    CONFIRMED = "confirmed", _("Achievements confirmed")
    MORE_EVIDENCE = "more_evidence", _("More evidence needed")


class Verification(models.Model):
    """A verification visit by the culture office (kiểm tra, kiểm chứng)."""

    model = models.ForeignKey(
        ExemplaryModel,
        verbose_name=_("exemplary model"),
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    visited_on = models.DateField(_("visited on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, null=True)
    findings = models.TextField(_("findings"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=VerificationOutcome.choices)
    revision = models.PositiveSmallIntegerField(_("revision verified"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("verification visit")
        verbose_name_plural = _("verification visits")
        ordering = ["model", "visited_on"]

    def __str__(self) -> str:
        return f"{self.model} {self.visited_on:%d/%m/%Y}: {self.get_outcome_display()}"


class CommitteeReview(models.Model):
    """The steering committee's review of a verified model."""

    model = models.OneToOneField(
        ExemplaryModel,
        verbose_name=_("exemplary model"),
        on_delete=models.CASCADE,
        related_name="committee_review",
    )
    held_on = models.DateField(_("held on"))
    approved = models.BooleanField(_("approved"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, null=True)
    minutes = models.TextField(_("minutes"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("steering committee review")
        verbose_name_plural = _("steering committee reviews")

    def __str__(self) -> str:
        return f"{self.model} {self.held_on:%d/%m/%Y}"


class ReviewKind(models.TextChoices):
    """The periodic review at which a model is commended."""

    INTERIM = "interim", _("Interim review (sơ kết)")
    FINAL = "final", _("Final review (tổng kết)")


class Commendation(models.Model):
    """A model commended (biểu dương) at an interim or final review."""

    model = models.ForeignKey(
        ExemplaryModel,
        verbose_name=_("exemplary model"),
        on_delete=models.CASCADE,
        related_name="commendations",
    )
    review = models.CharField(_("review"), max_length=16, choices=ReviewKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    held_on = models.DateField(_("held on"))
    citation = models.TextField(_("citation"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, null=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["model", "held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "review", "year"], name="commendation_once_a_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model}: {self.get_review_display()} {self.year}"


class Adoption(models.Model):
    """A unit that took up the model (nhân rộng)."""

    model = models.ForeignKey(
        ExemplaryModel,
        verbose_name=_("exemplary model"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("adopting unit"), on_delete=models.PROTECT, related_name="+"
    )
    adopted_on = models.DateField(_("adopted on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, null=True)
    note = models.TextField(_("how it was adopted"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["model", "adopted_on"]
        constraints = [
            models.UniqueConstraint(fields=["model", "unit"], name="adoption_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.model} → {self.unit}"
