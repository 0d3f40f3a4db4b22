"""``manage.py search_reindex``: rebuild the search index from the documents, dossiers and
households (after loading fixtures or restoring a backup; the index is otherwise kept current
by every save)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from workflows.search.indexing import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index (Tra cứu) from the documents, dossiers and households."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            counts = reindex_all()
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
