"""An issued plan writes a checkpoint once its transaction commits (the workflows' hook)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from approvals.checkpoints.models import Checkpoint
from approvals.checkpoints.verification import checkpoints_verify
from tests.plans.conftest import DAY, new_plan, province, to_signature  # noqa: F401 - fixture
from workflows.plans.services import plan_issue, plan_sign


def test_issuing_a_plan_writes_a_checkpoint_after_commit(
    province: Any,  # noqa: F811
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    clock: Any,
) -> None:
    # The site-wide test PKI of the test settings: the root unit's seal is enrolled on use.
    settings.APPROVALS_CHECKPOINT_ON_ISSUE = True
    settings.APPROVALS_CHECKPOINT_DIR = tmp_path / "checkpoints"
    plan = to_signature(province, new_plan(province))
    plan_sign(plan=plan, user=province.user("pgd.ldtbxh"))
    plan.refresh_from_db()
    assert not Checkpoint.objects.exists()
    clock.to(DAY(2024, 2, 5))  # an issue is dated the day it is recorded (approvals.acts)
    with django_capture_on_commit_callbacks(execute=True):
        plan_issue(plan=plan, user=province.user("vanthu.ldtbxh"), issued_on=DAY(2024, 2, 5))
    row = Checkpoint.objects.get()
    assert row.reason == "issue"
    report = checkpoints_verify(tmp_path / "checkpoints")
    assert report.ok, report.findings
    assert report.files_checked == 1
    assert report.heads_checked == row.chains
