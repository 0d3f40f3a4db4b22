"""A minimal guarded document and a nomination case, standing in for real processes."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvals.organisation.models import OrgUnit
from approvals.subjects import Subject


class DocumentState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    SIGNED = "signed", "Signed"


class Document(ConcurrentTransitionMixin, models.Model):
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    state = FSMField(default=DocumentState.DRAFT, choices=DocumentState.choices, protected=True)

    class Meta:
        permissions = [
            ("submit_document", "Submit document"),
            ("approve_document", "Approve document"),
            ("sign_document", "Sign document"),
        ]

    def __str__(self) -> str:
        return self.title

    def approval_subject(self) -> Subject:
        return Subject(unit=self.unit, author_ids=frozenset({self.author_id}))

    def approval_content(self) -> bytes:
        return f"{self.title}\n{self.body}".encode()

    def content_hash(self) -> str:
        return hashlib.sha256(self.approval_content()).hexdigest()

    @transition(field=state, source=DocumentState.DRAFT, target=DocumentState.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(field=state, source=DocumentState.SUBMITTED, target=DocumentState.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=state, source=DocumentState.APPROVED, target=DocumentState.SIGNED)
    def sign(self) -> None:
        pass


class Case(models.Model):
    """A nomination case: a household (resident users) or a unit is the beneficiary."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    nominee_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    residents = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True)

    class Meta:
        permissions = [("decide_case", "Decide case")]

    def __str__(self) -> str:
        return f"Case {self.pk}"

    def approval_subject(self) -> Subject:
        return Subject(
            unit=self.unit,
            beneficiary_user_ids=frozenset(self.residents.values_list("pk", flat=True)),
            beneficiary_unit_ids=frozenset({self.nominee_unit_id} if self.nominee_unit_id else ()),
        )
