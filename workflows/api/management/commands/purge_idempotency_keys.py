"""``manage.py purge_idempotency_keys``: delete stored API responses past their keeping period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from workflows.api.services import idempotency_keep, idempotency_keys_purge


class Command(BaseCommand):
    help = "Delete idempotency keys older than API_IDEMPOTENCY_KEEP_HOURS."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = idempotency_keys_purge()
        hours = int(idempotency_keep().total_seconds() // 3600)
        self.stdout.write(
            _("%(count)d idempotency keys older than %(hours)d hours deleted.")
            % {"count": deleted, "hours": hours}
        )
