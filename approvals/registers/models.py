"""Document kinds, yearly outgoing registers and their entries (Decree 30/2020, Art. 15).

A ``Register`` (sổ đăng ký văn bản đi) belongs to one agency and one year and covers the
document kinds the agency head grouped into it; a kind is in at most one register per
agency, year and confidentiality (enforced by ``RegisterKind``). Each issued number is a
``RegisterEntry``; entries are never deleted, a spoiled number is voided.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.organisation.models import OrgUnit, symbol_part_validator
from approvals.registers.exceptions import RegisterEntryPermanent
from approvals.registers.symbols import NUMBER_LINE_PREFIX
from approvals.subjects import Subject


class DocumentKind(models.Model):
    """A kind of administrative document and its abbreviation in symbols (Phụ lục III)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=16,
        blank=True,
        validators=[symbol_part_validator],
        help_text=_(
            "Written before the issuer's code in the symbol, e.g. KH in 30/KH-BCĐ. Blank for "
            "an official letter, whose symbol is the issuer's code and the drafting unit's."
        ),
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("document kind")
        verbose_name_plural = _("document kinds")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["abbreviation"],
                condition=~Q(abbreviation=""),
                name="documentkind_abbreviation_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    @property
    def is_official_letter(self) -> bool:
        """Whether the kind has no abbreviation (Công văn): its symbol names the drafting unit."""
        return not self.abbreviation


class RegisterQuerySet(models.QuerySet["Register"]):
    """Filters over registers."""

    def of(self, agency: OrgUnit, year: int, *, confidential: bool = False) -> RegisterQuerySet:
        """Registers of ``agency`` for ``year`` in the open or the classified series."""
        return self.filter(agency=agency, year=year, confidential=confidential)

    def open(self) -> RegisterQuerySet:
        """Registers that still issue numbers."""
        return self.filter(closed_at__isnull=True)


class Register(models.Model):
    """An agency's outgoing register for one year; numbers start at 1 on 1 January."""

    agency = models.ForeignKey(
        OrgUnit, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="registers"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=255)
    kinds = models.ManyToManyField(
        DocumentKind,
        verbose_name=_("document kinds"),
        through="RegisterKind",
        related_name="registers",
    )
    confidential = models.BooleanField(
        _("classified documents"),
        default=False,
        help_text=_("Classified documents are numbered in their own series."),
    )
    next_number = models.PositiveIntegerField(_("next number"), default=1, editable=False)
    rolled_over_from = models.ForeignKey(
        "self",
        verbose_name=_("rolled over from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rolled_over_to",
        editable=False,
        help_text=_("Last year's register whose grouping of kinds this one continues."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_reason = models.CharField(
        _("reason for closing"), max_length=255, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects: ClassVar[RegisterQuerySet] = RegisterQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("document register")
        verbose_name_plural = _("document registers")
        ordering = ["agency", "-year", "confidential", "name"]
        indexes = [models.Index(fields=["agency", "year"], name="register_agency_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_number__gte=1), name="register_next_number_gte_1"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(closed_reason=""),
                name="register_closed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.agency} ({self.year})"

    @property
    def is_closed(self) -> bool:
        """Whether the register no longer issues numbers."""
        return self.closed_at is not None

    def approval_subject(self) -> Subject:
        """The register is owned by its agency."""
        return Subject(unit=self.agency)


class RegisterKind(models.Model):
    """A document kind in a register.

    ``agency``, ``year`` and ``confidential`` repeat the register's so that the database
    can refuse a kind in two registers of the same agency, year and series.
    """

    register = models.ForeignKey(
        Register, verbose_name=_("register"), on_delete=models.CASCADE, related_name="kind_links"
    )
    kind = models.ForeignKey(
        DocumentKind,
        verbose_name=_("document kind"),
        on_delete=models.PROTECT,
        related_name="register_links",
    )
    agency = models.ForeignKey(
        OrgUnit,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    confidential = models.BooleanField(_("classified documents"), editable=False)

    class Meta:
        verbose_name = _("document kind of a register")
        verbose_name_plural = _("document kinds of registers")
        constraints = [
            models.UniqueConstraint(fields=["register", "kind"], name="registerkind_unique"),
            models.UniqueConstraint(
                fields=["agency", "year", "confidential", "kind"],
                name="registerkind_one_register_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return str(self.kind)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save with the register's agency, year and series copied."""
        self._copy_register()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse a kind that another register of the same agency, year and series covers."""
        register: Register | None = getattr(self, "register", None)
        if register is None or register.agency_id is None or register.year is None:
            return
        if self.kind_id is None:
            return
        self._copy_register()
        clash = RegisterKind.objects.filter(
            agency_id=self.agency_id,
            year=self.year,
            confidential=self.confidential,
            kind_id=self.kind_id,
        )
        if register.pk is not None:
            clash = clash.exclude(register_id=register.pk)
        other = clash.select_related("register").first()
        if other is not None:
            raise ValidationError(
                {
                    "kind": _("“%(kind)s” is already in the register “%(register)s”.")
                    % {"kind": self.kind, "register": other.register.name}
                }
            )

    def _copy_register(self) -> None:
        register = self.register
        self.agency_id = register.agency_id
        self.year = register.year
        self.confidential = register.confidential


class EntryStatus(models.TextChoices):
    """The state of an issued number."""

    ISSUED = "issued", _("Issued")  # the number is on a document
    # spoiled; kept with its reason, never reused
    VOID = "void", pgettext_lazy("register entry status", "Void")


class RegisterEntryQuerySet(models.QuerySet["RegisterEntry"]):
    """Filters over register entries; entries are never deleted."""

    def issued(self) -> RegisterEntryQuerySet:
        """Entries whose number stands."""
        return self.filter(status=EntryStatus.ISSUED)

    def for_subject(self, subject: models.Model) -> RegisterEntryQuerySet:
        """Entries numbering ``subject``."""
        return self.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))

    def delete(self) -> tuple[int, dict[str, int]]:
        """Refuse: register entries are permanent."""
        raise RegisterEntryPermanent


class RegisterEntry(models.Model):
    """One number issued from a register, with the document it numbers."""

    register = models.ForeignKey(
        Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="entries"
    )
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("number and symbol"), max_length=100, db_index=True)
    kind = models.ForeignKey(
        DocumentKind,
        verbose_name=_("document kind"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    subject_summary = models.TextField(_("subject summary"))
    issued_on = models.DateField(_("issued on"))
    drafting_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("drafting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafted_register_entries",
    )
    subject_type = models.CharField(
        _("document type"), max_length=100, blank=True, help_text=_("app_label.model")
    )
    subject_id = models.CharField(_("document id"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.ISSUED
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=255, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects: ClassVar[RegisterEntryQuerySet] = RegisterEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering = ["register_id", "number"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="registerentry_subject_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "number"], name="registerentry_unique_number"
            ),
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(status="issued") & ~Q(subject_type=""),
                name="registerentry_one_number_per_document",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="registerentry_number_gte_1"),
            models.CheckConstraint(
                condition=Q(status="issued", voided_at__isnull=True)
                | (Q(status="void", voided_at__isnull=False) & ~Q(void_reason="")),
                name="registerentry_void_consistent",
            ),
        ]

    def __str__(self) -> str:
        return self.symbol

    @property
    def is_void(self) -> bool:
        """Whether the number was spoiled and voided."""
        return self.status == EntryStatus.VOID

    @property
    def number_line(self) -> str:
        """The line printed on the document, e.g. ``Số: 30/KH-BCĐ``."""
        return f"{NUMBER_LINE_PREFIX}{self.symbol}"

    def approval_subject(self) -> Subject:
        """The entry is owned by its register's agency."""
        return Subject(unit=self.register.agency)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refuse: register entries are permanent."""
        raise RegisterEntryPermanent
