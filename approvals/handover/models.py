"""The hand-over list (biên bản bàn giao) and the fields a handed-over case carries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.organisation.models import OrgUnit


class HandedOver(models.Model):
    """Mixed into a process's case: where it came from in a reorganisation, and when."""

    handed_over_from = models.ForeignKey(
        OrgUnit,
        verbose_name=_("handed over from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The dissolved unit whose pending case this was."),
    )
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)

    class Meta:
        abstract = True


class HandOver(models.Model):
    """One hand-over list: the pending cases of a dissolved unit taken over by its successor."""

    from_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("handed over by"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("taken over by"), on_delete=models.PROTECT, related_name="+"
    )
    effective_from = models.DateField(_("effective from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hand-over list")
        verbose_name_plural = _("hand-over lists")
        ordering = ["-effective_from", "pk"]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit} ({self.effective_from:%d/%m/%Y})"


class HandOverCase(models.Model):
    """One row of a hand-over list: the case as it stood when it was handed over."""

    hand_over = models.ForeignKey(
        HandOver, verbose_name=_("hand-over list"), on_delete=models.CASCADE, related_name="cases"
    )
    kind = models.CharField(_("kind of case"), max_length=120)
    title = models.CharField(_("case"), max_length=500)
    state = models.CharField(_("state"), max_length=120)
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=64)
    url = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("handed-over case")
        verbose_name_plural = _("handed-over cases")
        ordering = ["hand_over", "pk"]

    def __str__(self) -> str:
        return self.title
