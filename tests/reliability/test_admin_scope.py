"""The admin is for administrators: every registered admin page, asked as every demo login.

For every model of ``admin.site._registry`` the changelist, the add page and the change
pages of one object inside and one outside the Sở LĐTBXH subtree are requested as each
person of the demo, as the Sở's unit administrator, as a staff user holding no
unit-administrator position and as the superuser. Ordinary logins are sent to the admin's
sign-in page; the unit administrator sees the Sở's subtree and nothing else; the superuser
sees everything; nobody gets a server error.

The expected scopes are written here from the models, not read from the admin classes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.organisation.models import OrgUnit, Position, Role
from project.demo import data
from tests.factories import UserFactory
from workflows.nominations.models import Discipline, DisciplineLevel, Household

LDTBXH = "Sở Lao động - Thương binh và Xã hội"
BARE_STAFF = "canbo.staff"
LEVEL = DisciplineLevel.values[0]


def _units(path: str, *fields: str) -> Q:
    condition = Q(pk__in=[])
    for field in fields:
        condition |= Q(**{f"{field}path__startswith": path})
    return condition


def _people(path: str, prefix: str) -> Q:
    held = Position.objects.active_on(timezone.localdate()).filter(unit__path__startswith=path)
    return Q(**{f"{prefix}pk__in": held.values("user_id")})


#: Models a unit administrator works on, with the objects of a subtree (by its path).
UNIT_SCOPED: dict[str, Callable[[str], Q]] = {
    "approvals_org.OrgUnit": lambda p: _units(p, ""),
    "approvals_org.Position": lambda p: _units(p, "unit__"),
    "approvals_org.Delegation": lambda p: _units(p, "delegator_position__unit__"),
    "auth.User": lambda p: _people(p, ""),
    "approvals_registers.Register": lambda p: _units(p, "agency__"),
    "approvals_registers.RegisterEntry": lambda p: _units(p, "register__agency__"),
    "plans.Plan": lambda p: _units(p, "drafting_unit__", "issuing_agency__"),
    "nominations.Household": lambda p: _units(p, "village__"),
    "nominations.Disqualification": lambda p: _units(p, "household__village__"),
    "nominations.Discipline": lambda p: _people(p, "person__"),
    "nominations.PerformanceRating": lambda p: _people(p, "person__"),
    "nominations.Candidate": lambda p: _units(p, "dossier__proposing_unit__"),
    "nominations.Dossier": lambda p: _units(p, "proposing_unit__", "deciding_unit__"),
    "emulation.Bloc": lambda p: _units(p, "province__"),
    "emulation.BlocYear": lambda p: _units(p, "bloc__province__"),
    "emulation.AwardProposal": lambda p: _units(p, "bloc_year__bloc__province__"),
    "exemplary.ExemplaryModel": lambda p: _units(p, "proposing_unit__"),
}
#: Configuration shared by every unit: a unit administrator may look, never change.
GLOBAL = {
    "approvals_org.Role",
    "approvals_org.Action",
    "approvals_rules.Regulation",
    "approvals_rules.RegulationVersion",
    "approvals_calendar.CalendarOverride",
    "approvals_registers.DocumentKind",
}
# Everything else (audit trail, notifications, deadlines, groups, tokens, flow tables…) is
# for superusers only.


@dataclass
class Page:
    """One admin page to ask: the model, what kind of page, and (change pages) the object."""

    label: str
    kind: str  # changelist, add, change-in, change-out
    url: str
    pk: Any = None


@dataclass
class World:
    scope_path: str
    pages: list[Page]
    out_urls: dict[str, list[str]]  # model label -> change URLs of out-of-scope objects
    in_pks: dict[str, set[Any]]  # model label -> pks in the unit administrator's scope


def _change_url(model: type[models.Model], pk: Any) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


def _pages(scope_path: str) -> World:
    pages: list[Page] = []
    out_urls: dict[str, list[str]] = {}
    in_pks: dict[str, set[Any]] = {}
    for model in admin.site._registry:
        opts = model._meta
        label = opts.label
        base = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(Page(label, "changelist", reverse(f"{base}_changelist")))
        pages.append(Page(label, "add", reverse(f"{base}_add")))
        everything = model._default_manager.order_by("pk")
        if label in UNIT_SCOPED:
            inside = everything.filter(
                pk__in=model._default_manager.filter(UNIT_SCOPED[label](scope_path)).values("pk")
            )
            outside = everything.exclude(pk__in=inside.values("pk"))
            in_pks[label] = set(inside.values_list("pk", flat=True))
            out_urls[label] = [
                _change_url(model, pk) for pk in outside.values_list("pk", flat=True)[:200]
            ]
            for kind, rows in (("change-in", inside), ("change-out", outside)):
                first = rows.first()
                if first is not None:
                    pages.append(Page(label, kind, _change_url(model, first.pk), first.pk))
        else:
            first = everything.first()
            if first is not None:
                pages.append(Page(label, "change-out", _change_url(model, first.pk), first.pk))
    return World(scope_path, pages, out_urls, in_pks)


def _extra_rows(ldtbxh: OrgUnit) -> None:
    """Rows the demo has none of, one inside and one outside the Sở where it matters."""
    user_model = get_user_model()
    inside = user_model.objects.get(username="tp.btxh")
    outside = user_model.objects.get(username="chutich.damai")
    year = timezone.localdate().year
    for person in (inside, outside):
        Discipline.objects.create(person=person, year=year, level=LEVEL, recorded_by=inside)
    staff = UserFactory(username=BARE_STAFF, is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    assert Household.objects.exists()
    assert ldtbxh.positions.filter(role__code="unit_admin").exists()


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The full demo (plans, bloc, exemplary model) written once for the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", "--no-logins", stdout=StringIO(), stderr=StringIO())
            ldtbxh = OrgUnit.objects.get(name=LDTBXH)
            _extra_rows(ldtbxh)
            built = _pages(ldtbxh.path)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _no_server_error(username: str, page: Page, status: int) -> str | None:
    if status >= 500:
        return f"{username} {page.kind} {page.url}: {status}"
    return None


ORDINARY = [person.username for person in data.PEOPLE if not person.staff]


@pytest.mark.parametrize("username", ORDINARY)
def test_ordinary_logins_are_sent_to_the_sign_in_page(world, db, username):
    client = _client(username)
    login = reverse("admin:login")
    wrong = []
    for page in [Page("", "index", reverse("admin:index")), *world.pages]:
        response = client.get(page.url)
        refused = response.status_code == 403 or (
            response.status_code == 302 and response["Location"].startswith(login)
        )
        if not refused:
            wrong.append(f"{page.kind} {page.url}: {response.status_code}")
    assert not wrong, f"{username} reached admin pages: {wrong[:10]}"


def test_staff_without_a_unit_administrator_position_sees_nothing(world, db):
    client = _client(BARE_STAFF)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert not index.context["app_list"]
    wrong = []
    for page in world.pages:
        response = client.get(page.url)
        if response.status_code == 200 or response.status_code >= 500:
            wrong.append(f"{page.kind} {page.url}: {response.status_code}")
    assert not wrong, wrong[:10]


def _refused(status: int) -> bool:
    return status in (302, 403, 404)


def test_the_unit_administrator_sees_their_subtree_only(world, db):
    user = get_user_model().objects.get(username=data.UNIT_ADMIN)
    client = _client(data.UNIT_ADMIN)
    wrong: list[str] = []
    seen_in: set[str] = set()
    for page in world.pages:
        app_label, model_name = page.label.split(".")
        may_view = user.has_perm(f"{app_label}.view_{model_name.lower()}")
        response = client.get(page.url)
        status = response.status_code
        where = f"{page.label} {page.kind} {page.url}: {status}"
        if status >= 500:
            wrong.append(where)
            continue
        if page.label in UNIT_SCOPED and may_view:
            if page.kind == "change-out" and not _refused(status):
                wrong.append(f"out-of-scope object shown: {where}")
            if page.kind == "change-in":
                if status != 200:
                    wrong.append(f"in-scope object refused: {where}")
                seen_in.add(page.label)
            if page.kind == "changelist":
                if status != 200:
                    wrong.append(f"changelist refused: {where}")
                    continue
                html = response.content.decode()
                shown = set(response.context["cl"].queryset.values_list("pk", flat=True))
                if not shown <= world.in_pks[page.label]:
                    wrong.append(f"changelist lists others: {where}")
                leaked = [url for url in world.out_urls[page.label] if f'"{url}"' in html]
                if leaked:
                    wrong.append(f"changelist links {leaked[:3]}: {where}")
        elif page.label in GLOBAL and may_view:
            if page.kind == "add" and status == 200:
                wrong.append(f"may add shared configuration: {where}")
            if page.kind.startswith("change") and (
                status != 200 or 'name="_save"' in response.content.decode()
            ):
                wrong.append(f"shared configuration not read-only: {where}")
        elif status == 200:
            wrong.append(f"page without scope shown: {where}")
    assert not wrong, "\n".join(wrong)
    # the demo holds, in the Sở, a unit, positions, users, a register and plans to look at
    assert {
        "approvals_org.OrgUnit",
        "approvals_org.Position",
        "auth.User",
        "plans.Plan",
        "approvals_registers.Register",
    } <= seen_in


def test_the_superuser_sees_everything(world, db):
    client = _client(data.ADMIN_USERNAME)
    wrong = []
    for page in world.pages:
        status = client.get(page.url).status_code
        expected = {200} if page.kind != "add" else {200, 403}  # some pages add nothing
        if status not in expected:
            wrong.append(f"{page.kind} {page.url}: {status}")
    assert not wrong, wrong


# --- a unit administrator changes nothing outside the subtree -------------------------------


def _position_form(user: Any, unit: OrgUnit, role: Role) -> dict[str, Any]:
    return {
        "user": user.pk,
        "unit": unit.pk,
        "role": role.pk,
        "title": "",
        "basis": "Quyết định thử",
        "valid_from": "01/01/2025",
        "valid_to": "",
    }


def test_the_unit_administrator_cannot_place_a_position_outside_the_subtree(world, db):
    client = _client(data.UNIT_ADMIN)
    holder = get_user_model().objects.get(username="chuyenvien.btxh")
    drafter = Role.objects.get(code="drafter")
    elsewhere = OrgUnit.objects.get(name="Phường Đa Mai")
    inside = OrgUnit.objects.get(name="Phòng Bảo trợ xã hội")
    before = Position.objects.count()

    refused = client.post(
        reverse("admin:approvals_org_position_add"), _position_form(holder, elsewhere, drafter)
    )
    assert refused.status_code == 200  # the form again, with the error
    assert refused.context["adminform"].form.errors.get("unit")
    assert Position.objects.count() == before

    outsider = get_user_model().objects.get(username="chutich.damai")
    refused = client.post(
        reverse("admin:approvals_org_position_add"), _position_form(outsider, inside, drafter)
    )
    assert refused.context["adminform"].form.errors.get("user")
    assert Position.objects.count() == before

    done = client.post(
        reverse("admin:approvals_org_position_add"), _position_form(holder, inside, drafter)
    )
    assert done.status_code == 302
    assert Position.objects.filter(user=holder, unit=inside, basis="Quyết định thử").exists()


def test_the_unit_administrator_cannot_add_a_unit_outside_the_subtree(world, db):
    client = _client(data.UNIT_ADMIN)
    form = {
        "name": "Phòng thử",
        "short_name": "",
        "code": "THU",
        "kind": "division",
        "place_name": "",
        "collective_body_name": "",
        "valid_from": "01/01/2025",
        "valid_to": "",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
    }
    for parent in (OrgUnit.objects.get(name="Phường Đa Mai").pk, ""):
        response = client.post(
            reverse("admin:approvals_org_orgunit_add"), {**form, "parent": parent}
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors.get("parent")
    assert not OrgUnit.objects.filter(name="Phòng thử").exists()
    ldtbxh = OrgUnit.objects.get(name=LDTBXH)
    # the administered unit itself is read-only (its place in the tree is decided above)
    page = client.get(_change_url(OrgUnit, ldtbxh.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(
        reverse("admin:approvals_org_orgunit_add"), {**form, "parent": ldtbxh.pk}
    )
    assert response.status_code == 302
    assert OrgUnit.objects.get(name="Phòng thử").parent == ldtbxh


def test_a_unit_administrator_position_out_of_force_gives_nothing(world, db):
    position = Position.objects.get(user__username=data.UNIT_ADMIN, role__code="unit_admin")
    Position.objects.filter(pk=position.pk).update(
        valid_to=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = _client(data.UNIT_ADMIN)
    assert client.get(reverse("admin:approvals_org_orgunit_changelist")).status_code == 403
    assert not client.get(reverse("admin:index")).context["app_list"]
