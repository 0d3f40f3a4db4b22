"""Input fields the API's serializers share: ids the database can hold, a token's PIN."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

#: The largest id a database integer column holds; a bigger one is a 400, never a 500.
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """An object id: a positive whole number the database can hold."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class RelatedId(serializers.PrimaryKeyRelatedField):
    """A primary key checked for range before the database is asked."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            value = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, bool) or not 1 <= value <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(value)


def pin_field() -> serializers.CharField:
    """The PIN of the signer's token, typed at signing where the server has none."""
    return serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        style={"input_type": "password"},
        help_text=_(
            "The PIN of the signer's token (PKCS#11) when it is not configured on the server; "
            "never stored."
        ),
    )
