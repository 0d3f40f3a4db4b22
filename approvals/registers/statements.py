"""The numbering's statements written out (approvals.registers.services.number_issue).

A number is taken on every issued document while the register's row is locked, so its
statements are written here once per connection instead of compiled by the ORM each time,
and on PostgreSQL with client-side binding several go in one round trip.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models

from approvals.audit.models import AuditChain
from approvals.audit.services import HEAD_COLUMNS
from approvals.organisation.models import OrgUnit
from approvals.registers.models import (
    DocumentKind,
    EntryStatus,
    Register,
    RegisterEntry,
    RegisterKind,
)


def covering(
    *, agency: OrgUnit, kind: DocumentKind, year: int, confidential: bool
) -> Register | None:
    """The register of ``agency`` covering ``kind`` in ``year`` (its agency set), or None.

    Read on every number: written out (one indexed join), not compiled by the ORM.
    """
    quote = connection.ops.quote_name
    fields = [str(f.attname) for f in Register._meta.concrete_fields]
    columns = ", ".join(f"r.{quote(str(f.column))}" for f in Register._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(Register._meta.db_table)} AS r "  # noqa: S608
            f"JOIN {quote(RegisterKind._meta.db_table)} AS k ON k.register_id = r.id "
            "WHERE k.agency_id = %s AND k.year = %s AND k.confidential = %s AND k.kind_id = %s "
            "ORDER BY r.id LIMIT 1",
            [agency.pk, year, confidential, kind.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    register = Register.from_db(connection.alias, fields, row)
    register.agency = agency
    return register


def one_round_trip_each() -> bool:
    """Whether several statements go in one round trip: PostgreSQL binding parameters on
    the client (Django's default), so that psycopg sends them in the simple protocol."""
    return connection.vendor == "postgresql" and not connection.settings_dict.get(
        "OPTIONS", {}
    ).get("server_side_binding")


def take_number_sql() -> str:
    table = connection.ops.quote_name(Register._meta.db_table)
    return (
        f"UPDATE {table} SET next_number = next_number + 1 "  # noqa: S608
        "WHERE id = %s AND closed_at IS NULL RETURNING next_number"
    )


def take_covered_sql() -> str:
    """The counter's update when the register still covers the kind: parameters the
    register, the agency, the year, the series and the kind."""
    table = connection.ops.quote_name(Register._meta.db_table)
    links = connection.ops.quote_name(RegisterKind._meta.db_table)
    return (
        f"UPDATE {table} SET next_number = next_number + 1 "  # noqa: S608
        f"WHERE id = %s AND closed_at IS NULL AND EXISTS (SELECT 1 FROM {links} AS k "
        f"WHERE k.register_id = {table}.id AND k.agency_id = %s AND k.year = %s "
        "AND k.confidential = %s AND k.kind_id = %s) RETURNING next_number"
    )


_SQL: dict[tuple[str, str], tuple[str, list[models.Field[Any, Any]]]] = {}


def locked_read_sql() -> str:
    """The read after the counter's update. Parameters: the register, the subject's type
    (twice) and id, the chain's name. Returns the register's last day, the symbol of the
    document's standing number, the entry's id, the chain's head."""
    cached = _SQL.get((connection.alias, "read"))
    if cached is not None:
        return cached[0]
    quote = connection.ops.quote_name
    entries = quote(RegisterEntry._meta.db_table)
    chains = quote(AuditChain._meta.db_table)
    head = ", ".join(f"h.{column.strip()}" for column in HEAD_COLUMNS.split(","))
    issued = EntryStatus.ISSUED.value
    sql = (
        # Dates follow the numbers, so the last number carries the latest date (index read).
        f"SELECT (SELECT issued_on FROM {entries} WHERE register_id = %s "  # noqa: S608
        "ORDER BY number DESC LIMIT 1), "
        f"(SELECT symbol FROM {entries} WHERE %s <> '' AND subject_type = %s "
        f"AND subject_id = %s AND status = '{issued}' LIMIT 1), "
        f"nextval(pg_get_serial_sequence('{RegisterEntry._meta.db_table}', 'id')), {head} "
        f"FROM (SELECT 1) AS one LEFT JOIN {chains} AS h ON h.name = %s"
    )
    _SQL[(connection.alias, "read")] = (sql, [])
    return sql


def insert_entry_sql() -> tuple[str, list[models.Field[Any, Any]]]:
    """The entry's ``INSERT`` with its id (taken from the sequence) and its columns."""
    cached = _SQL.get((connection.alias, "insert"))
    if cached is not None:
        return cached
    quote = connection.ops.quote_name
    fields = list(RegisterEntry._meta.concrete_fields)
    names = ", ".join(quote(str(f.column)) for f in fields)
    values = ", ".join(f"%s::{f.db_type(connection)}" for f in fields)
    sql = f"INSERT INTO {quote(RegisterEntry._meta.db_table)} ({names}) VALUES ({values})"  # noqa: S608
    _SQL[(connection.alias, "insert")] = (sql, fields)
    return sql, fields
