"""Form fields to choose organisation units: grouped by parent, each shown with its parent.

Several units share a name under different parents ("Văn phòng Sở" of two departments); a
flat list of names shows them identically. :class:`UnitMultipleChoiceField` groups the
options by parent unit (``<optgroup>``) and labels each "name — parent", so no two options
read the same; its widget loads ``site/unit-picker.js``, which turns the list into
checkboxes with a search box (the plain list still works without script).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from approvals.organisation.models import OrgUnit

#: Separates a unit's name from its parent's in an option's label.
PARENT_SEPARATOR = " — "


def unit_label(unit: OrgUnit) -> str:
    """The unit's name followed by its parent's short name (or name), when it has a parent."""
    parent = unit.parent
    if parent is None:
        return unit.name
    return f"{unit.name}{PARENT_SEPARATOR}{parent.short_name or parent.name}"


def _group_label(unit: OrgUnit) -> str:
    parent = unit.parent
    if parent is None:
        return str(_("Top-level units"))
    return parent.name


class _UnitsWithParents(ModelChoiceIterator):
    """The queryset's units, their parents read in the same query (for the labels)."""

    def __init__(self, field: Any) -> None:
        super().__init__(field)
        self.queryset = self.queryset.select_related("parent")


class UnitChoiceField(forms.ModelChoiceField):
    """One unit, labelled "name — parent" (two "Văn phòng Sở" are told apart)."""

    iterator = _UnitsWithParents

    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj)


class _GroupedUnits(ModelChoiceIterator):
    """The queryset's units as ``(parent name, [(value, label), ...])`` groups, tree order."""

    def __iter__(self) -> Iterator[Any]:
        groups: dict[str, list[Any]] = {}
        queryset = self.queryset.select_related("parent").order_by("path")
        for unit in queryset:
            groups.setdefault(_group_label(unit), []).append(self.choice(unit))
        yield from groups.items()


class UnitPickerWidget(forms.SelectMultiple):
    """A multiple select marked for ``unit-picker.js`` (checkboxes and a search box)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"size": 8, "data-unit-picker": "", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {
            **(attrs or {}),
            # the script's own words, translated here (no text lives in the script)
            "data-search-label": str(_("Search units")),
            "data-search-hint": str(_("Type part of a name; accents are optional.")),
            "data-none-found": str(_("No unit matches.")),
        }
        return super().get_context(name, value, attrs)

    @property
    def media(self) -> forms.Media:
        script: Any = forms.Script("site/unit-picker.js", defer=True)  # django-stubs: str only
        return forms.Media(js=[script])


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several units, grouped by parent and labelled "name — parent"."""

    iterator = _GroupedUnits
    widget = UnitPickerWidget

    def __init__(self, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(OrgUnit.objects.none() if queryset is None else queryset, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj)
