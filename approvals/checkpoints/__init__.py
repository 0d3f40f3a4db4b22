"""Signed, timestamped checkpoints of every audit chain's head, kept outside the database.

The audit trail is a hash chain inside the database: whoever can write the database can
edit an event and recompute every hash after it. A checkpoint fixes each chain's head
(chain, index, hash) at a moment, signed with the site's organisation key (a detached CMS
signature that ``openssl cms -verify`` checks) and timestamped (RFC 3161) where a timestamp
service is configured, and written to an append-only directory the database cannot reach.
``verify_integrity --checkpoints DIR`` then finds any chain that no longer extends them.

- :func:`~approvals.checkpoints.services.checkpoint_write`: write one now.
- :func:`~approvals.checkpoints.tasks.checkpoint_after_issue`: write one after the
  current transaction commits (the workflows call it when a document is issued).
- :func:`~approvals.checkpoints.verification.checkpoints_verify`: check a directory.
- :func:`~approvals.checkpoints.services.checkpoints_export`: copy them elsewhere.
"""
