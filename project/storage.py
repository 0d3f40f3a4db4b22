"""The static files' storage with DEBUG off: WhiteNoise's compressed, hashed-name storage,
tolerant of a stylesheet of a third-party app that points to a file the app does not ship
(viewflow's roboto-fontface.css names font weights absent from its package): such a
reference is left as written (the browser gets a 404 for that one font weight) instead of
failing collectstatic. A missing file referenced from our own templates still fails."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.staticfiles.finders import AppDirectoriesFinder
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """``CompressedManifestStaticFilesStorage``, keeping a dangling url() of a CSS file."""

    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        """The hashed name; a file referenced by a stylesheet but absent keeps its name."""
        try:
            return str(super().hashed_name(name, content, filename))
        except ValueError:
            if content is not None or self.exists(filename or name):
                raise
            logger.info("static file %s is referenced but missing: left unhashed", name)
            return name


#: What collectstatic leaves out: the site never serves it.
NOT_COLLECTED = ["viewflow", "drf_spectacular_sidecar/redoc", "*.map"]


class SiteAppDirectoriesFinder(AppDirectoriesFinder):
    """The apps' ``static/`` folders, leaving out of collectstatic what the site never
    serves: viewflow's static files (the site does not mount viewflow's own pages; 146 MB of
    fonts and scripts with their node_modules), ReDoc (the API's docs use Swagger UI) and
    source maps. Compressing them took minutes at every deployment."""

    def list(self, ignore_patterns: Any) -> Any:
        """The files to collect, without ``NOT_COLLECTED``."""
        return super().list([*(ignore_patterns or []), *NOT_COLLECTED])
