"""Tallies of households and of household-title candidates per village (the dashboard's
shares), kept by database triggers on the candidates and the households.

PostgreSQL: statement-level AFTER triggers with transition tables, one per event, that
aggregate the changed rows and upsert the tallies in key order (a stable lock order).
SQLite: row-level triggers doing the same per row. The tallies are filled from the rows
already there. ``manage.py rebuild_tallies`` recomputes them; ``verify_integrity``
checks them. ``manage.py partition_by_province`` keeps the candidates' triggers when it
rebuilds that table.
"""

import django.db.models.deletion
from django.db import migrations, models

RECOGNISED = "recognised"  # CandidateState.RECOGNISED

CANDIDATE_TRIGGERS = (
    "nominations_tally_candidate_insert",
    "nominations_tally_candidate_update",
    "nominations_tally_candidate_delete",
)
HOUSEHOLD_TRIGGERS = (
    "nominations_tally_household_insert",
    "nominations_tally_household_update",
    "nominations_tally_household_delete",
)

# --- PostgreSQL ----------------------------------------------------------------------------

# Adds the signed counts of ``changes`` (title, year, village_id, province_id, registered,
# recognised), in key order, skipping keys whose counts do not change.
PG_UPSERT_RECOGNITION = """
    INSERT INTO nominations_recognitiontally AS t
        (title, year, village_id, province_id, registered, recognised)
    SELECT title, year, village_id, province_id, sum(registered), sum(recognised)
    FROM changes GROUP BY title, year, village_id, province_id
    HAVING sum(registered) <> 0 OR sum(recognised) <> 0
    ORDER BY title, year, village_id, province_id
    ON CONFLICT (title, year, village_id, province_id) DO UPDATE
    SET registered = t.registered + excluded.registered,
        recognised = t.recognised + excluded.recognised;
"""

PG_UPSERT_HOUSEHOLDS = """
    INSERT INTO nominations_householdtally AS t (village_id, households)
    SELECT village_id, sum(households) FROM changes GROUP BY village_id
    HAVING sum(households) <> 0 ORDER BY village_id
    ON CONFLICT (village_id) DO UPDATE SET households = t.households + excluded.households;
"""


# A deletion only takes from the tally it was counted in: it never creates one (rows deleted
# after their tally, as a test database's flush may do on SQLite, leave no orphan tally).
PG_DECREMENT_RECOGNITION = PG_UPSERT_RECOGNITION.replace(
    "HAVING sum(registered) <> 0 OR sum(recognised) <> 0",
    "HAVING (sum(registered) <> 0 OR sum(recognised) <> 0) AND EXISTS (SELECT 1 FROM "
    "nominations_recognitiontally x WHERE x.title = changes.title AND x.year = changes.year "
    "AND x.village_id = changes.village_id AND x.province_id = changes.province_id)",
)
PG_DECREMENT_HOUSEHOLDS = PG_UPSERT_HOUSEHOLDS.replace(
    "HAVING sum(households) <> 0",
    "HAVING sum(households) <> 0 AND EXISTS (SELECT 1 FROM nominations_householdtally x "
    "WHERE x.village_id = changes.village_id)",
)
assert PG_DECREMENT_RECOGNITION != PG_UPSERT_RECOGNITION
assert PG_DECREMENT_HOUSEHOLDS != PG_UPSERT_HOUSEHOLDS


def _pg_candidate_rows(table, sign):
    return (
        f"SELECT c.title, c.year, h.village_id, c.province_id, {sign}1 AS registered, "
        f"CASE WHEN c.state = '{RECOGNISED}' THEN {sign}1 ELSE 0 END AS recognised "
        f"FROM {table} c JOIN nominations_household h ON h.id = c.household_id"
    )


def _pg_function(name, body):
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN NULL; END $$;"
    )


MOVED = (
    "moved AS (SELECT o.id, o.village_id AS old_village, n.village_id AS new_village "
    "FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.village_id <> n.village_id)"
)

PG_SQL = [
    _pg_function(
        "nominations_tally_candidate_insert",
        f"WITH changes AS ({_pg_candidate_rows('new_rows', '')}) {PG_UPSERT_RECOGNITION}",
    ),
    _pg_function(
        "nominations_tally_candidate_delete",
        f"WITH changes AS ({_pg_candidate_rows('old_rows', '-')}) {PG_DECREMENT_RECOGNITION}",
    ),
    _pg_function(
        "nominations_tally_candidate_update",
        f"WITH changes AS ({_pg_candidate_rows('old_rows', '-')} UNION ALL "
        f"{_pg_candidate_rows('new_rows', '')}) {PG_UPSERT_RECOGNITION}",
    ),
    _pg_function(
        "nominations_tally_household_insert",
        "WITH changes AS (SELECT village_id, 1 AS households FROM new_rows) "
        f"{PG_UPSERT_HOUSEHOLDS}",
    ),
    _pg_function(
        "nominations_tally_household_delete",
        "WITH changes AS (SELECT village_id, -1 AS households FROM old_rows) "
        f"{PG_DECREMENT_HOUSEHOLDS}",
    ),
    # A household moving to another village takes its candidates' counts along.
    _pg_function(
        "nominations_tally_household_update",
        f"WITH {MOVED}, changes AS (SELECT old_village AS village_id, -1 AS households "
        "FROM moved UNION ALL SELECT new_village, 1 FROM moved) "
        f"{PG_UPSERT_HOUSEHOLDS} "
        f"WITH {MOVED}, changes AS ("
        "SELECT c.title, c.year, m.old_village AS village_id, c.province_id, "
        "-1 AS registered, "
        f"CASE WHEN c.state = '{RECOGNISED}' THEN -1 ELSE 0 END AS recognised "
        "FROM moved m JOIN nominations_candidate c ON c.household_id = m.id "
        "UNION ALL SELECT c.title, c.year, m.new_village, c.province_id, 1, "
        f"CASE WHEN c.state = '{RECOGNISED}' THEN 1 ELSE 0 END "
        "FROM moved m JOIN nominations_candidate c ON c.household_id = m.id"
        f") {PG_UPSERT_RECOGNITION}",
    ),
]
for _table, _names in (
    ("nominations_candidate", CANDIDATE_TRIGGERS),
    ("nominations_household", HOUSEHOLD_TRIGGERS),
):
    for _name in _names:
        _event = _name.rsplit("_", 1)[1].upper()
        _refs = {
            "INSERT": "NEW TABLE AS new_rows",
            "DELETE": "OLD TABLE AS old_rows",
            "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        }[_event]
        PG_SQL.append(
            f"CREATE TRIGGER {_name} AFTER {_event} ON {_table} REFERENCING {_refs} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_name}();"
        )

# --- SQLite --------------------------------------------------------------------------------


def _sqlite_candidate(row, sign):
    return (
        "INSERT INTO nominations_recognitiontally "
        "(title, year, village_id, province_id, registered, recognised) "
        f"SELECT {row}.title, {row}.year, h.village_id, {row}.province_id, {sign}1, "
        f"CASE WHEN {row}.state = '{RECOGNISED}' THEN {sign}1 ELSE 0 END "
        f"FROM nominations_household h WHERE h.id = {row}.household_id "
        "ON CONFLICT (title, year, village_id, province_id) DO UPDATE "
        "SET registered = registered + excluded.registered, "
        "recognised = recognised + excluded.recognised;"
    )


def _sqlite_candidate_deleted():
    """A deleted candidate taken from its tally (never creating one: see above)."""
    return (
        "UPDATE nominations_recognitiontally SET registered = registered - 1, "
        f"recognised = recognised - (CASE WHEN OLD.state = '{RECOGNISED}' THEN 1 ELSE 0 END) "
        "WHERE title = OLD.title AND year = OLD.year AND province_id = OLD.province_id "
        "AND village_id = (SELECT h.village_id FROM nominations_household h "
        "WHERE h.id = OLD.household_id);"
    )


def _sqlite_household(village, sign):
    return (
        "INSERT INTO nominations_householdtally (village_id, households) "
        f"SELECT {village}, {sign}1 WHERE 1 "
        "ON CONFLICT (village_id) DO UPDATE SET households = households + excluded.households;"
    )


def _sqlite_move(village, sign):
    return (
        "INSERT INTO nominations_recognitiontally "
        "(title, year, village_id, province_id, registered, recognised) "
        f"SELECT c.title, c.year, {village}, c.province_id, {sign}count(*), "
        f"{sign}sum(CASE WHEN c.state = '{RECOGNISED}' THEN 1 ELSE 0 END) "
        "FROM nominations_candidate c WHERE c.household_id = NEW.id "
        "GROUP BY c.title, c.year, c.province_id "
        "ON CONFLICT (title, year, village_id, province_id) DO UPDATE "
        "SET registered = registered + excluded.registered, "
        "recognised = recognised + excluded.recognised;"
    )


SQLITE_SQL = [
    "CREATE TRIGGER nominations_tally_candidate_insert AFTER INSERT ON nominations_candidate "
    f"FOR EACH ROW WHEN NEW.household_id IS NOT NULL BEGIN {_sqlite_candidate('NEW', '')} END;",
    "CREATE TRIGGER nominations_tally_candidate_delete AFTER DELETE ON nominations_candidate "
    f"FOR EACH ROW WHEN OLD.household_id IS NOT NULL BEGIN {_sqlite_candidate_deleted()} END;",
    "CREATE TRIGGER nominations_tally_candidate_update AFTER UPDATE OF "
    "title, year, household_id, province_id, state ON nominations_candidate FOR EACH ROW BEGIN "
    f"{_sqlite_candidate('OLD', '-')} {_sqlite_candidate('NEW', '')} END;",
    "CREATE TRIGGER nominations_tally_household_insert AFTER INSERT ON nominations_household "
    f"FOR EACH ROW BEGIN {_sqlite_household('NEW.village_id', '')} END;",
    "CREATE TRIGGER nominations_tally_household_delete AFTER DELETE ON nominations_household "
    "FOR EACH ROW BEGIN UPDATE nominations_householdtally SET households = households - 1 "
    "WHERE village_id = OLD.village_id; END;",
    "CREATE TRIGGER nominations_tally_household_update AFTER UPDATE OF village_id "
    "ON nominations_household FOR EACH ROW WHEN OLD.village_id <> NEW.village_id BEGIN "
    f"{_sqlite_household('OLD.village_id', '-')} {_sqlite_household('NEW.village_id', '')} "
    f"{_sqlite_move('OLD.village_id', '-')} {_sqlite_move('NEW.village_id', '')} END;",
]

# --- filling and removing ------------------------------------------------------------------

FILL_SQL = [
    "DELETE FROM nominations_recognitiontally",
    "DELETE FROM nominations_householdtally",
    "INSERT INTO nominations_householdtally (village_id, households) "
    "SELECT village_id, count(*) FROM nominations_household GROUP BY village_id",
    "INSERT INTO nominations_recognitiontally "
    "(title, year, village_id, province_id, registered, recognised) "
    "SELECT c.title, c.year, h.village_id, c.province_id, count(*), "
    f"sum(CASE WHEN c.state = '{RECOGNISED}' THEN 1 ELSE 0 END) "
    "FROM nominations_candidate c JOIN nominations_household h ON h.id = c.household_id "
    "GROUP BY c.title, c.year, h.village_id, c.province_id",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"tally triggers are written for PostgreSQL and SQLite, not {vendor}")
    # Idempotent (the tests' replay of data migrations runs it again): drop, create, count.
    drop_triggers(apps, schema_editor)
    for statement in (PG_SQL if vendor == "postgresql" else SQLITE_SQL) + FILL_SQL:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name in CANDIDATE_TRIGGERS:
        on = " ON nominations_candidate" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}", params=None)
    for name in HOUSEHOLD_TRIGGERS:
        on = " ON nominations_household" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}", params=None)
    if vendor == "postgresql":
        for name in CANDIDATE_TRIGGERS + HOUSEHOLD_TRIGGERS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('approvals_org', '0004_unit_standing_agency'),
        ('nominations', '0007_partition_keys'),
    ]

    operations = [
        migrations.CreateModel(
            name='HouseholdTally',
            fields=[
                ('village', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='household_tally', serialize=False, to='approvals_org.orgunit', verbose_name='village')),
                ('households', models.IntegerField(default=0, verbose_name='households')),
            ],
            options={
                'verbose_name': 'household tally',
                'verbose_name_plural': 'household tallies',
            },
        ),
        migrations.CreateModel(
            name='RecognitionTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(choices=[('cultural_family', 'Cultural family (household)'), ('cultural_village', 'Cultural village or residential group'), ('exemplary_commune', 'Exemplary commune, ward or town'), ('cultural_standard_organization', 'Agency, unit or enterprise meeting the cultural standard'), ('advanced_worker', 'Advanced worker'), ('advanced_collective', 'Advanced collective'), ('emulation_flag', 'Emulation flag of the province'), ('provincial_commendation', 'Certificate of commendation of the provincial chairman')], max_length=40, verbose_name='title')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('registered', models.IntegerField(default=0, help_text='Candidates in any state.', verbose_name='registered')),
                ('recognised', models.IntegerField(default=0, help_text='Candidates holding the title.', verbose_name='recognised')),
                ('province', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='approvals_org.orgunit', verbose_name='province')),
                ('village', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recognition_tallies', to='approvals_org.orgunit', verbose_name='village')),
            ],
            options={
                'verbose_name': 'recognition tally',
                'verbose_name_plural': 'recognition tallies',
                'constraints': [models.UniqueConstraint(fields=('title', 'year', 'village', 'province'), name='recognition_tally_key')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
