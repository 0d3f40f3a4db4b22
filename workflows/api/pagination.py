"""Page-numbered lists: ``count``, ``next``, ``previous``, ``results``; two queries a page."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """50 rows a page by default; the client may ask for up to 200 with ``page_size``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
