"""Credentials, tokens and the signed-in user as the API reads and answers them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from workflows.api.serializers.organisation import PositionSerializer


class CredentialsSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})
    otp_token = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text=(
            "The 6-digit code of the user's authenticator app, or one of their recovery codes "
            "(used up); required when the user has set up two-step verification. Without it the "
            "answer is 401 otp_required, with a wrong one 401 otp_invalid; an account that must "
            "use two-step verification (OTP_REQUIRED) and has not set it up gets 403 "
            "otp_enrolment_required."
        ),
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    positions = PositionSerializer(many=True)
