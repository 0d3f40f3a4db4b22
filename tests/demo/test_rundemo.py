"""rundemo: translations, migrations, demo data, then the server."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from approvals.organisation.models import OrgUnit
from project.demo import data
from project.demo.management.commands import rundemo
from tests.demo.conftest import Household


@pytest.mark.django_db
def test_rundemo_without_server_seeds_and_prints_logins():
    out = StringIO()
    call_command("rundemo", "--no-server", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "Tên đăng nhập" in text
    assert data.DEMO_PASSWORD in text
    assert OrgUnit.objects.filter(name="Tỉnh Bắc Giang").exists()
    assert Household.objects.count() > 300

    again = StringIO()
    call_command("rundemo", "--no-server", stdout=again, stderr=StringIO())
    assert "Không có thay đổi" in again.getvalue()


@pytest.mark.django_db
def test_rundemo_starts_the_server_without_reloader(monkeypatch):
    calls: list[tuple[tuple, dict]] = []
    real = rundemo.call_command

    def fake(name, *args, **kwargs):
        if name == "runserver":
            calls.append((args, kwargs))
            return None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(rundemo, "call_command", fake)
    call_command("rundemo", "0.0.0.0:8080", stdout=StringIO(), stderr=StringIO())
    assert calls == [(("0.0.0.0:8080",), {"use_reloader": False})]

    calls.clear()
    call_command("rundemo", stdout=StringIO(), stderr=StringIO())
    assert calls == [(("127.0.0.1:8000",), {"use_reloader": False})]
