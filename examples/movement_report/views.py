"""The report pages: the list with the drafting form, and a report's page with its one button.

Reads go through the selectors, changes through the services; a refusal shows the engine's
reason on the page and changes nothing; a report the user may not see is a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from approvals.exceptions import ApprovalError
from approvals.organisation.models import OrgUnit, UnitKind
from approvals.organisation.selectors import action_scopes
from examples.movement_report.models import MovementReport, ReportPeriod
from examples.movement_report.selectors import (
    report_get_visible,
    report_history,
    report_list_visible,
    report_next_step,
)
from examples.movement_report.services import DRAFT, report_create, report_step


class ReportForm(forms.Form):
    """A new report: which unit reports, to whom, for which period, and the results."""

    unit = forms.ModelChoiceField(OrgUnit.objects.none(), label=gettext_lazy("reporting unit"))
    recipient = forms.ModelChoiceField(
        OrgUnit.objects.filter(kind=UnitKind.DIVISION), label=gettext_lazy("sent to")
    )
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=gettext_lazy("period"), choices=ReportPeriod.choices)
    text = forms.CharField(label=gettext_lazy("results"), widget=forms.Textarea)

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        scope = action_scopes(user=user, action_codes=[DRAFT], day=timezone.localdate())[DRAFT]
        self.fields["unit"].queryset = OrgUnit.objects.filter(scope.units_q())  # type: ignore[attr-defined]


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the user may see, and the form to draft a new one."""
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = report_create(user=request.user, **form.cleaned_data)
        except ApprovalError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("movement_report:detail", pk=report.pk)
    reports = report_list_visible(user=request.user, day=timezone.localdate())
    return render(request, "movement_report/report_list.html", {"form": form, "reports": reports})


def _visible_or_404(request: HttpRequest, pk: int) -> MovementReport:
    try:
        return report_get_visible(user=request.user, pk=pk, day=timezone.localdate())
    except MovementReport.DoesNotExist:
        raise Http404(_("No such report, or you may not see it.")) from None


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report, its history, and the step the user may take (or why not)."""
    report = _visible_or_404(request, pk)
    context = {
        "report": report,
        "history": report_history(report=report),
        "next_step": report_next_step(report=report, user=request.user),
    }
    return render(request, "movement_report/report_detail.html", context)


@require_POST
@login_required
def report_step_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the report's next step; a refusal is shown with the engine's reason."""
    report = _visible_or_404(request, pk)
    try:
        report_step(report=report, user=request.user, comment=request.POST.get("comment", ""))
    except ApprovalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("movement_report:detail", pk=pk)
