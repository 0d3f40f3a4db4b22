"""Households, the candidates of the "Gia đình văn hóa" title."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.organisation.models import OrgUnit


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
