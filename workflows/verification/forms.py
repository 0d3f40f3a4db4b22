"""The upload form of the verification page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.verification.reports import VerificationRefused, read_upload


class VerifyForm(forms.Form):
    """One PDF file; its bytes end up in ``cleaned_data["data"]``."""

    file = forms.FileField(
        label=_("PDF file to verify"),
        required=False,  # a missing or empty file gets the same message as the API gives
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            cleaned["data"] = read_upload(cleaned.get("file"))
        except VerificationRefused as exc:
            self.add_error("file", forms.ValidationError(str(exc.message), code=exc.code))
        return cleaned
