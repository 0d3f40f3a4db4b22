"""The notification list of the signed-in user, and marking notifications read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from approvals.notifications.models import CHOOSABLE_KINDS, Notification, NotificationKind
from approvals.notifications.notices import email_enabled
from approvals.notifications.selectors import notifications_for, preferences_for
from approvals.notifications.services import notification_mark_read, preferences_set

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """The newest notifications, unread ones marked."""
    unread_only = request.GET.get("unread") == "1"
    listing = notifications_for(request.user, unread_only=unread_only)
    return render(
        request,
        "notifications/list.html",
        {"notifications": listing.items, "unread": listing.unread, "unread_only": unread_only},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of them read; then back to the list."""
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() else None
    notification_mark_read(user=request.user, notification_ids=ids)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow one of the user's own notices to its page, marking it read on the way (as a
    mail reader does); another user's notice is a 404."""
    notice = get_object_or_404(Notification, pk=pk, recipient_id=request.user.pk)
    if notice.read_at is None:
        notification_mark_read(user=request.user, notification_ids=[notice.pk])
    safe = url_has_allowed_host_and_scheme(
        notice.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(notice.url if notice.url and safe else "notifications:list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Per kind a step sends: whether to keep it in the site and whether to e-mail it."""
    if request.method == "POST":
        choices = {
            kind: (
                request.POST.get(f"{kind}-site") == "on",
                request.POST.get(f"{kind}-email") == "on",
            )
            for kind in CHOOSABLE_KINDS
        }
        preferences_set(user=request.user, choices=choices)
        messages.success(request, _("Your choices were saved."))
        return redirect("notifications:preferences")
    chosen = preferences_for(request.user)
    rows = [
        {
            "kind": kind,
            "label": NotificationKind(kind).label,
            "site": chosen[kind][0],
            "email": chosen[kind][1],
        }
        for kind in CHOOSABLE_KINDS
    ]
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": rows,
            "has_address": bool(getattr(request.user, "email", "")),
            "email_on": email_enabled(),
        },
    )
