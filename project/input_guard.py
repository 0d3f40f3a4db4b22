"""Guards on what a request may carry, applied before any view sees it.

Text (the rule of :mod:`approvals.text`): every key and value of the query string and of a
form post, and every uploaded file's name, is normalised to NFC, and a NUL character or an
unpaired UTF-16 surrogate is refused with a 400 that does not quote the input. The API's
JSON bodies get the same treatment from its parsers (``workflows/api/parsers.py``).

Size: a body larger than the largest accepted upload (``PLAN_ATTACHMENT_MAX_BYTES`` or
``DATA_UPLOAD_MAX_MEMORY_SIZE``, whichever is larger) plus ``UPLOAD_FORM_MARGIN_BYTES`` for
the form's other fields is refused with a 413 from its ``Content-Length``, before anything
reads it. A body without a length (``Transfer-Encoding: chunked``) is refused with a 411:
Django would read such a body as empty anyway (its WSGI request reads at most
``Content-Length`` bytes of ``wsgi.input``), so refusing says so instead of losing it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from approvals.text import UnacceptableText, clean_query_dict, clean_text

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api(request: HttpRequest) -> bool:
    """Whether the request is for the REST API (answered in JSON)."""
    return request.path_info.startswith("/api/")


def refusal(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    """The API's JSON refusal, or a small page for the site."""
    if is_api(request):
        fields = {field: [message]} if field else {}
        return JsonResponse({"code": code, "message": message, "fields": fields}, status=status)
    html = render_to_string(
        "refused.html",
        {"status": status, "message": message, "LANGUAGE_CODE": translation.get_language()},
    )
    return HttpResponse(html, status=status)


def request_body_limit() -> int:
    """The largest body accepted: the largest upload plus a margin for the other fields."""
    largest = max(
        int(settings.PLAN_ATTACHMENT_MAX_BYTES), int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    )
    return largest + int(settings.UPLOAD_FORM_MARGIN_BYTES)


class RequestSizeLimitMiddleware:
    """Refuses an over-large or unmeasured body from its headers (first in the chain)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._refusal(request)
        return refused if refused is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        raw = str(request.META.get("CONTENT_LENGTH") or "").strip()
        chunked = bool(request.META.get("HTTP_TRANSFER_ENCODING")) and not raw
        if not raw and not chunked:
            return None
        language = translation.get_language_from_request(request, check_path=not is_api(request))
        with translation.override(language):
            if chunked:
                return refusal(
                    request,
                    411,
                    "length_required",
                    _(
                        "Send the request with a Content-Length header; chunked bodies are not "
                        "accepted."
                    ),
                )
            try:
                length = int(raw)
            except ValueError:
                length = -1
            if length < 0:
                return refusal(
                    request, 400, "bad_request", _("The Content-Length header is not valid.")
                )
            limit = request_body_limit()
            if length > limit:
                return refusal(
                    request,
                    413,
                    "request_too_large",
                    _("The request is %(size)s MB; at most %(limit)s MB are accepted.")
                    % {"size": f"{length / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:.0f}"},
                )
        return None


class InputGuardMiddleware:
    """Cleans the query string, form fields and file names (after the locale is chosen)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self._clean(request)
        except UnacceptableText as exc:
            return refusal(request, 400, "invalid_text", exc.message, exc.field)
        except MultiPartParserError:
            return refusal(request, 400, "parse_error", _("The form data could not be read."))
        return self.get_response(request)

    @staticmethod
    def _clean(request: HttpRequest) -> None:
        clean_text(request.path_info)
        # the stubs type them as immutable QueryDicts; the cleaned copies are immutable too
        request.GET = clean_query_dict(request.GET)  # type: ignore[assignment]
        content_type = str(request.META.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if request.method == "GET" or content_type not in _FORM_TYPES:
            return
        if is_api(request):
            # the API's own parsers clean its form and multipart bodies (workflows/api/
            # parsers.py); parsing them here would consume the stream its views read
            # (the idempotency key's digest of the raw body)
            return
        request.POST = clean_query_dict(request.POST)  # type: ignore[assignment]
        for name, uploads in request.FILES.lists():
            for upload in uploads:
                upload.name = clean_text(str(upload.name or ""), field=name)
