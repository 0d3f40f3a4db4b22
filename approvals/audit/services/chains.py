"""Chains: which chain an act goes to, the partition of a new chain, the head's lock."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from approvals.audit.models import AuditChain
from approvals.exceptions import ValidationFailed
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import Authority

#: The chain every event goes to unless another is named.
MAIN_CHAIN = "main"

_CHAIN_NAME = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")


def chain_for(authority: Authority | str | None) -> str:
    """The chain an act goes to when the caller names none.

    With the setting ``APPROVALS_AUDIT_CHAIN_DEPTH`` at 0 (the default) every event goes
    to the one main chain. At ``n`` > 0, an act resting on a position (or a delegation of
    one) goes to the chain of the position's ancestor at depth ``n`` of the organisation
    tree (1: the province, 2: its communes and departments), named ``unit-<id>``, so
    writers in different units do not queue on one chain head. Each chain verifies on its
    own (``verify_audit_chain --all``). Acts without a position (system events, one-off
    grants) stay in the main chain.
    """
    depth = int(getattr(settings, "APPROVALS_AUDIT_CHAIN_DEPTH", 0) or 0)
    if depth <= 0 or not isinstance(authority, Authority) or authority.position is None:
        return MAIN_CHAIN
    path = authority.position.unit.path
    ids = [part for part in path.split("/") if part]
    if not ids:
        return MAIN_CHAIN
    return f"unit-{ids[min(depth, len(ids)) - 1]}"


def _lock_head(name: str) -> AuditChain:
    if not isinstance(name, str) or not _CHAIN_NAME.match(name):
        raise ValidationFailed(
            _("“%(value)s” is not a valid chain name (letters, digits, “-” and “_”).")
            % {"value": name}
        )
    if connection.vendor == "postgresql":
        # The hottest statement of the engine: written out, not compiled by the ORM.
        table = connection.ops.quote_name(AuditChain._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, last_index, last_hash, updated_at, partition "  # noqa: S608
                f"FROM {table} WHERE name = %s FOR UPDATE",
                [name],
            )
            row = cursor.fetchone()
        if row is not None:
            head = AuditChain(
                id=row[0],
                name=name,
                last_index=row[1],
                last_hash=row[2],
                updated_at=row[3],
                partition=row[4],
            )
            head._state.adding, head._state.db = False, connection.alias
            return head
    try:
        return AuditChain.objects.select_for_update().get(name=name)
    except AuditChain.DoesNotExist:
        # get_or_create survives a concurrent creation of the same head (unique name).
        AuditChain.objects.get_or_create(name=name, defaults={"partition": chain_partition(name)})
        return AuditChain.objects.select_for_update().get(name=name)


_UNIT_CHAIN = re.compile(r"^unit-(\d+)$")


def chain_partition(name: str) -> int:
    """The partition of a new chain: the root unit of ``unit-<id>``, else 0 (one query).

    Read once, when the chain's head is created; its events copy it from the head.
    """
    match = _UNIT_CHAIN.match(name)
    if match is None:
        return 0
    path = OrgUnit.objects.filter(pk=int(match.group(1))).values_list("path", flat=True).first()
    ids = [part for part in (path or "").split("/") if part]
    return int(ids[0]) if ids else 0
