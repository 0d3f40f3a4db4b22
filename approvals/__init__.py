"""The approval engine for Vietnamese agency workflows.

It knows no plan and no title: organisation tree, positions and roles per level,
delegation and acting heads, the permission resolver with separation of duties,
versioned regulations, the working-day calendar, document registers, signatures and
the hash-chained audit trail. Processes (``workflows``) are built on top of it.
"""

from __future__ import annotations

#: The engine's Django apps, for a host project's INSTALLED_APPS.
APPS = [
    "approvals",
    "approvals.organisation",
    "approvals.regulations",
    "approvals.calendar",
    "approvals.registers",
    "approvals.audit",
]
