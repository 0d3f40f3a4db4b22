"""Admin: document kinds and register configuration are edited here; numbers are not.

Numbers are issued by the workflows through :func:`~approvals.registers.services.number_issue`;
voiding and closing go through their services (the actions below ask for the reason).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from approvals.admin import ScopedInline, UnitScopedAdmin
from approvals.exceptions import ApprovalError
from approvals.registers.models import DocumentKind, Register, RegisterEntry, RegisterKind
from approvals.registers.services import number_void, register_close

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.http import HttpRequest


class ReasonForm(forms.Form):
    """The reason asked for before voiding numbers or closing registers."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


def _with_reason(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    action: str,
    title: str,
    intro: str,
    submit_label: str,
    apply: Callable[[Any, str], None],
    success: Callable[[int], str],
) -> TemplateResponse | None:
    """Ask for a reason, then apply the service to each selected row in its own transaction.

    ``success`` words the confirmation for the number of rows done.
    """
    if "apply" in request.POST:
        form = ReasonForm(request.POST)
        if form.is_valid():
            done = 0
            for obj in queryset:
                try:
                    apply(obj, form.cleaned_data["reason"])
                except ApprovalError as exc:
                    modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
                else:
                    done += 1
            if done:
                modeladmin.message_user(request, success(done), messages.SUCCESS)
            return None
    else:
        form = ReasonForm()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit_label": submit_label,
        "form": form,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/approvals_registers/reason_form.html", context)


@admin.register(DocumentKind)
class DocumentKindAdmin(UnitScopedAdmin):
    """Document kinds and their abbreviations (Decree 30/2020, Phụ lục III)."""

    scope_global = True

    list_display = ("name", "abbreviation", "name_en", "code")
    search_fields = ("name", "name_en", "abbreviation", "code")
    ordering = ("name",)


class RegisterKindInline(ScopedInline):
    """The kinds a register covers; a kind can be in one register per agency and year."""

    model = RegisterKind
    fields = ("kind",)
    extra = 1


@admin.register(Register)
class RegisterAdmin(UnitScopedAdmin):
    """Registers: the grouping of kinds is configuration; the counter is never edited."""

    scope_unit_fields = ("agency",)

    list_display = ("name", "agency", "year", "confidential", "next_number", "closed_at")
    list_filter = ("year", "confidential")
    search_fields = ("name", "agency__name", "agency__code")
    list_select_related = ("agency",)
    raw_id_fields = ("agency",)
    inlines = (RegisterKindInline,)
    actions = ("close_selected",)
    readonly_fields = (
        "next_number",
        "rolled_over_from",
        "closed_at",
        "closed_reason",
        "created_at",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Register | None = None) -> Any:
        """Agency, year and series are fixed once the register exists."""
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields = ("agency", "year", "confidential", *fields)
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """A register that issued numbers is kept."""
        if isinstance(obj, Register) and obj.entries.exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=gettext_lazy("Close selected registers"))
    def close_selected(
        self, request: HttpRequest, queryset: QuerySet[Register]
    ) -> TemplateResponse | None:
        """Close the selected registers through the service, with a reason."""

        def close(register: Register, reason: str) -> None:
            register_close(register=register, user=request.user, reason=reason)  # type: ignore[arg-type]

        return _with_reason(
            self,
            request,
            queryset.select_related("agency"),
            action="close_selected",
            title=_("Close registers"),
            intro=_("These registers will issue no more numbers. Give the reason."),
            submit_label=_("Close"),
            apply=close,
            success=lambda count: (
                ngettext("%(count)d register closed.", "%(count)d registers closed.", count)
                % {"count": count}
            ),
        )


@admin.register(RegisterEntry)
class RegisterEntryAdmin(UnitScopedAdmin):
    """Issued numbers: read-only; a spoiled number is voided with a reason."""

    scope_unit_fields = ("register__agency",)

    list_display = ("symbol", "issued_on", "kind", "subject_summary", "status", "register")
    list_filter = ("status", "kind", "register__year")
    search_fields = ("symbol", "subject_summary", "=subject_id")
    list_select_related = ("kind", "register", "register__agency")
    ordering = ("register", "number")
    actions = ("void_selected",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Numbers are issued by the numbering service only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Entries are not edited."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Entries are never deleted."""
        return False

    @admin.action(description=gettext_lazy("Void selected numbers"))
    def void_selected(
        self, request: HttpRequest, queryset: QuerySet[RegisterEntry]
    ) -> TemplateResponse | None:
        """Void the selected numbers through the service, with a reason."""

        def void(entry: RegisterEntry, reason: str) -> None:
            number_void(entry=entry, user=request.user, reason=reason)  # type: ignore[arg-type]

        return _with_reason(
            self,
            request,
            queryset,
            action="void_selected",
            title=_("Void numbers"),
            intro=_(
                "These numbers will be voided; they are kept and never reused. Give the reason."
            ),
            submit_label=pgettext("button: void the selected numbers", "Void"),
            apply=void,
            success=lambda count: (
                ngettext("%(count)d number voided.", "%(count)d numbers voided.", count)
                % {"count": count}
            ),
        )
