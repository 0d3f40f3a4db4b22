"""Admin building blocks shared by the engine's and the processes' admin pages.

They live in :mod:`approvals.organisation.scoped_admin` (the organisation's own admin uses
them, and the scope is the organisation's); this module keeps their names importable here.
"""

from __future__ import annotations

from approvals.organisation.scoped_admin import (
    ChoiceField,
    ReadOnlyInline,
    ScopedChoicesMixin,
    ScopedInline,
    UnitScopedAdmin,
    UnitScopedMixin,
    admin_scope,
    limit_choices,
    scope_q,
    superuser_only_unscoped,
)

__all__ = [
    "ChoiceField",
    "ReadOnlyInline",
    "ScopedChoicesMixin",
    "ScopedInline",
    "UnitScopedAdmin",
    "UnitScopedMixin",
    "admin_scope",
    "limit_choices",
    "scope_q",
    "superuser_only_unscoped",
]
