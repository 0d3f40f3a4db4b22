"""Reads over signing credentials: whose certificate signs, which seal a unit applies."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from approvals.signing.models import SignedFile, SigningCredential

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet

    from approvals.organisation.models import OrgUnit


def _usable(at: datetime.datetime | None) -> QuerySet[SigningCredential]:
    moment = at or timezone.now()
    return SigningCredential.objects.filter(
        is_active=True, valid_from__lte=moment, valid_to__gte=moment
    ).order_by("-valid_to", "-pk")


def credentials_of(user: AbstractBaseUser) -> QuerySet[SigningCredential]:
    """Every credential registered to ``user``, active ones first."""
    return SigningCredential.objects.filter(user_id=user.pk).order_by("-is_active", "-valid_to")


def credential_for_user(
    user: AbstractBaseUser, *, at: datetime.datetime | None = None
) -> SigningCredential | None:
    """The person's active credential whose certificate is valid at ``at`` (default now)."""
    return _usable(at).filter(user_id=user.pk).first()


def seal_credential_for(
    unit: OrgUnit, *, at: datetime.datetime | None = None
) -> SigningCredential | None:
    """The unit's active seal credential whose certificate is valid at ``at``."""
    return _usable(at).filter(unit=unit).first()


def signed_files(subject_type: str, subject_id: object) -> QuerySet[SignedFile]:
    """The subject's signed files, oldest first."""
    return SignedFile.objects.filter(subject_type=subject_type, subject_id=str(subject_id))


def latest_signed_file(subject_type: str, subject_id: object, stage: str) -> SignedFile | None:
    """The subject's most recent signed file of ``stage``."""
    return signed_files(subject_type, subject_id).filter(stage=stage).order_by("-pk").first()


__all__ = [
    "credential_for_user",
    "credentials_of",
    "latest_signed_file",
    "seal_credential_for",
    "signed_files",
]
