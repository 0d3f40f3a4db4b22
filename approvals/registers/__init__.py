"""Document kinds, yearly registers and gap-free numbering (Decree 30/2020)."""

from __future__ import annotations
