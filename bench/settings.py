"""Settings of the benchmarks: the test settings, plus the bare reference flow's app."""

from __future__ import annotations

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
DEBUG = False

# What a site at scale would set (docs/performance.md): the resolver keeps
# actions and their rules five minutes per process; audit events of acts resting on a
# position go to the chain of the position's commune or department (depth 2).
APPROVALS_RULES_CACHE_SECONDS = 300
APPROVALS_AUDIT_CHAIN_DEPTH = 2
