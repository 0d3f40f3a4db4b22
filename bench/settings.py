"""Settings of the benchmarks: the test settings, plus the bare reference flow's app."""

from __future__ import annotations

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
DEBUG = False
