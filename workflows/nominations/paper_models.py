"""A recognition decision made on paper before it was entered (nhập quyết định giấy).

Kept apart from the in-system decision: it has no signature record and no register entry;
its number and symbol are those printed on the paper, its date the day it was signed, and it
remembers who entered it and when (:mod:`workflows.nominations.services.paper_decisions`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.nominations.models import Dossier


def paper_scan_path(instance: PaperDecision, filename: str) -> str:
    """Stored under the dossier, named by content hash: never the uploader's file name."""
    return f"nominations/paper-decisions/{instance.dossier_id}/{instance.scan_sha256}.pdf"


class PaperDecision(models.Model):
    """The recognition decision of a dossier as issued on paper, recorded after the fact."""

    dossier = models.OneToOneField(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="paper_decision",
    )
    deciding_unit = models.ForeignKey(
        "approvals_org.OrgUnit",
        verbose_name=_("deciding unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(
        _("number and symbol"),
        max_length=100,
        help_text=_("As printed on the paper decision, e.g. 12/QĐ-UBND."),
    )
    year = models.PositiveSmallIntegerField(_("year of signature"), editable=False)
    signed_on = models.DateField(_("signed on"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_position = models.ForeignKey(
        "approvals_org.Position",
        verbose_name=_("signer's position"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    signer_name = models.CharField(_("signer's name"), max_length=255)
    signer_title = models.CharField(
        _("signer's capacity"),
        max_length=255,
        help_text=_("The position the signer held on the day of signature."),
    )
    scan = models.FileField(_("scan of the paper decision"), upload_to=paper_scan_path)
    scan_sha256 = models.CharField(_("SHA-256 of the scan"), max_length=64)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("paper decision")
        verbose_name_plural = _("paper decisions")
        ordering = ["-signed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deciding_unit", "year", "symbol"], name="paper_decision_symbol_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.signed_on:%d/%m/%Y})"


def paper_decision_of(dossier: Dossier) -> PaperDecision | None:
    """The dossier's decision issued on paper, or None (its decision, if any, is in-system)."""
    try:
        paper: PaperDecision = dossier.paper_decision
    except PaperDecision.DoesNotExist:
        return None
    return paper


__all__ = ["PaperDecision", "paper_decision_of", "paper_scan_path"]
