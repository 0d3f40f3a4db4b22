"""The axe-core audit the E2E suite runs on every page it visits (issue 25, accessibility):
it sees a serious fault, says where, and writes the run's summary into the artifacts.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e import axe
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_audit_names_a_serious_fault_and_passes_the_sites_own_page(
    site: Any, axe_audit: axe.Audit
) -> None:
    site.go("/login/")
    assert axe_audit.findings
    assert axe_audit.findings[-1].page == "/login/"
    assert axe_audit.failures() == []

    # the same page, with a field nobody labelled and an icon button without a name
    site.page.evaluate(
        """() => {
          const form = document.querySelector('main form');
          form.insertAdjacentHTML('beforeend', '<input type="text" name="x"><button></button>');
        }"""
    )
    finding = axe.check(site.page, "broken on purpose")
    assert finding is not None
    rules = {violation["id"]: violation["impact"] for violation in finding.failing()}
    assert rules == {"label": "critical", "button-name": "critical"}
    message = axe.describe([finding])
    assert "/login/ (after broken on purpose):" in message
    assert "label [critical]: Form elements must have labels" in message
    assert 'input[name="x"]' in message

    summary = json.loads(axe.write_summary(ARTIFACTS).read_text(encoding="utf-8"))
    assert summary["violations_by_impact"]["critical"] >= 2
    assert any(f["page"] == "/login/" and f["violations"] for f in summary["findings"])
    # the fault was put there by this test: forget it so the teardown does not fail on it
    axe_audit.findings.remove(finding)
    axe.ALL.remove(finding)
