"""Credentials in the database: registration through the service, owners, selectors, secrets."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from approvals.audit.models import AuditEvent
from approvals.exceptions import ValidationFailed
from approvals.signing.appearance import FieldSpec
from approvals.signing.documents import sign_pdf
from approvals.signing.exceptions import CertificateOfAnotherAgency, CertificateOfAnotherPerson
from approvals.signing.models import BackendKind, SigningCredential
from approvals.signing.selectors import credential_for_user, seal_credential_for
from approvals.signing.services import (
    REGISTER_CREDENTIAL,
    credential_register,
    credential_withdraw,
)
from tests.factories import OrgUnitFactory, UserFactory
from tests.signing.conftest import P12_ENV
from tests.signing.helpers import SEAL_BOX, SIGNER_BOX, sample_pdf

pytestmark = pytest.mark.django_db


def _register(identity, **owner):
    return credential_register(
        actor=None,
        backend=BackendKind.PKCS12,
        config={"path": str(identity.p12_path), "passphrase_env": P12_ENV},
        certificate_pem=identity.certificate_pem,
        **owner,
    )


def test_register_binds_the_certificate_and_writes_the_audit_event(person):
    user = UserFactory()
    credential = _register(person, user=user)
    credential.refresh_from_db()
    assert credential.subject_name == "Nguyễn Văn An"
    assert credential.fingerprint
    assert len(credential.fingerprint) == 64
    assert credential.valid_from < credential.valid_to
    event = AuditEvent.objects.get(action=REGISTER_CREDENTIAL)
    assert event.subject_id == str(credential.pk)
    assert credential_for_user(user) == credential


def test_registered_credentials_sign_for_their_owner_only(person, agency, context):
    user, stranger = UserFactory(), UserFactory()
    unit, other_unit = OrgUnitFactory(), OrgUnitFactory()
    personal = _register(person, user=user)
    seal = _register(agency, unit=unit)
    signed = sign_pdf(
        sample_pdf(),
        credential=personal,
        as_user=user,
        field=FieldSpec("signer", 0, SIGNER_BOX),
        validation=context(),
    )
    sealed = sign_pdf(
        signed,
        credential=seal,
        as_unit=unit,
        field=FieldSpec("seal", 0, SEAL_BOX),
        validation=context(),
    )
    assert len(sealed) > len(signed) > 0
    with pytest.raises(CertificateOfAnotherPerson):
        sign_pdf(
            sample_pdf(),
            credential=personal,
            as_user=stranger,
            field=FieldSpec("signer", 0, SIGNER_BOX),
            validation=context(),
        )
    with pytest.raises(CertificateOfAnotherAgency):
        sign_pdf(
            sample_pdf(),
            credential=seal,
            as_unit=other_unit,
            field=FieldSpec("seal", 0, SEAL_BOX),
            validation=context(),
        )
    assert seal_credential_for(unit) == seal
    assert seal_credential_for(other_unit) is None


@pytest.mark.parametrize(
    "config",
    [
        {"path": "/x.p12", "passphrase": "secret123"},
        {"path": "/x.p12", "passphrase_env": "X", "pin": "1234"},
        {"path": "/x.p12"},
        {"path": "/x.p12", "passphrase_env": "X", "colour": "red"},
    ],
    ids=["secret-instead-of-env", "extra-secret", "missing-key", "unknown-key"],
)
def test_configuration_with_secrets_or_wrong_keys_is_refused(person, config):
    with pytest.raises(ValidationFailed):
        credential_register(
            actor=None,
            backend=BackendKind.PKCS12,
            config=config,
            certificate_pem=person.certificate_pem,
            user=UserFactory(),
        )
    assert not SigningCredential.objects.exists()


def test_credential_needs_exactly_one_owner(person):
    with pytest.raises(ValidationFailed):
        _register(person)
    with pytest.raises(ValidationFailed):
        _register(person, user=UserFactory(), unit=OrgUnitFactory())
    assert not SigningCredential.objects.exists()


def test_database_refuses_a_credential_with_two_owners(person):
    credential = _register(person, user=UserFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        SigningCredential.objects.filter(pk=credential.pk).update(unit=OrgUnitFactory())


def test_garbage_certificate_is_refused():
    with pytest.raises(ValidationFailed):
        credential_register(
            actor=None,
            backend=BackendKind.PKCS12,
            config={"path": "/x.p12", "passphrase_env": "X"},
            certificate_pem="-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----",
            user=UserFactory(),
        )


def test_same_certificate_twice_is_refused(person):
    _register(person, user=UserFactory())
    with pytest.raises(ValidationFailed):
        _register(person, user=UserFactory())
    assert SigningCredential.objects.count() == 1


def test_withdrawn_credential_is_no_longer_selected(person):
    user = UserFactory()
    credential = _register(person, user=user)
    credential_withdraw(actor=None, credential=credential, reason="Mất token")
    assert credential_for_user(user) is None
    with pytest.raises(ValidationFailed):
        credential_withdraw(actor=None, credential=credential, reason="  ")


def test_expired_certificate_is_not_selected(pki):
    user = UserFactory()
    now = datetime.datetime.now(datetime.UTC)
    old = pki.issue_person(
        "Lý Văn Khoa",
        not_before=now - datetime.timedelta(days=10),
        not_after=now - datetime.timedelta(days=1),
    )
    _register(old, user=user)
    assert credential_for_user(user) is None
    assert credential_for_user(user, at=now - datetime.timedelta(days=5)) is not None
