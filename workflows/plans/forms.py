"""Forms of the plan pages: they turn what the drafter types into a revision's content."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.exceptions import ValidationFailed
from approvals.organisation.fields import UnitChoiceField, UnitMultipleChoiceField
from approvals.organisation.models import OrgUnit
from approvals.registers.models import DocumentKind
from workflows.plans.consulting import consultable_units, consulted_check
from workflows.plans.content import body_parse, body_text
from workflows.plans.models import Plan


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PlanForm(forms.Form):
    """The drafting form, in the order of the document's sections (Decree 30 layout)."""

    kind = forms.ModelChoiceField(DocumentKind.objects.none(), label=_("Kind of document"))
    drafting_unit = UnitChoiceField(OrgUnit.objects.none(), label=_("Drafting unit"))
    issuing_agency = UnitChoiceField(OrgUnit.objects.none(), label=_("Issuing agency"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    subject_summary = forms.CharField(
        label=_("Subject summary (trích yếu)"), max_length=500, widget=forms.TextInput
    )
    basis = forms.CharField(
        label=_("Basis (căn cứ), one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Start a section with a Roman numeral (“I. MỤC ĐÍCH, YÊU CẦU”), an item with a "
            "number and no final full stop (“1. Phòng Bảo trợ xã hội”); other lines are "
            "paragraphs, numbered ones too when they end with a full stop or a semicolon "
            "(“1. Đẩy mạnh phong trào.”)."
        ),
    )
    closing = forms.CharField(label=_("Closing sentence"), required=False, max_length=1000)
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận), one per line"), widget=forms.Textarea(attrs={"rows": 4})
    )
    recipient_units = UnitMultipleChoiceField(
        label=_("Units the plan is dispatched to"), required=False
    )
    needs_consultation = forms.BooleanField(
        label=_("Consult the steering committee's member agencies"), required=False
    )
    consulted_agencies = UnitMultipleChoiceField(
        label=_("Agencies to consult"),
        required=False,
        help_text=_(
            "Only the agencies at the issuing agency's level can be consulted, other than "
            "the agency itself and the drafting unit."
        ),
    )
    consultation_working_days = forms.IntegerField(
        label=_("Working days for their answers"), required=False, min_value=1, max_value=60
    )

    def __init__(
        self, *args: Any, drafting_units: list[OrgUnit], day: datetime.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.day = day
        cast(forms.ModelChoiceField, self.fields["kind"]).queryset = DocumentKind.objects.order_by(
            "name"
        )
        unit_ids = [u.pk for u in drafting_units]
        cast(
            forms.ModelChoiceField, self.fields["drafting_unit"]
        ).queryset = OrgUnit.objects.filter(pk__in=unit_ids).order_by("path")
        ancestors = {a for u in drafting_units for a in u.ancestor_ids}
        agencies = OrgUnit.objects.active_on(day).filter(
            _issuing_agencies_q(ancestors, drafting_units)
        )
        cast(forms.ModelChoiceField, self.fields["issuing_agency"]).queryset = agencies.order_by(
            "path"
        )
        units = OrgUnit.objects.active_on(day).order_by("path")
        cast(forms.ModelChoiceField, self.fields["recipient_units"]).queryset = units
        cast(
            forms.ModelChoiceField, self.fields["consulted_agencies"]
        ).queryset = consultable_units(agencies, drafting_units, day)
        self.fields["year"].initial = day.year
        self.fields["kind"].initial = (
            DocumentKind.objects.filter(code="plan").values_list("pk", flat=True).first()
        )
        if len(drafting_units) == 1:
            self.fields["drafting_unit"].initial = drafting_units[0].pk
            self.fields["issuing_agency"].initial = drafting_units[0].parent_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "body" in cleaned:
            try:
                cleaned["sections"] = body_parse(cleaned["body"])
            except ValidationFailed as exc:
                self.add_error("body", str(exc))
        agency, unit = cleaned.get("issuing_agency"), cleaned.get("drafting_unit")
        if cleaned.get("consulted_agencies") and agency is not None and unit is not None:
            try:
                consulted_check(
                    list(cleaned["consulted_agencies"]), issuing_agency=agency, drafting_unit=unit
                )
            except ValidationFailed as exc:
                self.add_error("consulted_agencies", str(exc))
        return cleaned

    def content(self) -> dict[str, Any]:
        """The revision content the plan services validate."""
        data = self.cleaned_data
        content: dict[str, Any] = {
            "subject_summary": data["subject_summary"].strip(),
            "basis": _lines(data.get("basis", "")),
            "sections": data["sections"],
            "recipients": _lines(data["recipients"]),
        }
        if data.get("closing"):
            content["closing"] = data["closing"].strip()
        return content

    @staticmethod
    def initial_for(plan: Plan) -> dict[str, Any]:
        """The form filled from the plan's current revision (to edit a draft)."""
        content = plan.current_revision.content
        return {
            "kind": plan.kind_id,
            "drafting_unit": plan.drafting_unit_id,
            "issuing_agency": plan.issuing_agency_id,
            "year": plan.year,
            "subject_summary": content.get("subject_summary", ""),
            "basis": "\n".join(content.get("basis", [])),
            "body": body_text(content.get("sections", [])),
            "closing": content.get("closing", ""),
            "recipients": "\n".join(content.get("recipients", [])),
            "recipient_units": list(plan.recipient_units.values_list("pk", flat=True)),
            "needs_consultation": plan.needs_consultation,
            "consulted_agencies": list(plan.consulted_agencies.values_list("pk", flat=True)),
            "consultation_working_days": plan.consultation_working_days or None,
        }


def _issuing_agencies_q(ancestor_ids: set[int], drafting_units: list[OrgUnit]) -> Q:
    """Issuing agencies open to these drafting units: the units above them, and the steering
    committees whose standing agency they belong to."""
    condition = Q(pk__in=sorted(ancestor_ids))
    for unit in drafting_units:
        for ancestor_id in unit.ancestor_ids:
            condition |= Q(standing_agency_id=ancestor_id)
    return condition


class CommentForm(forms.Form):
    """A decision's comment; required to return a plan."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)
    seen_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # the step the page showed: a decision taken on a page left open while another
    # reviewer moved the plan on is refused as out of date
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args: Any, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your agency's answer"), widget=forms.Textarea)
