"""URLs of the runnable site."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from project import rollover_views, views
from project.twofactor import views as twofactor

admin.site.site_header = _("Cultural-life movement: approvals")
admin.site.site_title = _("Approvals administration")
admin.site.index_title = _("Administration")

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    # browsers ask for /favicon.ico whatever the page links: send them to the site's icon
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("site/favicon.svg"), permanent=True),
        name="favicon",
    ),
    path("api/", include("workflows.api.urls")),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("login/", twofactor.TwoStepLoginView.as_view(), name="login"),
    path("login/code/", twofactor.login_code, name="login_code"),
    path("account/two-step/", twofactor.twofactor, name="twofactor"),
    path(
        "account/two-step/recovery-codes/",
        twofactor.twofactor_recovery_codes,
        name="twofactor_recovery_codes",
    ),
    path("account/two-step/remove/", twofactor.twofactor_remove_view, name="twofactor_remove"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign/", views.inbox_sign, name="inbox_sign"),
    path("sign/decisions/", views.inbox_sign_decisions, name="inbox_sign_decisions"),
    path("registers/", views.registers, name="registers"),
    path(
        "registers/roll-over/",
        rollover_views.registers_roll_over_view,
        name="registers_roll_over",
    ),
    path("registers/entries/<int:pk>/void/", views.register_entry_void, name="register_void"),
    path("plans/", include("workflows.plans.urls")),
    # the admin signs in through the site's page, so the code step covers it too
    path("admin/login/", twofactor.TwoStepLoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
    path("nominations/", include("workflows.nominations.urls")),
    path("search/", include("workflows.search.urls")),
    path("notifications/", include("approvals.notifications.urls")),
    path("handovers/", include("approvals.handover.urls")),
    path("jobs/", include("approvals.jobs.urls")),
    path("verify/", include("workflows.verification.urls")),
    prefix_default_language=False,
)
