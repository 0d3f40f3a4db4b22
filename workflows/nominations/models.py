"""Households, nomination dossiers and their candidates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from approvals.handover.models import HandedOver
from approvals.organisation.models import OrgUnit
from approvals.people import person_name
from approvals.subjects import Subject

# Title, DossierState and CandidateState live in choices.py (titles.py needs them too) and are
# still imported from here by most of the code.
from workflows.nominations.choices import CandidateState, DossierState, Title, ground_label
from workflows.nominations.titles import SPECS


class Household(models.Model):
    """A household (hộ gia đình) living in a village or residential group."""

    village = models.ForeignKey(
        OrgUnit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="households"
    )
    code = models.CharField(_("household code"), max_length=32)
    head_name = models.CharField(_("head of household"), max_length=120)
    address = models.CharField(_("address"), max_length=255, blank=True)
    member_count = models.PositiveSmallIntegerField(_("members"), default=1)
    residents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident users"),
        blank=True,
        related_name="households",
        help_text=_("Users who belong to this household (they may not decide its case)."),
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["village", "code"]
        constraints = [
            models.UniqueConstraint(fields=["village", "code"], name="household_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.head_name}"


class Disqualification(models.Model):
    """A fact that bars a household from the title in a year (Decree 86/2023, Art. 6.4)."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="disqualifications",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    ground = models.CharField(
        _("ground"), max_length=64, help_text=_("One of the regulation's disqualifiers.")
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("disqualification")
        verbose_name_plural = _("disqualifications")
        indexes = [models.Index(fields=["year", "household"], name="disqualification_idx")]

    def __str__(self) -> str:
        return f"{self.household} {self.year}: {self.ground}"


def _next_step_is(step: str) -> Callable[[Any], bool]:
    """A transition condition: the dossier's title expects ``step`` next (see titles.py)."""

    def condition(dossier: Any) -> bool:
        spec = SPECS.get(dossier.title)
        return spec is not None and spec.next_step(dossier.state) == step

    condition.__name__ = f"next_step_is_{step}"
    return condition


class Dossier(ConcurrentTransitionMixin, HandedOver):
    """One proposing unit, one title, one year, many candidates (hồ sơ đề nghị)."""

    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    proposing_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("proposing unit"), on_delete=models.PROTECT, related_name="+"
    )
    deciding_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("deciding unit"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("started on"))
    regulation_versions: models.JSONField[list[int]] = models.JSONField(
        _("regulation versions"),
        default=list,
        help_text=_("The rule versions in force when the dossier started; it keeps them."),
    )
    state = FSMField(
        _("state"),
        default=DossierState.REGISTRATION,
        choices=DossierState.choices,
        protected=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    posting_deadline = models.OneToOneField(
        "approvals_calendar.Deadline",
        verbose_name=_("posting period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_deadline = models.OneToOneField(
        "approvals_calendar.Deadline",
        verbose_name=_("decision time limit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    register_entry = models.OneToOneField(
        "approvals_registers.RegisterEntry",
        verbose_name=_("decision number"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signature = models.OneToOneField(
        "approvals_audit.Signature",
        verbose_name=_("decision signature"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    late_reason = models.CharField(_("reason for a late decision"), max_length=255, blank=True)
    meeting = models.ForeignKey(
        "Meeting",
        verbose_name=_("review meeting relied on"),
        null=True,
        blank=True,
        # A dossier's own meetings go with it (CASCADE); no other deletion may leave the
        # decision citing nothing.
        on_delete=models.RESTRICT,
        related_name="+",
        help_text=_("The quorate meeting whose votes the decision rests on."),
    )
    decided_on = models.DateField(
        _("decided on"),
        null=True,
        blank=True,
        help_text=_("The day the decision was signed, as stated when it was recorded."),
    )
    decision_recorded_at = models.DateTimeField(
        _("decision recorded at"),
        null=True,
        blank=True,
        help_text=_("The moment the signed decision was recorded here."),
    )
    review_deadline_missed = models.DateField(
        _("submitted after the review deadline of"),
        null=True,
        blank=True,
        help_text=_("The yearly review deadline the dossier was submitted after (a warning)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("nomination dossier")
        verbose_name_plural = _("nomination dossiers")
        ordering = ["-year", "title", "proposing_unit"]
        permissions = [
            ("register_candidates", "Register candidates"),
            ("record_meeting", "Record the review meeting"),
            ("run_posting", "Open and close the public posting"),
            ("submit_dossier", "Submit the dossier"),
            ("appraise_dossier", "Appraise the dossier"),
            ("record_council", "Record the emulation council review"),
            ("decide_dossier", "Sign the recognition decision"),
            ("number_decision", "Number the recognition decision"),
            ("revoke_title", "Revoke a title"),
            ("record_paper_decision", "Record a decision issued on paper"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "year", "proposing_unit"], name="dossier_unique_per_year"
            ),
        ]
        indexes = [models.Index(fields=["state", "deciding_unit"], name="dossier_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_title_display()} {self.year} — {self.proposing_unit}"

    @property
    def root_unit_id(self) -> int:
        """The province (root unit) of the proposing unit: its candidates' partition key."""
        return self.proposing_unit.root_id

    def approval_subject(self) -> Subject:
        """Owned by the proposing unit; the candidates' households and units benefit."""
        return Subject(
            unit=self.proposing_unit,
            author_ids=frozenset({self.created_by_id}),
            beneficiary_user_ids=frozenset(
                Household.residents.through.objects.filter(
                    household__candidates__dossier=self
                ).values_list("user_id", flat=True)
            )
            | frozenset(
                self.candidates.exclude(person__isnull=True).values_list("person_id", flat=True)
            ),
            beneficiary_unit_ids=frozenset(
                self.candidates.exclude(unit__isnull=True).values_list("unit_id", flat=True)
            ),
        )

    @transition(
        field=state,
        source=DossierState.REGISTRATION,
        target=DossierState.MEETING,
        conditions=[_next_step_is("meeting")],
    )
    def hold_meeting(self) -> None:
        """The review meeting voted on the registered candidates."""

    @transition(
        field=state,
        source=DossierState.REGISTRATION,
        target=DossierState.MEETING,
        conditions=[_next_step_is("local_council")],
    )
    def review(self) -> None:
        """The proposing level's emulation council held its review meeting on the candidates."""

    @transition(
        field=state,
        source=(DossierState.REGISTRATION, DossierState.MEETING),
        target=DossierState.POSTING,
        conditions=[_next_step_is("posting")],
    )
    def open_posting(self) -> None:
        """The eligible list is posted for the public's opinion."""

    @transition(
        field=state,
        source=(
            DossierState.REGISTRATION,
            DossierState.MEETING,
            DossierState.POSTING,
            DossierState.RETURNED,
        ),
        target=DossierState.SUBMITTED,
        conditions=[_next_step_is("submission")],
    )
    def submit(self) -> None:
        """Submitted to the deciding level."""

    @transition(field=state, source=DossierState.SUBMITTED, target=DossierState.RETURNED)
    def return_for_supplement(self) -> None:
        """Back to the proposing unit to complete the dossier."""

    @transition(
        field=state,
        source=DossierState.SUBMITTED,
        target=RETURN_VALUE(DossierState.COUNCIL, DossierState.DECISION),
    )
    def accept(self, to: str) -> str:
        """The appraisal found the dossier complete."""
        return to

    @transition(field=state, source=DossierState.COUNCIL, target=DossierState.DECISION)
    def council_reviewed(self) -> None:
        """The emulation council reviewed it."""

    @transition(field=state, source=DossierState.DECISION, target=DossierState.DECIDED)
    def decide(self) -> None:
        """The recognition decision was signed and numbered."""


def fill_province(candidates: Iterable[Candidate]) -> None:
    """Set ``province_id`` where it is missing, from each dossier's proposing unit.

    No query per row: the services pass it in; otherwise one read of each dossier's
    proposing unit that is not loaded yet (usually none).
    """
    roots: dict[int, int] = {}
    for candidate in candidates:
        if candidate.province_id is not None:
            continue
        dossier_id = candidate.dossier_id
        if dossier_id not in roots:
            roots[dossier_id] = candidate.dossier.root_unit_id
        candidate.province_id = roots[dossier_id]


class CandidateQuerySet(models.QuerySet["Candidate"]):
    """Candidates; rows created in bulk get their partition key like single ones."""

    def of_dossier(self, dossier: Dossier) -> CandidateQuerySet:
        """The dossier's candidates, naming their province (partition) when it is known
        without a query: the dossier's proposing unit is loaded."""
        candidates = self.filter(dossier=dossier)
        if Dossier.proposing_unit.is_cached(dossier):
            candidates = candidates.filter(province_id=dossier.root_unit_id)
        return candidates

    def row(self, candidate: Candidate) -> CandidateQuerySet:
        """The row of ``candidate``, naming its province (partition) when it is known."""
        if candidate.province_id is None:
            return self.filter(pk=candidate.pk)
        return self.filter(pk=candidate.pk, province_id=candidate.province_id)

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        """Insert ``objs`` in batches, each carrying its province (see :func:`fill_province`)."""
        rows = list(objs)
        fill_province(rows)
        return super().bulk_create(rows, *args, **kwargs)


class Candidate(ConcurrentTransitionMixin, models.Model):
    """A household, unit or person in a dossier; moves in bulk with the dossier's steps.

    ``province`` is the root unit (the province) of the dossier's proposing unit when the
    candidate was registered: a copy, set in the same INSERT, that partitions the table by
    province at country scale (``manage.py partition_by_province``) and lets a province's
    queries name the one partition they read. The candidate's household or unit lies under
    the proposing unit (the registration checks it), so it is that subject's province too.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="candidates"
    )
    province = models.ForeignKey(
        OrgUnit,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        # Never the selective column of a query (title/year/subject and dossier lead); it
        # is the partition key in the partitioned layout, where pruning replaces an index.
        db_index=False,
        help_text=_("The province of the proposing unit; the partition key."),
    )
    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidates",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
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
    state = FSMField(
        _("state"),
        default=CandidateState.REGISTERED,
        choices=CandidateState.choices,
        protected=True,
    )
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_cast = models.PositiveIntegerField(_("votes cast"), null=True, blank=True)
    objection = models.TextField(_("objection"), blank=True)
    achievement_report = models.TextField(
        _("achievement report"),
        blank=True,
        help_text=_("From the village head, the commune or the agency (báo cáo thành tích)."),
    )
    consecutive_years = models.PositiveSmallIntegerField(_("consecutive years"), default=0)
    revocation_ground = models.CharField(_("revocation ground"), max_length=64, blank=True)
    revocation_note = models.TextField(_("revocation note"), blank=True)

    objects: ClassVar[CandidateQuerySet] = CandidateQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "year", "household"],
                condition=Q(household__isnull=False),
                name="candidate_household_once_a_year",
            ),
            models.UniqueConstraint(
                fields=["title", "year", "unit"],
                condition=Q(unit__isnull=False),
                name="candidate_unit_once_a_year",
            ),
            models.UniqueConstraint(
                fields=["title", "year", "person"],
                condition=Q(person__isnull=False),
                name="candidate_person_once_a_year",
            ),
        ]
        indexes = [
            models.Index(fields=["dossier", "state"], name="candidate_dossier_state_idx"),
        ]

    def __str__(self) -> str:
        subject = self.household or self.unit or person_name(self.person)
        return f"{subject} ({self.get_state_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, filling the province from the dossier when it is not set."""
        if self.province_id is None and self.dossier_id is not None:
            fill_province([self])
        super().save(*args, **kwargs)

    @property
    def revocation_ground_label(self) -> str:
        """The name of the ground the title was revoked on, in the active language."""
        return ground_label(self.revocation_ground) if self.revocation_ground else ""


class Meeting(models.Model):
    """A review meeting (họp bình xét) of a dossier, with attendance.

    A dossier may hold several: a meeting without the quorum is recorded, counts no vote and
    leaves the dossier waiting for a further one; the dossier's ``meeting`` is the quorate
    meeting whose votes its decision rests on.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("held on"))
    invited = models.PositiveIntegerField(_("invited"))
    present = models.PositiveIntegerField(_("present"))
    quorate = models.BooleanField(
        _("quorate"),
        help_text=_("Enough attended for the votes to count; an inquorate meeting counts none."),
    )
    quorum_percent = models.DecimalField(
        _("quorum (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The share of the invited the rules required when the meeting was held."),
    )
    chaired_by = models.CharField(_("chaired by"), max_length=255)
    minutes = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Empty on meetings recorded before the moment was kept.
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.held_on:%d/%m/%Y}"


class CouncilReview(models.Model):
    """The emulation council's review of a dossier (Hội đồng Thi đua - Khen thưởng).

    ``unit`` is the level whose council sat: the commune for a village before submission,
    the province for an exemplary commune after appraisal.
    """

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="council_review"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("council of"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    present = models.PositiveIntegerField(_("present"), null=True, blank=True)
    votes: models.JSONField[dict[str, int]] = models.JSONField(
        _("votes for each candidate"), default=dict, blank=True
    )
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Empty on reviews recorded before the moment was kept.
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("council review")
        verbose_name_plural = _("council reviews")

    def __str__(self) -> str:
        return f"{self.dossier} — {self.unit} {self.held_on:%d/%m/%Y}"


class DisciplineLevel(models.TextChoices):
    """Disciplinary measures for officials, from the lightest."""

    REPRIMAND = "reprimand", _("Reprimand")  # khiển trách
    WARNING = "warning", _("Warning")  # cảnh cáo
    DEMOTION = "demotion", _("Demotion")  # hạ bậc lương, giáng chức
    REMOVAL = "removal", _("Removal from post")  # cách chức
    DISMISSAL = "dismissal", _("Dismissal")  # buộc thôi việc


#: Lightest first: a rule that bars "warning or above" bars every level from WARNING on.
DISCIPLINE_ORDER: tuple[str, ...] = tuple(DisciplineLevel.values)


class Discipline(models.Model):
    """A disciplinary measure taken against a person in a year."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="disciplines",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=16, choices=DisciplineLevel.choices)
    basis = models.CharField(
        _("decision"), max_length=255, blank=True, help_text=_("The disciplinary decision.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("disciplinary measure")
        verbose_name_plural = _("disciplinary measures")
        indexes = [models.Index(fields=["year", "person"], name="discipline_year_idx")]

    def __str__(self) -> str:
        return f"{person_name(self.person)} {self.year}: {self.get_level_display()}"


class Rating(models.TextChoices):
    """The yearly rating of an official (xếp loại chất lượng), from the lowest."""

    NOT_COMPLETED = "rating_not_completed", _("Did not complete the tasks")
    COMPLETED = "rating_completed", _("Completed the tasks")
    GOOD = "rating_good", _("Completed the tasks well")
    EXCELLENT = "rating_excellent", _("Completed the tasks excellently")


#: Lowest first, so "at least GOOD" is an index comparison.
RATING_ORDER: tuple[str, ...] = tuple(Rating.values)


class PerformanceRating(models.Model):
    """A person's rating for a year."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rating = models.CharField(_("rating"), max_length=32, choices=Rating.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("performance rating")
        verbose_name_plural = _("performance ratings")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="rating_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{person_name(self.person)} {self.year}: {self.get_rating_display()}"


# --- tallies kept by the database (the dashboard's shares) ------------------------------------


class RecognitionTally(models.Model):
    """Candidates of a household title in a year, per village of their household.

    Kept by database triggers on the candidates and the households (migration 0008), so
    every write counts, bulk or raw; ``manage.py rebuild_tallies`` recomputes it and
    ``verify_integrity`` compares it with a fresh count. ``village`` is where the
    candidate's household lives now; ``province`` is the candidate's own (the partition
    key the share names). One household has one candidate per title and year, so the
    counts are households.
    """

    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    village = models.ForeignKey(
        OrgUnit,
        verbose_name=_("village"),
        on_delete=models.CASCADE,
        related_name="recognition_tallies",
    )
    province = models.ForeignKey(
        OrgUnit,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    registered = models.IntegerField(
        _("registered"), default=0, help_text=_("Candidates in any state.")
    )
    recognised = models.IntegerField(
        _("recognised"), default=0, help_text=_("Candidates holding the title.")
    )

    class Meta:
        verbose_name = _("recognition tally")
        verbose_name_plural = _("recognition tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "year", "village", "province"], name="recognition_tally_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year} {self.village_id}: {self.recognised}/{self.registered}"


class HouseholdTally(models.Model):
    """Households living in a village, kept by database triggers (see RecognitionTally)."""

    village = models.OneToOneField(
        OrgUnit,
        verbose_name=_("village"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="household_tally",
    )
    households = models.IntegerField(_("households"), default=0)

    class Meta:
        verbose_name = _("household tally")
        verbose_name_plural = _("household tallies")

    def __str__(self) -> str:
        return f"{self.village_id}: {self.households}"
