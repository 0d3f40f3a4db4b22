"""Build the demo province: units, people, positions, households, a delegation."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand

from project.demo import data
from project.demo.emulation import seed_emulation
from project.demo.seeding import seed

if TYPE_CHECKING:
    from django.core.management.base import OutputWrapper

    from project.demo.seeding import LoginRow


def write_logins(out: OutputWrapper, rows: list[LoginRow]) -> None:
    """Print the demo logins as a plain-text table."""
    header = ("Tên đăng nhập", "Họ và tên", "Chức vụ (vai trò)", "Đơn vị")
    table = [header, *((r.username, r.full_name, r.role, r.unit) for r in rows)]
    widths = [max(len(line[col]) for line in table) for col in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    out.write(line(header).rstrip())
    out.write("  ".join("-" * width for width in widths))
    for cells in table[1:]:
        out.write(line(cells).rstrip())
    out.write(f"Mật khẩu chung của mọi tài khoản demo: {data.DEMO_PASSWORD}")


class Command(BaseCommand):
    help = (
        "Build the demo province (Bắc Giang): departments, steering committee, communes, "
        "villages, households and one login per role. Safe to run again: only what is "
        "missing is added."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-logins", action="store_true", help="Do not print the table of demo logins."
        )
        parser.add_argument(
            "--no-plans",
            action="store_true",
            help=(
                "Do not create the demo plans, recognition decision, emulation bloc and exemplary "
                "model (tests that build their own use this)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        report = seed(plans=not options["no_plans"])
        if not options["no_plans"]:
            seed_emulation()
        elapsed = time.monotonic() - started
        style = self.style.SUCCESS if report.changed else self.style.NOTICE
        self.stdout.write(style(f"{report.summary()} ({elapsed:.1f} s)"))
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        if not options["no_logins"]:
            self.stdout.write("")
            write_logins(self.stdout, report.logins)
