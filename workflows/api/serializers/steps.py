"""What a workflow step takes: a comment; for a plan's review or signature, what was seen."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflows.api.serializers.fields import pin_field
from workflows.plans.models import PlanState


class StepSerializer(serializers.Serializer[Any]):
    """A review or signature step: an optional comment and the revision the user looked at."""

    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    seen_revision = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The revision the user reviewed; if the plan has a newer one the answer is 409."
        ),
    )
    seen_state = serializers.ChoiceField(
        choices=PlanState.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The state the user saw the plan in; if another user has moved it on since, "
            "the answer is 409 (wrong_state) and nothing is changed."
        ),
    )


class SignSerializer(StepSerializer):
    """The signature step: as a review step, plus the PIN of the signer's token if needed."""

    pin = pin_field()


class ReturnSerializer(StepSerializer):
    comment = serializers.CharField(max_length=5000, help_text=_("What must change."))


class CommentSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
