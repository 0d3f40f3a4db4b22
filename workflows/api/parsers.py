"""The API's body parsers: text in NFC, NUL characters and lone surrogates refused.

The rule is :mod:`approvals.text`; ``project.input_guard`` applies it to the site's forms and
to every query string, these parsers to JSON bodies and to forms sent with PUT or PATCH
(which Django does not parse into ``request.POST``).
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.parsers import DataAndFiles, FormParser, JSONParser, MultiPartParser

from approvals.text import UnacceptableText, clean_data, clean_query_dict, clean_text


class InvalidText(exceptions.APIException):
    """A NUL character or an unpaired surrogate in the request (its text is not quoted)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_text"

    def __init__(self, error: UnacceptableText) -> None:
        super().__init__(error.message)
        self.fields = {error.field: [error.message]} if error.field else {}


class CleanJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        try:
            return clean_data(data)
        except UnacceptableText as error:
            raise InvalidText(error) from None


class CleanFormParser(FormParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        try:
            return clean_query_dict(data)
        except UnacceptableText as error:
            raise InvalidText(error) from None


class CleanMultiPartParser(MultiPartParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        try:
            for name, uploads in parsed.files.lists():
                for upload in uploads:
                    upload.name = clean_text(str(upload.name or ""), field=name)
            return DataAndFiles(clean_query_dict(parsed.data), parsed.files)
        except UnacceptableText as error:
            raise InvalidText(error) from None
