"""The site's main menu: each process adds its pages here, shown to signed-in users."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    key: str
    url_name: str
    label: str | Promise


#: In the order shown; an entry whose URL is not installed is left out.
MENU: tuple[MenuItem, ...] = (
    MenuItem("plans", "plans:list", _("Plans")),
    MenuItem("sign", "inbox_sign", _("To sign")),
    MenuItem("dossiers", "nominations:list", _("Nominations")),
    MenuItem("dashboard", "nominations:dashboard", _("Dashboard")),
    MenuItem("registers", "registers", _("Registers")),
    MenuItem("notifications", "notifications:list", _("Notifications")),
    MenuItem("jobs", "jobs:list", _("Running jobs")),
    MenuItem("verify", "verification:verify", _("Verify a document")),
)


def site_menu(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the menu entries whose pages exist and which the user works with
    (what their positions let them do, :func:`project.abilities.menu_keys`)."""
    from project.abilities import menu_keys

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"site_menu": []}
    used = menu_keys(user=user, day=timezone.localdate())
    items = []
    for item in MENU:
        if item.key not in used:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry: dict[str, Any] = {"key": item.key, "url": url, "label": item.label}
        if item.key == "jobs":
            entry["count"] = _running_count(user)
        items.append(entry)
    return {"site_menu": items}


def _running_count(user: Any) -> Any:
    """The number of the user's jobs not ended yet, counted once when the menu shows it."""
    memo: list[int] = []

    def count() -> int:
        if not memo:
            from approvals.jobs.selectors import jobs_running

            memo.append(jobs_running(user).count())
        return memo[0]

    return count
