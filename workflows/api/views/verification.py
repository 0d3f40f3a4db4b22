"""``POST /api/verify/``: the verification page as an API, open to anyone and rate-limited."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from workflows.api.views.base import Localised
from workflows.verification.reports import may_fetch, read_upload, verify_pdf
from workflows.verification.serializers import VerificationSerializer, VerifyUploadSerializer
from workflows.verification.throttling import VerifyThrottle


@extend_schema(tags=["verification"])
class VerifyViewSet(Localised, viewsets.ViewSet):
    """Xác thực văn bản: check the digital signatures of a PDF (open to anyone, rate-limited)."""

    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="verify_document",
        request={"multipart/form-data": VerifyUploadSerializer},
        responses={200: VerificationSerializer},
        description=(
            "Each signature of the uploaded PDF: signer, organisation, signing time, timestamp, "
            "chain trusted to the site's roots, revocation, integrity since, whether later "
            "changes were allowed; and the verdict with its reasons. A file that is missing, "
            "empty, too large, not a PDF, damaged or without any signature is refused with 400 "
            "and the code file_missing, file_empty, file_too_large, not_a_pdf, damaged_pdf or "
            "no_signatures."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = read_upload(request.FILES.get("file"))
        verification = verify_pdf(data, allow_fetching=may_fetch(request.user))
        return Response(VerificationSerializer(verification).data)
