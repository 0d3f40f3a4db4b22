"""Forms of the two-step sign-in pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: Browsers and password managers fill a one-time code into a field marked this way.
_CODE_ATTRS = {"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}


class CodeForm(forms.Form):
    """A 6-digit code from the app, or a recovery code."""

    otp_token = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs=_CODE_ATTRS),
        help_text=_(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
    )


class EnrolForm(forms.Form):
    """The first code the app shows, proving it holds the secret."""

    otp_token = forms.CharField(
        label=_("Code shown by the app"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(attrs={**_CODE_ATTRS, "inputmode": "numeric"}),
    )


class ConfirmForm(forms.Form):
    """Re-asks who is there before recovery codes are renewed or the app removed."""

    confirmation = forms.CharField(
        label=_("Your password or a current code from the app"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
