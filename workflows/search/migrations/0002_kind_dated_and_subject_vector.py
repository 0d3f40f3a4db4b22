from typing import Any

from django.db import migrations

KINDS = ("document", "dossier", "household")
POSTGRES_FORWARD = [
    # The trích yếu's words as their own vector (tier 3, "every word in the trích yếu", asked
    # of its index instead of tested on every match).
    "ALTER TABLE search_searchentry ADD COLUMN IF NOT EXISTS subject_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, subject_folded)) STORED",
    "CREATE INDEX IF NOT EXISTS search_entry_subject_fts ON search_searchentry"
    " USING gin (subject_vector)",
    # One words index per kind: every search asks kind by kind (the permission rules differ
    # by kind), and a kind's index is the size of its rows, not of the whole table's.
    *(
        f"CREATE INDEX IF NOT EXISTS search_entry_words_{kind} ON search_searchentry"
        f" USING gin (search_vector) WHERE kind = '{kind}'"
        for kind in KINDS
    ),
    "DROP INDEX IF EXISTS search_entry_words_fts",
    # A household's code is matched from its beginning ("TT-9" finds "TT-901"): a pattern
    # index, whose statistics PostgreSQL reads right, where the trigram index (any part of
    # the codes) made it expect every document's codes to match and read the whole table.
    "CREATE INDEX IF NOT EXISTS search_entry_keys_like ON search_searchentry"
    " (keys varchar_pattern_ops)",
    "DROP INDEX IF EXISTS search_entry_keys_trgm",
    # A kind's rows newest first, in the ranking's order: a common word's hits are read along
    # it (workflows.search.ranking) instead of every match being fetched and sorted. (SQLite
    # cannot index NULLS LAST; the demo's few rows need no such index.)
    "CREATE INDEX IF NOT EXISTS search_entry_kind_dated ON search_searchentry"
    " (kind, dated DESC NULLS LAST, id DESC)",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS search_entry_keys_trgm ON search_searchentry"
    " USING gin (keys gin_trgm_ops)",
    "DROP INDEX IF EXISTS search_entry_keys_like",
    "DROP INDEX IF EXISTS search_entry_kind_dated",
    "CREATE INDEX IF NOT EXISTS search_entry_words_fts ON search_searchentry"
    " USING gin (search_vector)",
    *(f"DROP INDEX IF EXISTS search_entry_words_{kind}" for kind in KINDS),
    "DROP INDEX IF EXISTS search_entry_subject_fts",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS subject_vector",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite tests the folded trích yếu (``subject_folded``)
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD)),
    ]
