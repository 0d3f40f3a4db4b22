"""The site's own 404 page even when ``DEBUG`` is on (the demo runs with it on): Django would
answer a missing page with its technical page, listing the URL patterns."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template import loader


def site_not_found(request: HttpRequest) -> HttpResponse:
    """The site's 404 template (``project/templates/404.html``), status 404."""
    body = loader.render_to_string("404.html", {"request_path": request.path}, request=request)
    return HttpResponse(body, status=404)


class SiteNotFoundMiddleware:
    """With ``DEBUG`` on, a missing page is answered with the site's 404 page: a path no URL
    matches and a view raising ``Http404``. With ``DEBUG`` off, Django does that already."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        unresolved = getattr(request, "resolver_match", None) is None
        if settings.DEBUG and response.status_code == 404 and unresolved:
            return site_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return site_not_found(request)
        return None
