"""What ``POST /api/verify/`` takes (a PDF) and answers (each signature and the verdict)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflows.verification.reports import INVALID, VALID, VIETNAM


class VerifyUploadSerializer(serializers.Serializer[Any]):
    """The request: one PDF file, as multipart/form-data."""

    file = serializers.FileField(
        allow_empty_file=True, help_text=_("The PDF document whose signatures are checked.")
    )


class VerifiedSignatureSerializer(serializers.Serializer[Any]):
    """One signature (or document timestamp) of the file, in the order they were made."""

    number = serializers.IntegerField(help_text=_("1 for the first signature made."))
    field = serializers.CharField(source="report.field_name", help_text=_("The signature field."))
    kind = serializers.ChoiceField(
        source="report.kind", choices=["signature", "document_timestamp"]
    )
    kind_label = serializers.CharField()
    signer = serializers.CharField(
        source="report.signer_name", help_text=_("The certificate holder's name.")
    )
    organisation = serializers.CharField(
        source="report.organisation", help_text=_("The organisation named in the certificate.")
    )
    signed_at = serializers.DateTimeField(
        allow_null=True,
        default_timezone=VIETNAM,
        help_text=_("The timestamp's time when it is valid, else the time the signer claimed."),
    )
    signed_at_display = serializers.CharField(
        help_text=_("The signing time as dd/mm/yyyy HH:MM, Vietnam time.")
    )
    timestamped = serializers.BooleanField(source="report.timestamped")
    timestamp_valid = serializers.BooleanField(source="report.timestamp_valid", allow_null=True)
    trusted = serializers.BooleanField(
        source="report.trusted", help_text=_("The chain ends at one of the site's trust roots.")
    )
    revoked = serializers.BooleanField(source="report.revoked")
    revoked_at = serializers.DateTimeField(
        source="report.revoked_at", allow_null=True, default_timezone=VIETNAM
    )
    expired_at_signing = serializers.BooleanField(source="report.expired_at_signing")
    intact = serializers.BooleanField(
        source="report.intact", help_text=_("The signed bytes are unchanged.")
    )
    valid = serializers.BooleanField(
        source="report.valid", help_text=_("The cryptographic signature matches.")
    )
    changes_allowed = serializers.BooleanField(
        source="report.changes_allowed",
        help_text=_("The changes made after this signature are ones it allows."),
    )
    modification_level = serializers.CharField(source="report.modification_level")
    coverage = serializers.CharField(source="report.coverage")
    ok = serializers.BooleanField(help_text=_("This signature is valid on every count."))
    reasons = serializers.ListField(child=serializers.CharField(), source="report.reasons")


class VerificationSerializer(serializers.Serializer[Any]):
    """The answer: every signature, and the verdict with its reasons."""

    verdict = serializers.ChoiceField(choices=[VALID, INVALID])
    verdict_label = serializers.CharField()
    summary = serializers.CharField()
    reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Why the document is not valid (empty if it is)."),
    )
    sha256 = serializers.CharField(help_text=_("SHA-256 of the uploaded file."))
    size = serializers.IntegerField()
    signatures = VerifiedSignatureSerializer(many=True)
