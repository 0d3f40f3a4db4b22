"""Canonical JSON and the event hash."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.db import transaction

from approvals.audit.hashing import canonical_json, event_hash, normalise_json, sha256_hex
from approvals.audit.services import audit_record
from approvals.exceptions import ValidationFailed


def test_canonical_json_sorts_keys_drops_whitespace_and_keeps_vietnamese():
    assert canonical_json({"b": 1, "a": [1, "Đời sống"]}) == '{"a":[1,"Đời sống"],"b":1}'.encode()


def test_integral_floats_hash_like_integers():
    # PostgreSQL's jsonb may give an integral float back as an integer
    assert canonical_json({"n": 1e20}) == canonical_json({"n": 10**20})
    assert canonical_json({"n": 2.0}) == canonical_json({"n": 2})
    assert canonical_json({"n": 0.5}) == b'{"n":0.5}'


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "nul\x00", object()])
def test_values_that_cannot_round_trip_are_refused(bad):
    with pytest.raises(ValidationFailed):
        normalise_json({"x": bad})


def test_sha256_hex():
    assert sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("index", 99),
        ("created_at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
        ("actor_id", 12345),
        ("actor_label", "Người khác"),
        ("on_behalf_of_id", 12345),
        ("capacity", "TM"),
        ("authority", "Quyết định khác"),
        ("action", "x.other"),
        ("subject_type", "testapp.other"),
        ("subject_id", "999"),
        ("subject_label", "khác"),
        ("from_state", "x"),
        ("to_state", "y"),
        ("comment", "khác"),
        ("content_hash", "a" * 64),
        ("payload", {"n": 2}),
        ("prev_hash", "b" * 64),
    ],
)
def test_every_meaningful_field_is_covered_by_the_hash(db, field, value):
    # given a recorded event
    with transaction.atomic():
        event = audit_record(
            actor=None, action="system.tick", subject=("testapp.case", "1"), payload={"n": 1}
        )
    original = event_hash(event, chain="main")
    # when one field changes / then the hash changes
    setattr(event, field, value)
    assert event_hash(event, chain="main") != original
    assert event_hash(event, chain="other") != event_hash(event, chain="main")
