"""The shape of every refusal the API answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer[Any]):
    """Every refusal: a stable code, a message for people, and field errors when any."""

    code = serializers.CharField(help_text=_("Stable, machine-readable reason."))
    message = serializers.CharField(help_text=_("What went wrong, in the request's language."))
    fields = serializers.DictField(
        child=serializers.JSONField(), help_text=_("Errors per input field (may be empty).")
    )
