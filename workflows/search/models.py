"""The search index: one row per document, dossier or household, kept current by
:mod:`workflows.search.receivers` in the transaction of the change it follows.

The row holds only what is matched and shown (words, number and notation, the date);
who may read it is decided at query time by the lists' own selectors
(:mod:`workflows.search.selectors`), never stored here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    DOSSIER = "dossier", _("Dossier")
    HOUSEHOLD = "household", _("Household")


class SearchEntry(models.Model):
    """What the search matches of one object (see the module's docstring)."""

    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    label = models.CharField(_("label"), max_length=255)
    subject = models.TextField(_("subject"), help_text=_("Trích yếu, or the household's name."))
    body = models.TextField(_("body"), blank=True)
    words = models.TextField(
        _("words"), help_text=_("Every word matched, lower case, accents kept, spaces between.")
    )
    folded = models.TextField(_("words without accents"))
    subject_folded = models.TextField(_("subject without accents"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    notation = models.CharField(_("notation"), max_length=64, blank=True)
    symbol = models.CharField(_("number and symbol"), max_length=100, blank=True)
    keys = models.CharField(
        _("codes"), max_length=255, blank=True, help_text=_("Number and symbol, household code.")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    dated = models.DateField(_("date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique"),
        ]
        indexes = [
            models.Index(fields=["number"], name="search_entry_number_idx"),
            models.Index(fields=["notation"], name="search_entry_notation_idx"),
        ]

    def __str__(self) -> str:
        return self.label
