"""Bulk writes the ORM does not offer."""

from __future__ import annotations

from typing import Any, cast

from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.sql import UpdateQuery


def update_returning_pks(queryset: QuerySet[Any], **values: Any) -> list[Any]:
    """``queryset.update(**values)``, returning the primary keys of the rows changed, sorted.

    On PostgreSQL one ``UPDATE … RETURNING`` (a decision recognising 100,000 candidates
    does not read their ids first); elsewhere the ids are read, then the same rows
    updated, in the caller's transaction (hold the rows' lock, as the services do, for
    the two to agree).
    """
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        pks = sorted(queryset.values_list("pk", flat=True))
        queryset.model._default_manager.using(queryset.db).filter(pk__in=pks).update(**values)
        return pks
    if queryset.query.is_sliced:
        raise TypeError("Cannot update a query once a slice has been taken.")
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
    query.add_update_values(values)
    query.clear_select_clause()  # as QuerySet.update: annotations are inlined by now
    sql, params = query.get_compiler(queryset.db).as_sql()
    if not sql:
        return []
    pk = connection.ops.quote_name(queryset.model._meta.pk.column)
    with transaction.mark_for_rollback_on_error(using=queryset.db), connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {pk}", params)
        return sorted(row[0] for row in cursor.fetchall())


__all__ = ["update_returning_pks"]
