"""Declarative LIST partitioning of a table by a key column, on PostgreSQL (country scale).

A table that grows with the country (a workflow's candidates, the audit events) can be
turned into a PostgreSQL partitioned table, ``PARTITION BY LIST (key)``, with one
partition per key value (one per province) and a ``DEFAULT`` partition for keys without
their own yet (a new province: its rows are still correct there, and the next run moves
them to their own partition). Queries that name the key read one partition only.

What :func:`partition_table` does, in the caller's transaction:

- a new partitioned table ``LIKE`` the old one (columns, defaults, identity, ``CHECK``
  constraints), its partitions, then ``INSERT … SELECT`` of every row;
- the id sequence keeps its position (``setval`` from the old one) and its name;
- the primary key becomes ``(id, key)`` and every unique constraint or index gets the key
  as its last column: PostgreSQL requires the partition key in them. When the key is a
  function of the other columns of the constraint (the table's rows say so), the widened
  constraint forbids exactly what the old one did; otherwise the caller must say what
  keeps the old meaning;
- the other indexes and the outgoing foreign keys are recreated with their names, so
  later migrations still find them;
- the table's own triggers are created again on the new table (a statement-level
  trigger with transition tables on the partitioned table sees the rows of every
  partition);
- a foreign key from another table to the id cannot be kept (it needs a unique ``id``
  alone): it is dropped and replaced by two deferred constraint triggers that check the
  same thing, :func:`reference_triggers` (the referencing row's id exists; a referenced
  row is not deleted while referenced).

It knows no table of its own: callers name the table, its key and the key values
(``workflows.nominations`` command ``partition_by_province``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

#: Names of the parts made here (PostgreSQL names have at most 63 bytes).
_MAX_NAME = 63


class PartitioningUnavailable(Exception):
    """Partitioning needs PostgreSQL."""


@dataclass(frozen=True)
class Reference:
    """A foreign key column of another table that points at the partitioned table's id."""

    table: str
    column: str
    constraint: str = ""


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _name(*parts: str) -> str:
    return "_".join(parts)[:_MAX_NAME]


def partition_name(table: str, value: int | None) -> str:
    """The partition of ``table`` for key ``value`` (``None``: the default partition)."""
    return _name(table, "default" if value is None else f"p{value}")


def require_postgresql() -> None:
    """Refuse on any other database."""
    if connection.vendor != "postgresql":
        raise PartitioningUnavailable(
            f"Partitioning needs PostgreSQL; this database is {connection.vendor}."
        )


def is_partitioned(cursor: Any, table: str) -> bool:
    """Whether ``table`` is a partitioned table already."""
    cursor.execute(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
        [table],
    )
    return cursor.fetchone() is not None


_BOUND = re.compile(r"^FOR VALUES IN \((.*)\)$")


def partitions(cursor: Any, table: str) -> dict[int | None, str]:
    """The partitions of ``table``: key value (``None`` for the default) → partition name."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
        [table],
    )
    found: dict[int | None, str] = {}
    for name, bound in cursor.fetchall():
        if bound == "DEFAULT":
            found[None] = name
            continue
        match = _BOUND.match(bound or "")
        for value in match.group(1).split(",") if match else []:
            found[int(value.strip().strip("'"))] = name
    return found


def references_to(cursor: Any, table: str) -> list[Reference]:
    """Single-column foreign keys of other tables pointing at ``table``."""
    cursor.execute(
        "SELECT r.relname, a.attname, c.conname FROM pg_constraint c "
        "JOIN pg_class r ON r.oid = c.conrelid "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "WHERE c.contype = 'f' AND c.confrelid = %s::regclass AND c.conrelid <> c.confrelid "
        "ORDER BY r.relname, a.attname",
        [table],
    )
    return [Reference(table=r[0], column=r[1], constraint=r[2]) for r in cursor.fetchall()]


def _trigger_names(table: str, ref: Reference) -> tuple[str, str]:
    return _name("pfk", ref.table, ref.column), _name("pfkd", ref.table, ref.column)


def missing_reference_triggers(cursor: Any, table: str, refs: list[Reference]) -> list[Reference]:
    """Those of ``refs`` whose checking triggers are not in place."""
    cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    names = {row[0] for row in cursor.fetchall()}
    return [ref for ref in refs if not set(_trigger_names(table, ref)) <= names]


def reference_triggers(cursor: Any, table: str, ref: Reference) -> None:
    """Check ``ref`` by triggers, as its foreign key did (deferred to the commit).

    On the referencing table: an inserted or changed id must exist in ``table``. On
    ``table``: a deleted row must not be referenced (unless a row with the same id is
    still there, as when an update of the key moves it to another partition).
    """
    check, guard = _trigger_names(table, ref)
    t, rt, col = _q(table), _q(ref.table), _q(ref.column)
    message = f"{ref.table}.{ref.column} must reference an existing {table}.id"
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {_q(check)}() RETURNS trigger "  # noqa: S608 -- catalog names
        "LANGUAGE plpgsql AS $$ "
        f"BEGIN IF NEW.{col} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {t} WHERE id = NEW.{col}) THEN RAISE EXCEPTION USING "
        f"ERRCODE = 'foreign_key_violation', MESSAGE = '{message}'; END IF; "
        "RETURN NULL; END $$"
    )
    cursor.execute(f"DROP TRIGGER IF EXISTS {_q(check)} ON {rt}")
    cursor.execute(
        f"CREATE CONSTRAINT TRIGGER {_q(check)} AFTER INSERT OR UPDATE OF {col} ON {rt} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {_q(check)}()"
    )
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {_q(guard)}() RETURNS trigger "  # noqa: S608 -- catalog names
        "LANGUAGE plpgsql AS $$ "
        f"BEGIN IF EXISTS (SELECT 1 FROM {rt} WHERE {col} = OLD.id) AND NOT EXISTS "
        f"(SELECT 1 FROM {t} WHERE id = OLD.id) THEN RAISE EXCEPTION USING "
        f"ERRCODE = 'foreign_key_violation', MESSAGE = '{message}'; END IF; "
        "RETURN NULL; END $$"
    )
    cursor.execute(f"DROP TRIGGER IF EXISTS {_q(guard)} ON {t}")
    cursor.execute(
        f"CREATE CONSTRAINT TRIGGER {_q(guard)} AFTER DELETE ON {t} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {_q(guard)}()"
    )


@dataclass(frozen=True)
class Trigger:
    """A trigger of the table's own (not one PostgreSQL makes for a constraint)."""

    name: str
    definition: str  # ``CREATE TRIGGER …`` as ``pg_get_triggerdef`` gives it
    disabled: bool


def table_triggers(
    cursor: Any, table: str, exclude: set[str] | frozenset[str] = frozenset()
) -> list[Trigger]:
    """The triggers defined on ``table`` (not internal ones), but those named in ``exclude``."""
    cursor.execute(
        "SELECT tgname, pg_get_triggerdef(oid), tgenabled = 'D' FROM pg_trigger "
        "WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
        [table],
    )
    return [
        Trigger(name=name, definition=definition, disabled=disabled)
        for name, definition, disabled in cursor.fetchall()
        if name not in exclude
    ]


def _reference_trigger_names(
    table: str, refs: list[Reference], known_refs: tuple[Reference, ...]
) -> set[str]:
    """The checking triggers :func:`reference_triggers` makes (it makes them again)."""
    return {name for ref in (*refs, *known_refs) for name in _trigger_names(table, ref)}


def missing_triggers(cursor: Any, table: str, names: list[str] | tuple[str, ...]) -> list[str]:
    """Those of ``names`` that are not triggers of ``table``."""
    have = {trigger.name for trigger in table_triggers(cursor, table)}
    return [name for name in names if name not in have]


def _widen(indexdef: str, key: str) -> str:
    """``CREATE UNIQUE INDEX … USING btree (a, b) WHERE …`` with ``key`` added last."""
    start = indexdef.index(" USING ")
    open_at = indexdef.index("(", start)
    depth = 0
    for at in range(open_at, len(indexdef)):
        depth += {"(": 1, ")": -1}.get(indexdef[at], 0)
        if depth == 0:
            return f"{indexdef[:at]}, {_q(key)}{indexdef[at:]}"
    raise ValueError(indexdef)


def _value_list(values: list[int]) -> str:
    return ", ".join(str(int(v)) for v in values)


def add_partitions(cursor: Any, table: str, key: str, values: list[int]) -> list[int]:
    """Give each of ``values`` without one its partition; rows already in the default
    partition move to it. Returns the values added."""
    have = partitions(cursor, table)
    default = have.get(None)
    added = []
    for value in values:
        if value in have:
            continue
        name = partition_name(table, value)
        waiting = 0
        if default is not None:
            cursor.execute(
                f"SELECT count(*) FROM {_q(default)} WHERE {_q(key)} = %s",  # noqa: S608
                [value],
            )
            waiting = int(cursor.fetchone()[0])
        if default is None or not waiting:
            cursor.execute(
                f"CREATE TABLE {_q(name)} PARTITION OF {_q(table)} FOR VALUES IN ({int(value)})"
            )
        else:
            cursor.execute(
                f"CREATE TABLE {_q(name)} (LIKE {_q(table)} INCLUDING DEFAULTS "
                "INCLUDING CONSTRAINTS)"
            )
            cursor.execute(
                f"INSERT INTO {_q(name)} SELECT * FROM {_q(default)} "  # noqa: S608
                f"WHERE {_q(key)} = %s",
                [value],
            )
            cursor.execute(
                f"DELETE FROM {_q(default)} WHERE {_q(key)} = %s",  # noqa: S608
                [value],
            )
            cursor.execute(
                f"ALTER TABLE {_q(table)} ATTACH PARTITION {_q(name)} FOR VALUES IN ({int(value)})"
            )
        added.append(value)
    if default is None:
        cursor.execute(
            f"CREATE TABLE {_q(partition_name(table, None))} PARTITION OF {_q(table)} DEFAULT"
        )
    return added


def partition_table(
    cursor: Any, table: str, key: str, values: list[int], known_refs: tuple[Reference, ...] = ()
) -> list[Reference]:
    """Turn ``table`` into a table partitioned by LIST of ``key`` (see the module).

    Run it in a transaction; the table is locked for its length. ``known_refs`` are
    references to check by triggers even without a foreign key in the database. Returns
    the references now checked by triggers.
    """
    q_table, q_key = _q(table), _q(key)
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks on the tables
    cursor.execute(f"LOCK TABLE {q_table} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    columns = ", ".join(_q(row[0]) for row in cursor.fetchall())
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u', 'p') ORDER BY conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid), i.indisunique FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid) ORDER BY 1",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    refs = references_to(cursor, table)
    own = table_triggers(cursor, table, exclude=_reference_trigger_names(table, refs, known_refs))

    new = _name(table, "partitioned")
    cursor.execute(
        f"CREATE TABLE {_q(new)} (LIKE {q_table} INCLUDING DEFAULTS INCLUDING IDENTITY "
        f"INCLUDING CONSTRAINTS INCLUDING STORAGE) PARTITION BY LIST ({q_key})"
    )
    for value in values:
        cursor.execute(
            f"CREATE TABLE {_q(partition_name(table, value))} PARTITION OF {_q(new)} "
            f"FOR VALUES IN ({int(value)})"
        )
    cursor.execute(f"CREATE TABLE {_q(partition_name(table, None))} PARTITION OF {_q(new)} DEFAULT")
    cursor.execute(
        f"INSERT INTO {_q(new)} ({columns}) OVERRIDING SYSTEM VALUE "  # noqa: S608
        f"SELECT {columns} FROM {q_table}"
    )
    if sequence:
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        last_value, is_called = cursor.fetchone()
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)",
            [new, last_value, is_called],
        )
    for ref in refs:
        cursor.execute(f"ALTER TABLE {_q(ref.table)} DROP CONSTRAINT {_q(ref.constraint)}")
    checked = {(ref.table, ref.column) for ref in refs}
    refs += [ref for ref in known_refs if (ref.table, ref.column) not in checked]
    cursor.execute(f"DROP TABLE {q_table}")
    cursor.execute(f"ALTER TABLE {_q(new)} RENAME TO {q_table}")
    if sequence:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        current = cursor.fetchone()[0]
        cursor.execute(f"ALTER SEQUENCE {current} RENAME TO {_q(sequence.split('.')[-1])}")
    for name, kind, definition in constraints:
        if kind == "p":
            definition = f"PRIMARY KEY (id, {q_key})"
        elif kind == "u" and key not in definition:
            end = definition.index(")")
            definition = f"{definition[:end]}, {q_key}{definition[end:]}"
        cursor.execute(f"ALTER TABLE {q_table} ADD CONSTRAINT {_q(name)} {definition}")
    for indexdef, unique in indexes:
        cursor.execute(_widen(indexdef, key) if unique and key not in indexdef else indexdef)
    for ref in refs:
        reference_triggers(cursor, table, ref)
    for trigger in own:
        # The definition names the table, now the partitioned one under the same name.
        cursor.execute(trigger.definition)
        if trigger.disabled:
            cursor.execute(f"ALTER TABLE {q_table} DISABLE TRIGGER {_q(trigger.name)}")
    cursor.execute(f"ANALYZE {q_table}")
    return refs


def layout_problems(
    cursor: Any,
    table: str,
    key: str,
    values: list[int],
    refs: list[Reference] | None = None,
    triggers: tuple[str, ...] = (),
) -> list[str]:
    """What :func:`partition_table`/:func:`add_partitions` would still do (empty: done),
    and which of the ``triggers`` the table should have are missing."""
    if not is_partitioned(cursor, table):
        return [f"{table}: not partitioned"]
    have = partitions(cursor, table)
    problems = [f"{table}: no partition for {key} = {v}" for v in values if v not in have]
    if None not in have:
        problems.append(f"{table}: no default partition")
    for ref in missing_reference_triggers(cursor, table, refs or []):
        problems.append(f"{table}: {ref.table}.{ref.column} is not checked")
    for name in missing_triggers(cursor, table, triggers):
        problems.append(f"{table}: trigger {name} is missing")
    return problems


__all__ = [
    "PartitioningUnavailable",
    "Reference",
    "Trigger",
    "add_partitions",
    "is_partitioned",
    "layout_problems",
    "missing_triggers",
    "partition_name",
    "partition_table",
    "partitions",
    "reference_triggers",
    "references_to",
    "require_postgresql",
    "table_triggers",
]
