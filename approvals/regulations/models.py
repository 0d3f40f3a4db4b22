"""Versioned rule sets: every threshold, period, deadline and deciding level.

A ``Regulation`` (e.g. Decree 86/2023 on the cultural titles) has ``RegulationVersion``s
with an effective date and legal basis; each version holds complete ``Rule`` values. A
province may add its own versions (``jurisdiction``) that override single rules for its
units. A version in force is never edited: a change is a new version, so older records
keep the rules they started under.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.organisation.models import OrgUnit


class ValueType(models.TextChoices):
    """How a rule's JSON value is read."""

    INTEGER = "integer", _("Whole number")
    PERCENT = "percent", _("Percentage")
    PERIOD = "period", _("Period (length and kind of days)")
    MONTH_DAY = "month_day", _("Day of the year (MM-DD)")
    UNIT_KIND = "unit_kind", _("Level (kind of unit)")
    BOOLEAN = "boolean", _("Yes/no")
    TEXT = "text", _("Text")
    LIST = "list", _("List")


class Regulation(models.Model):
    """A family of rules from one legal source, e.g. the cultural titles of Decree 86/2023."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RegulationVersion(models.Model):
    """The rules of a regulation from ``effective_from`` until the next version."""

    regulation = models.ForeignKey(
        Regulation, verbose_name=_("regulation"), on_delete=models.PROTECT, related_name="versions"
    )
    label = models.CharField(_("label"), max_length=255)
    effective_from = models.DateField(_("effective from"))
    jurisdiction = models.ForeignKey(
        OrgUnit,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regulation_versions",
        help_text=_("Blank for national rules; a province for its own detailed rules."),
    )
    legal_basis = models.TextField(_("legal basis"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("regulation version")
        verbose_name_plural = _("regulation versions")
        ordering = ["regulation", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "jurisdiction", "effective_from"],
                name="regulation_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regulation.code} {self.effective_from:%d/%m/%Y} — {self.label}"

    def is_in_force_or_past(self, today: datetime.date) -> bool:
        """Whether the version has taken effect (and so may no longer be edited)."""
        return self.effective_from <= today


class Rule(models.Model):
    """One value of a regulation version, with its source and whether it is confirmed."""

    version = models.ForeignKey(
        RegulationVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="rules"
    )
    key = models.CharField(_("key"), max_length=120)
    value: models.JSONField[Any] = models.JSONField(_("value"))
    value_type = models.CharField(_("value type"), max_length=16, choices=ValueType.choices)
    confirmed = models.BooleanField(
        _("confirmed by the legal text"),
        default=True,
        help_text=_("Unconfirmed values are configurable defaults; check them locally."),
    )
    basis = models.CharField(_("source"), max_length=255, blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    informational = models.BooleanField(
        _("informational"),
        default=False,
        # Also the column's default: rules written by the earlier seeding migrations (and by
        # tests replaying them after a flush) know nothing of this field.
        db_default=False,
        help_text=_(
            "Shown for reference only: no step of the processes acts on this value, so "
            "changing it changes nothing the system does."
        ),
    )

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="rule_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"
