"""Forms of the nomination pages; they only read input, the services decide and change."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.organisation.fields import UnitChoiceField
from approvals.organisation.models import OrgUnit
from approvals.widgets import PlainSelect
from workflows.nominations.choices import ground_label
from workflows.nominations.models import Candidate, DossierState, Title

#: A date picker (the browser shows it as dd/mm/yyyy in Vietnamese); the value is ISO, and
#: dd/mm/yyyy typed or posted is still accepted (DATE_INPUT_FORMATS).
DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DossierFilterForm(forms.Form):
    """Filters of the dossier list."""

    title = forms.ChoiceField(
        label=_("Title"),
        required=False,
        choices=[("", _("All titles")), *Title.choices],
        widget=PlainSelect,
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *DossierState.choices],
        widget=PlainSelect,
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=9999)


class DossierCreateForm(forms.Form):
    """A new dossier: the title, the year and the proposing unit."""

    title = forms.ChoiceField(label=_("Title"), choices=Title.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=9999)
    proposing_unit = UnitChoiceField(label=_("Proposing unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, units: Iterable[OrgUnit] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["proposing_unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (narrowing for mypy)
        field.queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in units]).order_by("name")


class HouseholdImportForm(forms.Form):
    """An XLSX or CSV list of a village's households (see ``imports.households_import``)."""

    file = forms.FileField(label=_("Household list (XLSX or CSV)"))


class RegisterForm(forms.Form):
    """Bulk registration: every household (or unit) not yet a candidate, each ticked; the
    officer unticks those left out, and only the ticked ones are registered."""

    #: Sent by the page's form: without it (an older page, a script) everyone is registered.
    MARKER = "choosing"

    chosen = forms.MultipleChoiceField(
        label=_("Candidates to register"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one candidate to register.")},
    )

    def __init__(self, *args: Any, choices: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["chosen"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101  (narrowing for mypy)
        field.choices = [(str(pk), label) for pk, label in choices]
        field.initial = [value for value, _label in field.choices]

    def chosen_ids(self) -> set[int]:
        """The ids ticked (all of them offered, the field's validation saw to it)."""
        return {int(pk) for pk in self.cleaned_data["chosen"]}


class MeetingForm(forms.Form):
    """The review meeting: attendance, and the votes for each registered candidate, typed
    in or, for households, read from a sheet (``imports.votes_import``).

    Whether its day is accepted is the engine's rule (:mod:`approvals.acts`); a refusal is
    shown on the field named by ``act_date_field``.
    """

    act_date_field = "held_on"

    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    invited = forms.IntegerField(label=_("Invited"), min_value=1)
    present = forms.IntegerField(label=_("Present"), min_value=0)
    chaired_by = forms.CharField(label=_("Chaired by"), max_length=255)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea)
    votes_file = forms.FileField(
        label=_("Or the votes from a sheet (XLSX or CSV)"),
        required=False,
        help_text=_(
            "Columns “Mã hộ” and “Số phiếu đồng ý”, one row for every registered household; "
            "the votes typed below are then left aside."
        ),
    )

    def __init__(self, *args: Any, candidates: Iterable[Candidate] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for candidate in self.candidates:
            self.fields[f"vote_{candidate.pk}"] = forms.IntegerField(
                label=str(candidate.household or candidate.unit or candidate.person),
                min_value=0,
                widget=forms.NumberInput(attrs={"data-vote": ""}),
                # Left blank when the meeting lacked the quorum (its votes do not count); the
                # service asks for every vote of a quorate meeting.
                required=False,
            )

    def vote_fields(self) -> list[tuple[Candidate, Any]]:
        """Each candidate with its bound vote field, for the template."""
        return [(c, self[f"vote_{c.pk}"]) for c in self.candidates]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        present = cleaned.get("present")
        if present is not None:
            for candidate in self.candidates:
                name = f"vote_{candidate.pk}"
                if (cleaned.get(name) or 0) > present:
                    self.add_error(
                        name,
                        _("More votes than people present (%(present)s).") % {"present": present},
                    )
        return cleaned

    def votes(self) -> dict[int, int]:
        """Votes for each candidate, by candidate id."""
        typed = ((c.pk, self.cleaned_data.get(f"vote_{c.pk}")) for c in self.candidates)
        return {pk: int(n) for pk, n in typed if n is not None}


class PostingForm(forms.Form):
    """The day the list was posted at the village's notice board."""

    act_date_field = "posted_on"

    posted_on = forms.DateField(label=_("Posted on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, meeting_on: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting_on = meeting_on

    def clean_posted_on(self) -> datetime.date:
        posted_on: datetime.date = self.cleaned_data["posted_on"]
        if self.meeting_on is not None and posted_on < self.meeting_on:
            raise forms.ValidationError(_("The list is posted after the review meeting."))
        return posted_on


class ObjectionForm(forms.Form):
    """A resident's objection to one posted candidate."""

    act_date_field = "received_on"
    candidate = forms.IntegerField(label=_("Candidate"), widget=PlainSelect)
    text = forms.CharField(label=_("Objection"), widget=forms.Textarea)
    upheld = forms.BooleanField(label=_("Upheld: strike the candidate"), required=False)
    received_on = forms.DateField(
        label=_("Received on"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Today when left empty."),
    )

    def __init__(self, *args: Any, candidates: Iterable[Candidate] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].widget.choices = [
            (c.pk, str(c.household or c.unit or c.person)) for c in candidates
        ]


class ReportForm(forms.Form):
    """A candidate's achievement report (báo cáo thành tích)."""

    candidate = forms.IntegerField(label=_("Candidate"), widget=PlainSelect)
    report = forms.CharField(label=_("Achievement report"), widget=forms.Textarea)

    def __init__(self, *args: Any, candidates: Iterable[Candidate] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].widget.choices = [
            (c.pk, str(c.household or c.unit or c.person)) for c in candidates
        ]


class AppraiseForm(forms.Form):
    """The appraisal: accept the dossier, or return it for supplement with a comment."""

    ACCEPT = "accept"
    RETURN = "return"
    decision = forms.ChoiceField(
        label=_("Appraisal"),
        choices=[(ACCEPT, _("Complete: accept")), (RETURN, _("Return for supplement"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)


class CouncilForm(forms.Form):
    """The emulation council's review, with minutes and the candidates it rejects."""

    act_date_field = "held_on"

    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    members = forms.IntegerField(label=_("Members"), min_value=1, required=False)
    present = forms.IntegerField(label=_("Present"), min_value=0, required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea)
    refused = forms.MultipleChoiceField(
        label=_("Candidates the council rejects"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, candidates: Iterable[Candidate] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        field = self.fields["refused"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101  (narrowing for mypy)
        field.choices = [
            (str(c.pk), str(c.household or c.unit or c.person)) for c in self.candidates
        ]
        for candidate in self.candidates:
            self.fields[f"vote_{candidate.pk}"] = forms.IntegerField(
                label=str(candidate.household or candidate.unit or candidate.person),
                min_value=0,
                required=False,
            )

    def vote_fields(self) -> list[tuple[Candidate, Any]]:
        """Each candidate with its bound vote field, for the template."""
        return [(c, self[f"vote_{c.pk}"]) for c in self.candidates]

    def votes(self) -> dict[int, int] | None:
        """The votes given, by candidate id; None when the council's votes were not given."""
        given = {
            c.pk: int(self.cleaned_data[f"vote_{c.pk}"])
            for c in self.candidates
            if self.cleaned_data.get(f"vote_{c.pk}") is not None
        }
        return given or None


class DecideForm(forms.Form):
    """Signing the decision; a late decision needs its reason."""

    late_reason = forms.CharField(
        label=_("Reason for a late decision (only after the time limit)"),
        required=False,
        max_length=255,
    )


class RevokeForm(forms.Form):
    """Revoking one recognised title on a legal ground."""

    candidate = forms.IntegerField(label=_("Candidate"), widget=PlainSelect)
    ground = forms.ChoiceField(label=_("Legal ground"))
    note = forms.CharField(label=_("Finding"), widget=forms.Textarea)

    def __init__(
        self,
        *args: Any,
        candidates: Iterable[Candidate] = (),
        grounds: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].widget.choices = [
            (c.pk, str(c.household or c.unit or c.person)) for c in candidates
        ]
        field = self.fields["ground"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  (narrowing for mypy)
        field.choices = [(g, ground_label(g)) for g in grounds]


class DashboardForm(forms.Form):
    """The dashboard's year and unit."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=9999)
    unit = forms.IntegerField(label=_("Unit"), required=False, widget=PlainSelect)

    def __init__(self, *args: Any, units: Iterable[OrgUnit] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [(u.pk, u.name) for u in units]


class PositionChoiceField(forms.ModelChoiceField):
    """A position named with its holder, title, unit and term."""

    def label_from_instance(self, obj: Any) -> str:
        from approvals.organisation.resolver import user_label

        end = obj.valid_to.strftime("%d/%m/%Y") if obj.valid_to else "…"
        return (
            f"{user_label(obj.user)} — {obj.printed_title}, {obj.unit.name} "
            f"({obj.valid_from:%d/%m/%Y} - {end})"
        )


class PaperDecisionForm(forms.Form):
    """A decision issued on paper, entered by the records clerk with its scan."""

    number = forms.IntegerField(label=_("Number printed on the decision"), min_value=1)
    symbol = forms.CharField(
        label=_("Number and symbol as printed"),
        required=False,
        max_length=100,
        help_text=_("E.g. 12/QĐ-UBND; left empty, the deciding unit's decision symbol."),
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_WIDGET)
    signer = PositionChoiceField(
        label=_("Signed by (position held on the day of signature)"), queryset=None
    )
    scan = forms.FileField(label=_("Scan of the signed decision (PDF)"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, positions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["signer"]
        field.queryset = positions
