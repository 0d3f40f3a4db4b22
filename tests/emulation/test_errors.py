"""Refusals: each raises its specific error and changes nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from approvals.audit.models import AuditEvent, Signature
from approvals.exceptions import ActionNotPermitted, InvalidTransition, ValidationFailed
from tests.emulation.conftest import YEAR, D
from tests.emulation.test_bloc_year import _open_year
from workflows.emulation.exceptions import (
    AlreadySigned,
    NotBlocMember,
    ScoreAboveMaximum,
    ScoresIncomplete,
    SelfScoringRefused,
    SignatureMissing,
)
from workflows.emulation.models import (
    BlocYearState,
    CovenantSignature,
    Inspection,
    Score,
    ScoreColumn,
)
from workflows.emulation.services import (
    covenant_open,
    covenant_sign,
    covenant_take_effect,
    criteria_set,
    draft_comment,
    inspection_record,
    ranking_compute,
    scores_record,
    scoring_open,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing(vinh_phuc, clock):
    """Opened on 22/03; the members then sign on 25/03, entered on 26/03 (within a
    meeting's grace), the day the covenant takes effect."""
    by = _open_year(vinh_phuc)
    clock.to(D(YEAR, 3, 22))
    covenant_open(bloc_year=by, user=vinh_phuc.heads["BDT"], on=D(YEAR, 3, 22))
    clock.to(D(YEAR, 3, 26))
    return by


def _sign_all(p, by, *, but=()):
    for code, unit in p.units.items():
        if code in but:
            continue
        signer = p.deputy_tttt if code == "TTTT" else p.heads[code]
        covenant_sign(bloc_year=by, user=signer, unit=unit, on=D(YEAR, 3, 25))


@pytest.fixture
def scoring(vinh_phuc, signing):
    _sign_all(vinh_phuc, signing)
    covenant_take_effect(bloc_year=signing, user=vinh_phuc.heads["BDT"], on=D(YEAR, 3, 26))
    scoring_open(bloc_year=signing, user=vinh_phuc.heads["BDT"])
    return signing


def _events() -> int:
    return AuditEvent.objects.count()


def test_covenant_cannot_take_effect_with_a_missing_signature(vinh_phuc, signing, clock):
    p, by = vinh_phuc, signing
    clock.to(D(YEAR, 4, 2))
    _sign_all(p, by, but=("PTTH",))
    before = _events()
    with pytest.raises(SignatureMissing) as exc:
        covenant_take_effect(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 4, 2))
    assert exc.value.code == "signature_missing"
    assert str(exc.value).startswith("Giao ước chưa thể có hiệu lực")  # Vietnamese first
    with translation.override("en"), pytest.raises(SignatureMissing) as exc:
        covenant_take_effect(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 4, 2))
    assert str(exc.value).startswith("The covenant cannot take effect")
    assert "Đài Phát thanh và Truyền hình tỉnh" in str(exc.value)
    by.refresh_from_db()
    assert (by.state, by.effective_on) == (BlocYearState.SIGNING, None)
    assert by.signature_deadline.completed_on is None
    assert _events() == before


def test_a_unit_outside_the_bloc_cannot_sign(vinh_phuc, signing):
    p, by = vinh_phuc, signing
    before = _events()
    with pytest.raises(NotBlocMember) as exc:
        covenant_sign(bloc_year=by, user=p.outsider_head, unit=p.outsider, on=D(YEAR, 3, 25))
    assert exc.value.code == "not_bloc_member"
    assert "Sở Tư pháp" in str(exc.value)
    assert not CovenantSignature.objects.exists()
    assert not Signature.objects.exists()
    assert _events() == before


def test_a_head_cannot_sign_for_another_member_nor_a_drafter_for_his_own(vinh_phuc, signing):
    p, by = vinh_phuc, signing
    before = _events()
    # wrong unit: the director of Sở Y tế for Sở GD&ĐT
    with pytest.raises(ActionNotPermitted) as exc:
        covenant_sign(bloc_year=by, user=p.heads["YT"], unit=p.units["GDĐT"], on=D(YEAR, 3, 25))
    assert "Sở Giáo dục và Đào tạo" in str(exc.value)
    # wrong role: a drafter of Sở GD&ĐT
    with pytest.raises(ActionNotPermitted):
        covenant_sign(bloc_year=by, user=p.drafter_gddt, unit=p.units["GDĐT"], on=D(YEAR, 3, 25))
    # the outsider's head for a member
    with pytest.raises(ActionNotPermitted):
        covenant_sign(bloc_year=by, user=p.outsider_head, unit=p.units["GDĐT"], on=D(YEAR, 3, 25))
    assert not CovenantSignature.objects.exists()
    assert _events() == before


def test_a_member_signs_once(vinh_phuc, signing):
    p, by = vinh_phuc, signing
    covenant_sign(bloc_year=by, user=p.heads["YT"], unit=p.units["YT"], on=D(YEAR, 3, 25))
    with pytest.raises(AlreadySigned):
        covenant_sign(bloc_year=by, user=p.heads["YT"], unit=p.units["YT"], on=D(YEAR, 3, 26))
    assert CovenantSignature.objects.count() == 1


def test_only_the_leader_leads_and_drafts_freeze_once_open(vinh_phuc, clock):
    p = vinh_phuc
    by = _open_year(p)
    clock.to(D(YEAR, 3, 22))
    with pytest.raises(ActionNotPermitted):
        covenant_open(bloc_year=by, user=p.heads["GDĐT"], on=D(YEAR, 3, 22))
    with pytest.raises(NotBlocMember):
        draft_comment(bloc_year=by, user=p.outsider_head, unit=p.outsider, text="Góp ý")
    by.refresh_from_db()
    assert by.state == BlocYearState.DRAFTING
    covenant_open(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 3, 22))
    with pytest.raises(InvalidTransition):
        criteria_set(bloc_year=by, user=p.heads["BDT"], criteria=[("Tiêu chí mới", 10)])
    assert by.criteria.count() == 4


def test_scores_above_a_criterion_maximum_are_refused(vinh_phuc, scoring):
    p, by = vinh_phuc, scoring
    first, second = by.criteria.order_by("position")[:2]
    before = _events()
    with pytest.raises(ScoreAboveMaximum) as exc:
        scores_record(
            bloc_year=by,
            user=p.heads["GDĐT"],
            unit=p.units["GDĐT"],
            column=ScoreColumn.SELF,
            points={first: 20, second: "50.5"},
        )
    assert exc.value.code == "score_above_maximum"
    assert "50.5" in str(exc.value)
    assert "50" in str(exc.value)
    assert not Score.objects.exists()  # the valid first criterion was not kept either
    assert _events() == before


def test_a_member_cannot_score_itself_in_the_blocs_column(vinh_phuc, scoring):
    p, by = vinh_phuc, scoring
    first = by.criteria.get(position=1)
    before = _events()
    # the leader's head on the leader unit
    with pytest.raises(SelfScoringRefused) as exc:
        scores_record(
            bloc_year=by,
            user=p.heads["BDT"],
            unit=p.units["BDT"],
            column=ScoreColumn.BLOC,
            points={first: 18},
        )
    assert exc.value.code == "self_scoring"
    assert "Ban Dân tộc" in str(exc.value)
    # the deputy's head on the deputy unit
    with pytest.raises(SelfScoringRefused):
        scores_record(
            bloc_year=by,
            user=p.heads["YT"],
            unit=p.units["YT"],
            column=ScoreColumn.BLOC,
            points={first: 18},
        )
    # an ordinary member scoring in the bloc's column at all
    with pytest.raises(ActionNotPermitted):
        scores_record(
            bloc_year=by,
            user=p.heads["KHCN"],
            unit=p.units["TTTT"],
            column=ScoreColumn.BLOC,
            points={first: 18},
        )
    # and nobody self-scores for another member
    with pytest.raises(ActionNotPermitted):
        scores_record(
            bloc_year=by,
            user=p.heads["KHCN"],
            unit=p.units["TTTT"],
            column=ScoreColumn.SELF,
            points={first: 18},
        )
    assert not Score.objects.exists()
    assert _events() == before
    # the deputy scores the leader
    scores_record(
        bloc_year=by,
        user=p.heads["YT"],
        unit=p.units["BDT"],
        column=ScoreColumn.BLOC,
        points={first: 18},
    )
    assert Score.objects.get().scored_by == p.heads["YT"]


def test_ranking_needs_every_score(vinh_phuc, scoring):
    p, by = vinh_phuc, scoring
    first = by.criteria.get(position=1)
    scores_record(
        bloc_year=by,
        user=p.heads["KHCN"],
        unit=p.units["KHCN"],
        column=ScoreColumn.SELF,
        points={first: 18},
    )
    with pytest.raises(ScoresIncomplete) as exc:
        ranking_compute(bloc_year=by, user=p.heads["BDT"])
    assert "Sở Khoa học và Công nghệ" in str(exc.value)
    by.refresh_from_db()
    assert by.state == BlocYearState.SCORING
    assert not by.memberships.filter(rank__isnull=False).exists()


def test_cross_inspection_refusals(vinh_phuc, scoring):
    p, by = vinh_phuc, scoring
    # scoring has begun: inspections belong to the year while the covenant is in effect
    with pytest.raises(InvalidTransition):
        inspection_record(
            bloc_year=by,
            user=p.heads["YT"],
            inspecting=p.units["YT"],
            inspected=p.units["KHCN"],
            held_on=D(YEAR, 7, 1),
            findings="Tốt",
        )
    assert not Inspection.objects.exists()


def test_inspection_by_a_non_member_or_of_oneself_is_refused(vinh_phuc, signing, clock):
    p, by = vinh_phuc, signing
    _sign_all(p, by)
    covenant_take_effect(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 3, 26))
    clock.to(D(YEAR, 7, 1))
    with pytest.raises(NotBlocMember):
        inspection_record(
            bloc_year=by,
            user=p.outsider_head,
            inspecting=p.outsider,
            inspected=p.units["KHCN"],
            held_on=D(YEAR, 7, 1),
            findings="Tốt",
        )
    with pytest.raises(ActionNotPermitted):
        inspection_record(
            bloc_year=by,
            user=p.heads["YT"],
            inspecting=p.units["GDĐT"],
            inspected=p.units["KHCN"],
            held_on=D(YEAR, 7, 1),
            findings="Tốt",
        )
    with pytest.raises(ValidationFailed):
        inspection_record(
            bloc_year=by,
            user=p.heads["YT"],
            inspecting=p.units["YT"],
            inspected=p.units["YT"],
            held_on=D(YEAR, 7, 1),
            findings="Tốt",
        )
    assert not Inspection.objects.exists()
