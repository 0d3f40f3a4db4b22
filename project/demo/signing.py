"""The demo's test PKI: certificates for every demo signer and a seal for every agency.

Made at seeding when ``SIGNING_TEST_PKI`` is on (the demo's default): ``pki init`` under
``SIGNING_PKI_DIR``, then a PKCS#12 credential for each person holding a position and a
seal credential for each unit that issues documents. Every certificate is marked
“TEST — không có giá trị pháp lý”. Nothing here is for a real site.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from approvals.organisation.models import OrgUnit, Position, UnitKind
from approvals.organisation.resolver import user_label
from approvals.regulations.services import rules_in_force
from approvals.signing.enrol import enrol_test_credential, open_test_pki
from approvals.signing.models import SigningCredential
from project.demo.images import seal_png, signature_png

#: Units that issue no documents of their own, so hold no seal.
NO_SEAL = (
    UnitKind.DIVISION,
    UnitKind.DEPARTMENT_OFFICE,
    UnitKind.VILLAGE,
    UnitKind.RESIDENTIAL_GROUP,
)


def seed_signing(*, users: dict[str, Any], units: dict[str, OrgUnit]) -> int:
    """Credentials of the test PKI for the demo; returns how many were registered.

    Off unless the test PKI is on; the tests (``SIGNING_TEST_AUTO_ENROL``) enrol lazily.
    """
    if not getattr(settings, "SIGNING_TEST_PKI", False) or getattr(
        settings, "SIGNING_TEST_AUTO_ENROL", False
    ):
        return 0
    open_test_pki()
    holders = set(Position.objects.values_list("user_id", flat=True))
    enrolled = set(SigningCredential.objects.values_list("user_id", "unit_id"))
    owners = {user for user, _unit in enrolled if user is not None}
    count = 0
    for user in users.values():
        if user.pk in holders and user.pk not in owners:
            credential = enrol_test_credential(user=user)
            _picture(credential, "chu-ky", signature_png(user_label(user)))
            count += 1
    seals = {unit for _user, unit in enrolled if unit is not None}
    for unit in units.values():
        if unit.kind not in NO_SEAL and unit.pk not in seals:
            credential = enrol_test_credential(unit=unit)
            rules = rules_in_force("document_work", on=timezone.localdate(), unit=unit)
            diameter = rules.integer("signing.seal_diameter_mm")
            _picture(credential, "con-dau", seal_png(unit.name, diameter_mm=diameter))
            count += 1
    return count


def _picture(credential: SigningCredential, name: str, png: bytes) -> None:
    """The demo's drawn signature or seal as the credential's appearance image."""
    credential.appearance_image.save(f"{name}-{credential.pk}.png", ContentFile(png), save=False)
    SigningCredential.objects.filter(pk=credential.pk).update(
        appearance_image=credential.appearance_image.name
    )


__all__ = ["seed_signing"]
