"""Signals of the nominations package for the layers above it."""

from __future__ import annotations

from django.dispatch import Signal

#: Households created in bulk (``bulk_create`` sends no ``post_save``); sent inside the
#: transaction that created them with ``household_ids``, the list of their keys.
households_added = Signal()
