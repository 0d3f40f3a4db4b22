"""The site-wide checks ``manage.py verify_integrity`` runs after the audit chain, in order."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _

from approvals.registers.integrity import registers_verify
from workflows.nominations.tallies import tallies_verify
from workflows.plans.integrity import DECISIONS, issued_files_verify, plans_verify


class Problem(Protocol):
    """Anything a check finds wrong: it says what, in words."""

    @property
    def message(self) -> str:
        """The problem in words."""
        ...


@dataclass(frozen=True)
class SiteCheck:
    """One check of the whole site and the line it prints when it finds nothing wrong."""

    run: Callable[[], Sequence[Problem]]
    intact: str
    renders_plans: bool = False  # skipped with ``--skip-plans``


def site_checks(*, skip_plans: bool = False) -> list[SiteCheck]:
    """The checks after the audit chain: registers, signed plans, issued decisions, tallies."""
    checks = [
        SiteCheck(registers_verify, _("OK: the registers agree with the audit trail.")),
        SiteCheck(
            plans_verify,
            _("OK: every signed plan has the content that was signed."),
            renders_plans=True,
        ),
        SiteCheck(
            functools.partial(issued_files_verify, DECISIONS),
            _("OK: every issued decision's PDF carries valid digital signatures."),
        ),
        SiteCheck(tallies_verify, _("OK: the dashboard's tallies agree with a fresh count.")),
    ]
    return [c for c in checks if not (skip_plans and c.renders_plans)]
