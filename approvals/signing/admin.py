"""Admin: registering credentials (through the service) and withdrawing them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from approvals.exceptions import ApprovalError
from approvals.signing.models import SigningCredential, load_certificate, validate_config
from approvals.signing.services import credential_register, credential_withdraw

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.http import HttpRequest


class CredentialForm(forms.ModelForm):
    """The certificate may be pasted as PEM or uploaded (PEM or DER)."""

    certificate_file = forms.FileField(
        label=gettext_lazy("certificate file"),
        required=False,
        help_text=gettext_lazy("A .pem, .crt or .cer file; or paste the PEM below."),
    )

    class Meta:
        model = SigningCredential
        fields = [
            "label",
            "user",
            "unit",
            "backend",
            "config",
            "certificate_pem",
            "appearance_image",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("certificate_file")
        if upload is not None:
            cert = load_certificate(upload.read())
            from cryptography.hazmat.primitives import serialization

            data["certificate_pem"] = cert.public_bytes(serialization.Encoding.PEM).decode()
        elif data.get("certificate_pem"):
            load_certificate(data["certificate_pem"])
        if data.get("certificate_pem") and self.instance.pk is None:
            from approvals.signing.models import fingerprint

            print_ = fingerprint(load_certificate(data["certificate_pem"]))
            if SigningCredential.objects.filter(
                fingerprint=print_, backend=data.get("backend"), is_active=True
            ).exists():
                self.add_error("certificate_pem", _("This certificate is already registered."))
        if data.get("backend"):
            try:
                validate_config(data["backend"], data.get("config"))
            except ValidationError as exc:
                self.add_error("config", exc)
        return data


@admin.register(SigningCredential)
class SigningCredentialAdmin(admin.ModelAdmin):
    form = CredentialForm
    list_display = ("__str__", "user", "unit", "backend", "valid_to", "is_active")
    list_filter = ("backend", "is_active")
    search_fields = ("label", "subject_name", "organisation_name", "fingerprint")
    raw_id_fields = ("user", "unit")
    actions = ["withdraw"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        computed = ("fingerprint", "subject_name", "organisation_name", "valid_from", "valid_to")
        if obj is None:
            return computed
        return (*computed, "user", "unit", "backend", "config", "certificate_pem", "is_active")

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        if obj is None:
            return [
                "label",
                "user",
                "unit",
                "backend",
                "config",
                "certificate_file",
                "certificate_pem",
                "appearance_image",
            ]
        return super().get_fields(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Credentials are withdrawn, never deleted: signed files refer to them."""
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["label", "appearance_image"])
            return
        data = form.cleaned_data
        saved = credential_register(
            actor=request.user,  # type: ignore[arg-type]
            backend=data["backend"],
            config=data["config"]
            if isinstance(data["config"], dict)
            else json.loads(data["config"]),
            certificate_pem=data["certificate_pem"],
            user=data.get("user"),
            unit=data.get("unit"),
            label=data.get("label", ""),
        )
        image = data.get("appearance_image")
        if image:
            saved.appearance_image = image
            saved.save(update_fields=["appearance_image"])
        obj.pk = saved.pk
        obj.__dict__.update(saved.__dict__)

    @admin.action(description=gettext_lazy("Withdraw the selected credentials"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[SigningCredential]) -> None:
        done = 0
        for credential in queryset:
            try:
                credential_withdraw(
                    actor=request.user,  # type: ignore[arg-type]
                    credential=credential,
                    reason=_("Withdrawn in the admin."),
                )
                done += 1
            except ApprovalError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d credential withdrawn.", "%(count)d credentials withdrawn.", done)
            % {"count": done},
        )
