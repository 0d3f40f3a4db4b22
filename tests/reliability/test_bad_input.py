"""Bad input: household imports the existing tests do not cover (duplicates in the file or
in the village, row limit, UTF-16, binary), and garbage posted to every plan page: a clear
refusal, nothing written, never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from approvals.audit.models import AuditEvent
from approvals.exceptions import ValidationFailed
from tests.demo.conftest import Demo, demo
from tests.nominations.test_import_export import csv_bytes
from workflows.nominations import imports
from workflows.nominations.models import Household
from workflows.plans.models import Plan, PlanRevision

__all__ = ["demo"]

pytestmark = pytest.mark.django_db

HEAD = ["Mã hộ", "Chủ hộ", "Số nhân khẩu"]


def many_rows(count: int) -> list[list[str]]:
    return [HEAD] + [[f"R{i:05d}", f"Nguyễn Văn {i}", "3"] for i in range(count)]


BAD_FILES = {
    "duplicate-code-in-file": (
        "dup.csv",
        csv_bytes([HEAD, ["D001", "Lê Văn A", "2"], ["D002", "Lê Văn B", "2"], ["D001", "X", "1"]]),
        "D001",
    ),
    "code-already-in-village": (
        "again.csv",
        csv_bytes([HEAD, ["H0001", "Lê Văn C", "2"]]),
        "H0001",
    ),
    "utf-16": ("u16.csv", csv_bytes(many_rows(3), encoding="utf-16"), "UTF-8"),
    "binary-named-csv": ("x.csv", bytes(range(256)) * 40, ""),
    "empty": ("empty.csv", b"", ""),
    "row-limit": ("big.csv", csv_bytes(many_rows(imports.MAX_IMPORT_ROWS + 1)), "5000"),
}


@pytest.mark.parametrize(
    "case", list(BAD_FILES), ids=[f"{n}of{len(BAD_FILES)}-{k}" for n, k in enumerate(BAD_FILES, 1)]
)
def test_a_bad_household_file_is_refused_whole_with_a_reason(commune, case):
    filename, data, named = BAD_FILES[case]
    households, events = Household.objects.count(), AuditEvent.objects.count()

    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        imports.households_import(
            village=commune.village, user=commune.village_head, data=data, filename=filename
        )

    message = str(refused.value) + " " + repr(refused.value.params)
    assert named in message, message
    assert Household.objects.count() == households
    assert AuditEvent.objects.count() == events


# --- garbage posted to the plan pages --------------------------------------------------------

HUGE = "Đ" * 200_000
GARBAGE: dict[str, dict[str, Any]] = {
    "nothing": {},
    "non-numeric-ids": {
        "kind": "abc",
        "drafting_unit": "1 OR 1=1",
        "issuing_agency": "-1",
        "year": "năm nay",
        "seen_revision": "x",
        "recipient_units": ["a", "99999999999999999999"],
        "consulted_agencies": ["'; DROP TABLE x; --"],
    },
    "huge-strings": {
        "subject_summary": HUGE,
        "body": HUGE,
        "comment": HUGE,
        "basis": HUGE,
        "recipients": HUGE,
    },
    "nul-and-control-characters": {"comment": "a\x00b\x1b[31m", "subject_summary": "\x00"},
    "out-of-range-numbers": {
        "year": "99999999999999999999",
        "seen_revision": "-99999999999999999999",
        "consultation_working_days": "1e309",
    },
}

PAGES = [
    "/plans/new/",
    "/plans/{pk}/edit/",
    "/plans/{pk}/submit/",
    "/plans/{pk}/approve/",
    "/plans/{pk}/return/",
    "/plans/{pk}/sign/",
    "/plans/{pk}/issue/",
    "/plans/{pk}/withdraw/",
    "/plans/{pk}/attachments/",
    "/plans/{pk}/attachments/1/remove/",
    "/plans/{pk}/consultations/1/answer/",
    "/plans/received/1/acknowledge/",
    "/registers/entries/1/void/",
    "/sign/decisions/",
]


def _draft(demo: Demo) -> Plan:
    from tests.plans.web.test_plan_pages import form_data

    client = Client()
    client.force_login(demo.user("chuyenvien.vp.ldtbxh"))
    response = client.post("/plans/new/", form_data(demo, subject_summary="Kế hoạch thử rác"))
    assert response.status_code == 302
    return Plan.objects.get(subject_summary="Kế hoạch thử rác")


@pytest.mark.parametrize("garbage", list(GARBAGE))
def test_garbage_posted_to_every_plan_page_is_refused_without_a_5xx(demo, garbage):
    plan = _draft(demo)
    before = (Plan.objects.count(), PlanRevision.objects.count())
    answered = {}
    for username in ("chuyenvien.vp.ldtbxh", "cvp.ldtbxh", "vanthu.ldtbxh"):
        client = Client(raise_request_exception=False)
        client.force_login(demo.user(username))
        for page in PAGES:
            url = page.format(pk=plan.pk)
            response = client.post(url, GARBAGE[garbage])
            answered[(username, url)] = response.status_code
            assert response.status_code < 500, (username, url, response.status_code)

    # garbage never creates a plan or a revision; an empty post may legitimately submit
    # or approve (those forms have no required field), which the state then shows
    assert Plan.objects.count() == before[0]
    assert PlanRevision.objects.count() == before[1]
    assert set(answered.values()) <= {200, 302, 400, 403, 404, 405}, answered


def test_an_oversized_form_post_answers_400_not_500(demo, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    client = Client(raise_request_exception=False)
    client.force_login(demo.user("chuyenvien.vp.ldtbxh"))
    response = client.post("/plans/new/", {f"f{i}": "x" for i in range(200)})
    assert response.status_code == 400


def test_a_non_numeric_id_in_a_url_answers_404(demo):
    client = Client(raise_request_exception=False)
    client.force_login(demo.user("chuyenvien.vp.ldtbxh"))
    for url in ("/plans/abc/", "/plans/1.5/submit/", "/plans/-1/", "/plans/99999999999999999999/"):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code in (404, 405)


@pytest.fixture
def commune(org):
    from tests.nominations.conftest import Commune

    return Commune(org, households=3)


NOMINATION_PAGES = [
    "/nominations/new/",
    "/nominations/{pk}/register/",
    "/nominations/{pk}/households/",
    "/nominations/{pk}/meeting/",
    "/nominations/{pk}/posting/",
    "/nominations/{pk}/objection/",
    "/nominations/{pk}/report/",
    "/nominations/{pk}/submit/",
    "/nominations/{pk}/appraise/",
    "/nominations/{pk}/council/",
    "/nominations/{pk}/decide/",
    "/nominations/{pk}/issue/",
    "/nominations/{pk}/revoke/",
    "/notifications/read/",
]


@pytest.mark.parametrize("garbage", ["nothing", "non-numeric-ids", "huge-strings"])
def test_garbage_posted_to_every_nomination_page_is_refused_without_a_5xx(demo, garbage):
    from django.utils import timezone

    from workflows.nominations.models import Dossier, Title
    from workflows.nominations.services import candidates_register, dossier_create

    head = demo.user("truongthon.ha")
    village = Household.objects.filter(village__name="Thôn Hạ").first().village
    dossier = dossier_create(
        user=head,
        title=Title.CULTURAL_FAMILY,
        year=timezone.localdate().year,
        proposing_unit=village,
    )
    candidates_register(dossier=dossier, user=head, households=list(village.households.all()))
    dossiers = [
        dossier.pk,
        *Dossier.objects.exclude(pk=dossier.pk).values_list("pk", flat=True)[:2],
    ]
    before = Dossier.objects.count()
    for username in ("truongthon.ha", "vanhoa.tandinh", "chutich.tandinh"):
        client = Client(raise_request_exception=False)
        client.force_login(demo.user(username))
        for pk in dossiers:
            for page in NOMINATION_PAGES:
                url = page.format(pk=pk)
                data = {**GARBAGE[garbage], "candidates": ["x", "-1"], "votes": "∞"}
                response = client.post(url, data)
                assert response.status_code < 500, (username, url, response.status_code)
    assert Dossier.objects.count() == before
