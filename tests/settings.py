"""Test settings: the site's settings with fast hashing and a test app."""

from __future__ import annotations

import tempfile
from pathlib import Path

from project.settings import *  # noqa: F403
from project.settings import INSTALLED_APPS

# tests.testapp: a concrete document to guard; examples.movement_report: the guide's example
# (docs/guide-new-process.md), installed only here, never in the site
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp", "examples.movement_report"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# Rules are read fresh in the tests (a test's rolled-back changes send no signal); the
# process cache is tested where it is turned on.
APPROVALS_RULES_CACHE_SECONDS = 0

# Uploaded files of the tests go to a throw-away folder, never into the checkout.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="approvals-test-media-"))

# Signing tests make their own PKIs under temporary folders and never fetch CRLs online.
SIGNING_PKI_DIR = Path(tempfile.mkdtemp(prefix="approvals-test-pki-"))
SIGNING_ALLOW_FETCHING = False
# The test PKI of approvals.signing.pki is trusted and timestamps; a person or unit without
# a credential is given one the first time it signs (tests only, never a site).
SIGNING_TEST_PKI = True
SIGNING_TEST_AUTO_ENROL = True
SIGNING_TRUST_ROOTS = []
# The tests' PKI is valid from 2000 to 2100 (CRLs included): tests freezing the clock sign.
SIGNING_PKI_FIXED_WINDOW = (2000, 2100)

# Audit checkpoints (approvals.checkpoints): not after every issued document in the suite
# (tests/checkpoints turns it on where it is tested).
APPROVALS_CHECKPOINT_ON_ISSUE = False
