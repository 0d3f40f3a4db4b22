"""A full year of the Văn hóa - Xã hội bloc of Vĩnh Phúc (seed 003, 2021), end to end."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from approvals.audit.models import AuditEvent, Signature
from approvals.audit.services import chain_verify, signature_verify
from approvals.calendar.models import Deadline
from approvals.regulations.services import rules_in_force
from tests.emulation.conftest import YEAR, D
from workflows.emulation.models import (
    BlocYearState,
    CovenantSignature,
    Inspection,
    ProposalState,
    Score,
    ScoreColumn,
    SignatureReminder,
    TargetKind,
)
from workflows.emulation.selectors import ranking, signing_status
from workflows.emulation.services import (
    TargetSpec,
    awards_propose,
    bloc_year_create,
    bloc_year_rotate,
    covenant_open,
    covenant_sign,
    covenant_take_effect,
    criteria_set,
    draft_comment,
    drafts_update,
    inspection_record,
    proposal_receive,
    ranking_compute,
    reminders_send,
    scores_record,
    scoring_open,
    targets_set,
)
from workflows.nominations.models import CandidateState, DossierState, Title
from workflows.nominations.services import dossier_submit

pytestmark = pytest.mark.django_db

COVENANT = (
    "Đẩy mạnh phong trào thi đua yêu nước, phấn đấu hoàn thành xuất sắc nhiệm vụ chính trị, "
    "chuyên môn năm 2021 theo chức năng, nhiệm vụ của từng đơn vị."
)
CRITERIA = [
    ("Công tác chỉ đạo, tổ chức phong trào thi đua", 20),
    ("Kết quả thực hiện nhiệm vụ chính trị, chuyên môn", 50),
    ("Công tác khen thưởng; phát hiện, nhân rộng điển hình tiên tiến", 15),
    ("Xây dựng cơ quan văn hóa; cải cách hành chính", 15),
]
#: The bloc's points per member and criterion, designed so that the ranking is known.
BLOC_POINTS = {
    "YT": (19, 48, 14, 14),  # 95
    "GDĐT": (19, 47, 14, 13),  # 93
    "BDT": (18, 47, 14, 13),  # 92
    "VHTTDL": (18, 45, 13, 14),  # 90
    "LĐTBXH": (18, 45, 13, 14),  # 90, ties with VHTTDL
    "TTTT": (17, 44, 13, 13),  # 87
    "KHCN": (17, 43, 12, 13),  # 85
    "PTTH": (16, 42, 12, 12),  # 82
    "VQGTĐ": (15, 40, 11, 12),  # 78
}


def _open_year(p):
    by = bloc_year_create(
        user=p.heads["BDT"],
        bloc=p.bloc,
        year=YEAR,
        leader=p.leader,
        deputy=p.deputy,
        members=p.members,
        theme="Đoàn kết, kỷ cương, đổi mới, sáng tạo, khát vọng phát triển",
    )
    drafts_update(
        bloc_year=by,
        user=p.heads["BDT"],
        rules_text="Quy chế hoạt động Khối thi đua Văn hóa - Xã hội",
        plan_text="Kế hoạch hoạt động Khối năm 2021",
        covenant_text=COVENANT,
    )
    criteria_set(bloc_year=by, user=p.heads["BDT"], criteria=CRITERIA)
    targets_set(
        bloc_year=by,
        user=p.heads["BDT"],
        targets=[
            TargetSpec("100% đơn vị thành viên tổ chức phát động phong trào thi đua"),
            TargetSpec(
                "100% các phòng, đơn vị thuộc đạt danh hiệu “Tập thể lao động tiên tiến” trở lên",
                TargetKind.DIVISION_TITLE_SHARE,
                Title.ADVANCED_COLLECTIVE,
                100,
            ),
        ],
    )
    return by


def test_a_full_bloc_year_from_covenant_to_nomination_dossier(vinh_phuc, clock):
    p = vinh_phuc
    # --- the leader drafts; members comment --------------------------------------------
    by = _open_year(p)
    draft_comment(
        bloc_year=by,
        user=p.heads["YT"],
        unit=p.units["YT"],
        text="Đề nghị bổ sung tiêu chí về chuyển đổi số.",
    )
    assert by.comments.count() == 1

    # --- the covenant opens with the regulation's deadline -----------------------------
    clock.to(D(YEAR, 3, 22))
    covenant_open(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 3, 22))
    by.refresh_from_db()
    assert by.state == BlocYearState.SIGNING
    period = rules_in_force("emulation_blocs", on=D(YEAR, 3, 22)).period(
        "covenant.signature_period"
    )
    assert (period.length, period.day_kind) == (10, "working")
    assert by.signature_deadline.due_on == D(YEAR, 4, 5)  # 10 working days after 22/3

    # --- eight heads sign in random order at the conference; Tam Đảo does not -------------
    late_code = "VQGTĐ"
    order = [code for code in p.units if code != late_code]
    random.Random(YEAR).shuffle(order)
    clock.to(D(YEAR, 4, 1))
    for code in order:
        signer = p.deputy_tttt if code == "TTTT" else p.heads[code]
        covenant_sign(bloc_year=by, user=signer, unit=p.units[code], on=D(YEAR, 4, 1))
    assert [s.unit.code for s in signing_status(by).signed] == order
    assert signing_status(by).unsigned == [p.units[late_code]]

    # --- nothing to remind before the deadline; one reminder after it, once a day ----------
    assert reminders_send(bloc_year=by, on=D(YEAR, 4, 5), user=p.heads["BDT"]) == []
    sent = reminders_send(bloc_year=by, on=D(YEAR, 4, 6), user=p.heads["BDT"])
    assert [(r.unit, r.days_late) for r in sent] == [(p.units[late_code], 1)]
    assert list(sent[0].recipients.all()) == [p.heads[late_code]]
    assert "Vườn quốc gia Tam Đảo" in sent[0].message
    assert reminders_send(bloc_year=by, on=D(YEAR, 4, 6)) == []  # the nightly job: nothing
    assert SignatureReminder.objects.count() == 1
    assert AuditEvent.objects.filter(action="emulation.remind_signers").count() == 1

    # --- the late signer signs; the covenant takes effect -------------------------------
    clock.to(D(YEAR, 4, 7))
    covenant_sign(bloc_year=by, user=p.heads[late_code], unit=p.units[late_code], on=D(YEAR, 4, 7))
    covenant_take_effect(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 4, 7))
    by.refresh_from_db()
    assert by.state == BlocYearState.IN_EFFECT
    assert by.effective_on == D(YEAR, 4, 7)
    assert Deadline.objects.get(pk=by.signature_deadline_id).completed_on == D(YEAR, 4, 7)
    signatures = {s.unit.code: s for s in CovenantSignature.objects.select_related("signature")}
    assert len(signatures) == 9
    assert [code for code, s in signatures.items() if s.late] == [late_code]
    assert signatures["BDT"].signature.signature_block.splitlines() == ["TRƯỞNG BAN"]
    assert signatures["TTTT"].signature.signature_block.splitlines() == [
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
    ]
    assert signatures["TTTT"].signature.capacity == "KT"
    content = by.covenant_content()
    assert all(
        signature_verify(signature=s.signature, content=content).valid for s in signatures.values()
    )

    # --- mid-year cross-inspection: each member inspected by the next one -----------------
    codes = list(p.units)
    clock.to(D(YEAR, 7, 15))
    for index, code in enumerate(codes):
        inspector = codes[(index + 1) % len(codes)]
        inspection_record(
            bloc_year=by,
            user=p.heads[inspector],
            inspecting=p.units[inspector],
            inspected=p.units[code],
            held_on=D(YEAR, 7, 15),
            findings=f"{p.units[code].name}: triển khai đầy đủ các phong trào.",
            recommendations="Đẩy mạnh nhân rộng điển hình tiên tiến.",
        )
    assert Inspection.objects.filter(bloc_year=by).count() == 9

    # --- year end: self-scores, the bloc's scores, the ranking -------------------------------
    scoring_open(bloc_year=by, user=p.heads["BDT"])
    criteria = list(by.criteria.order_by("position"))
    for code, points in BLOC_POINTS.items():
        self_points = [
            min(c.max_points, Decimal(v) + 1) for c, v in zip(criteria, points, strict=True)
        ]
        scores_record(
            bloc_year=by,
            user=p.heads[code],
            unit=p.units[code],
            column=ScoreColumn.SELF,
            points=dict(zip(criteria, self_points, strict=True)),
        )
        # the leader scores every member but itself; the deputy scores the leader
        scorer = p.heads["YT"] if code == "BDT" else p.heads["BDT"]
        scores_record(
            bloc_year=by,
            user=scorer,
            unit=p.units[code],
            column=ScoreColumn.BLOC,
            points=dict(zip(criteria, points, strict=True)),
        )
    ranked = ranking_compute(bloc_year=by, user=p.heads["BDT"])
    assert [(m.unit.code, m.rank, m.bloc_total) for m in ranked] == [
        ("YT", 1, 95),
        ("GDĐT", 2, 93),
        ("BDT", 3, 92),
        ("LĐTBXH", 4, 90),
        ("VHTTDL", 4, 90),  # a tie shares the rank
        ("TTTT", 6, 87),
        ("KHCN", 7, 85),
        ("PTTH", 8, 82),
        ("VQGTĐ", 9, 78),
    ]
    assert ranking(by)[0].self_total == 99  # 20 + 49 + 15 + 15, capped at each maximum
    by.refresh_from_db()
    assert by.state == BlocYearState.RANKED

    # --- the bloc proposes; the proposal becomes the province's nomination dossier ----------
    clock.to(D(YEAR, 12, 10))
    flag = awards_propose(
        bloc_year=by,
        user=p.heads["BDT"],
        title=Title.EMULATION_FLAG,
        units=[p.units["YT"]],
        on=D(YEAR, 12, 10),
        justification="Đơn vị dẫn đầu Khối thi đua Văn hóa - Xã hội.",
    )
    commendation = awards_propose(
        bloc_year=by,
        user=p.heads["BDT"],
        title=Title.PROVINCIAL_COMMENDATION,
        units=[p.units["GDĐT"], p.units["BDT"]],
        on=D(YEAR, 12, 10),
    )
    by.refresh_from_db()
    assert by.state == BlocYearState.PROPOSED
    assert flag.signature.signature_block.splitlines() == ["TRƯỞNG BAN"]
    assert signature_verify(signature=flag.signature, content=flag.content()).valid

    clock.to(D(YEAR, 12, 13))
    dossier = proposal_receive(proposal=flag, user=p.emulation_chief, on=D(YEAR, 12, 13))
    assert (dossier.title, dossier.year, dossier.proposing_unit, dossier.deciding_unit) == (
        Title.EMULATION_FLAG,
        YEAR,
        p.province,
        p.province,
    )
    candidate = dossier.candidates.get()
    assert (candidate.unit, candidate.state) == (p.units["YT"], CandidateState.REGISTERED)
    assert "1" in candidate.achievement_report
    assert "95" in candidate.achievement_report
    flag.refresh_from_db()
    assert (flag.state, flag.dossier) == (ProposalState.RECEIVED, dossier)

    second = proposal_receive(proposal=commendation, user=p.emulation_chief, on=D(YEAR, 12, 13))
    assert sorted(second.candidates.values_list("unit__code", flat=True)) == ["BDT", "GDĐT"]

    # the dossier goes on in the nominations process with the title's own time limit
    clock.to(D(YEAR, 12, 14))
    dossier_submit(dossier=dossier, user=p.emulation_chief, on=D(YEAR, 12, 14))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.decision_deadline.due_on == D(YEAR, 12, 28)  # 10 working days

    # every step left an event, and the chain is whole
    assert AuditEvent.objects.filter(subject_type="emulation.blocyear").count() >= 12
    assert Signature.objects.filter(subject_type="emulation.blocyear").count() == 9
    assert chain_verify().event_break is None

    # --- the next year: the deputy leads, a new deputy -----------------------------------
    next_year = bloc_year_rotate(previous=by, user=p.heads["YT"], deputy=p.units["GDĐT"])
    assert (next_year.year, next_year.leader, next_year.deputy) == (
        YEAR + 1,
        p.units["YT"],
        p.units["GDĐT"],
    )
    assert next_year.memberships.count() == 9


def test_scores_are_kept_per_column_and_replaced_when_corrected(vinh_phuc, clock):
    p = vinh_phuc
    by = _open_year(p)
    clock.to(D(YEAR, 3, 22))
    covenant_open(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 3, 22))
    clock.to(D(YEAR, 3, 25))
    for code, unit in p.units.items():
        signer = p.deputy_tttt if code == "TTTT" else p.heads[code]
        covenant_sign(bloc_year=by, user=signer, unit=unit, on=D(YEAR, 3, 25))
    clock.to(D(YEAR, 3, 26))
    covenant_take_effect(bloc_year=by, user=p.heads["BDT"], on=D(YEAR, 3, 26))
    scoring_open(bloc_year=by, user=p.heads["BDT"])
    first = by.criteria.get(position=1)
    scores_record(
        bloc_year=by,
        user=p.heads["KHCN"],
        unit=p.units["KHCN"],
        column=ScoreColumn.SELF,
        points={first: 18},
    )
    scores_record(
        bloc_year=by,
        user=p.heads["KHCN"],
        unit=p.units["KHCN"],
        column=ScoreColumn.SELF,
        points={first: "17.5"},
    )
    assert Score.objects.get(unit=p.units["KHCN"], criterion=first).points == Decimal("17.5")
    assert AuditEvent.objects.filter(action="emulation.score_self").count() == 2
