"""Tra cứu: one permission-scoped search over documents, decisions, dossiers and households."""
