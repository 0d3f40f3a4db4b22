"""The search box and the filters beside it, read into a :class:`Query` and :class:`Filters`.

Every choice list comes from :mod:`workflows.search.choices` (the user's scope), so a value
outside it (an agency or a signer the user may not read, an unknown kind) is refused with a
message, like any other bad value; nothing reaches the search unchecked.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.organisation.models import OrgUnit
from workflows.search import choices
from workflows.search.query import Query, QueryError, parse
from workflows.search.selectors import Filters

#: The years a search may be narrowed to.
FIRST_YEAR = 1945
LAST_YEAR = 2100


class SearchForm(forms.Form):
    """``q`` and the filters; ``search()`` gives the query and filters once valid."""

    q = forms.CharField(label=_("Search"), required=False, strip=True)
    kind = forms.MultipleChoiceField(
        label=_("Kinds"), required=False, widget=forms.CheckboxSelectMultiple
    )
    document_kind = forms.ChoiceField(label=_("Document kind"), required=False)
    agency = forms.ChoiceField(label=_("Issuing agency"), required=False)
    signer = forms.ChoiceField(label=_("Signer"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    date_from = forms.DateField(
        label=pgettext_lazy("dates", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("dates", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data: Any, *, user: Any, day: datetime.date) -> None:
        super().__init__(data)
        everything = [("", _("All"))]
        self._offer("kind", choices.kind_choices())
        self._offer("document_kind", everything + choices.document_kind_choices())
        visible = choices.visible_to(user, day)
        agencies = choices.agency_choices(user=user, day=day, visible=visible)
        self._offer("agency", everything + agencies)
        signers = choices.signer_choices(user=user, day=day, visible=visible)
        self._offer("signer", everything + signers)
        self._offer("state", [*everything, *choices.state_choices()])
        self.query: Query | None = None

    def _offer(self, name: str, offered: Any) -> None:
        field = cast("forms.ChoiceField", self.fields[name])
        field.choices = offered

    def clean_q(self) -> str:
        text: str = self.cleaned_data.get("q", "")
        try:
            self.query = parse(text)
        except QueryError as exc:
            raise forms.ValidationError(str(exc), code="query") from None
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> Filters:
        """The filters of a valid form."""
        data = self.cleaned_data
        agency = OrgUnit.objects.get(pk=int(data["agency"])) if data.get("agency") else None
        return Filters(
            kinds=frozenset(data.get("kind") or ()),
            document_kind=data.get("document_kind") or "",
            agency=agency,
            signer_id=int(data["signer"]) if data.get("signer") else None,
            state=data.get("state") or "",
            year=data.get("year"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    @property
    def filtered(self) -> bool:
        """Whether a filter beyond the words is set (the page opens its filters then)."""
        keys = ("kind", "document_kind", "agency", "signer", "state", "year", "date_from")
        return any(self.data.get(key) for key in (*keys, "date_to"))


__all__ = ["SearchForm"]
