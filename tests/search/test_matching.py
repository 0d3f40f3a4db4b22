"""What the search finds: words without accents, số/ký hiệu in every form, in rank order,
through the same permissions as the lists, current at once (both databases)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from approvals.registers.models import DocumentKind
from tests.search.conftest import DAY, found, hits, new_plan, seed_004_content, to_signature
from workflows.plans.services import plan_edit, plan_issue, plan_sign
from workflows.search import selectors
from workflows.search.models import EntryKind, SearchEntry
from workflows.search.query import QueryError, parse
from workflows.search.selectors import Filters, search_entries, search_facets

pytestmark = pytest.mark.django_db

DOC = EntryKind.DOCUMENT


def _plan(p: Any, subject: str, *, body: str = "", **overrides: Any) -> Any:
    content = seed_004_content(p)
    content["subject_summary"] = subject
    if body:
        content["sections"][0]["paragraphs"] = [body]
    with freeze_time("2024-01-29 09:00"):
        return new_plan(p, content=content, **overrides)


def _issued(p: Any, plan: Any) -> Any:
    with freeze_time("2024-02-05 08:00"):
        to_signature(p, plan)
        plan_sign(plan=plan, user=p.user("pgd.ldtbxh"), seen_revision=1)
        plan_issue(plan=plan, user=p.user("vanthu.ldtbxh"))
    plan.refresh_from_db()
    return plan


def test_queries_without_accents_or_case_find_what_accented_ones_find(province, drafter):
    plan = _plan(province, "Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2024")
    accented = found(drafter, "Ngày hội Đại đoàn kết")
    assert (DOC, plan.pk) in accented
    for typed in ("ngay hoi dai doan ket", "NGAY HOI DAI DOAN KET", "ngày HỘI đai đoan kêt"):
        assert found(drafter, typed) == accented
    # "D" finds "Đ" and both tone placements of "hóa"/"hoá" are one word
    assert (DOC, plan.pk) in found(drafter, "Dai doan ket")
    assert found(drafter, "văn hóa") == found(drafter, "văn hoá") == found(drafter, "van hoa")
    assert (DOC, plan.pk) in found(drafter, "van hoa")


def test_words_match_in_any_order_and_every_word_must_match(province, drafter):
    plan = _plan(province, "Kế hoạch tổ chức Ngày hội Đại đoàn kết")
    assert (DOC, plan.pk) in found(drafter, "doan ket ngay hoi")
    assert (DOC, plan.pk) not in found(drafter, "doan ket khongcotu")
    # a word is a whole word (a syllable): "doa" is not "đoàn", "an" not "anh"
    assert (DOC, plan.pk) not in found(drafter, "doa ke")
    assert (DOC, plan.pk) not in found(drafter, "ngay ho")


def test_every_form_of_the_number_and_symbol_finds_the_issued_plan_first(province, drafter):
    plan = _issued(province, _plan(province, "Kế hoạch thực hiện phong trào năm 2024"))
    symbol = plan.register_entry.symbol
    assert symbol == "01/KH-LĐTĐ&XH"
    for typed in (
        "01/KH-LĐTĐ&XH",
        "1/KH-LĐTĐ&XH",
        "01/kh-ldtd&xh",
        "KH-LĐTĐ&XH",
        "01",
        "1",
        "1/KH",
        "01/2024/KH-LĐTĐ&XH",
        "01/KH-LĐTĐ&XH 2024",
        "Số: 01/KH-LĐTĐ&XH",
    ):
        assert found(drafter, typed)[:1] == [(DOC, plan.pk)], typed
    for other in ("02/KH-LĐTĐ&XH", "1/QĐ", "01/2023/KH-LĐTĐ&XH", "2/KH"):
        assert (DOC, plan.pk) not in found(drafter, other), other
    # found by its new state at once (the state is read from the plan, not the index)
    in_force = Filters(state="in_force")
    assert found(drafter, "01/KH-LĐTĐ&XH", filters=in_force) == [(DOC, plan.pk)]
    assert found(drafter, "01/KH-LĐTĐ&XH", filters=Filters(state="draft")) == []
    shown = hits(drafter, "01/KH-LĐTĐ&XH")[0]
    assert (shown.symbol, shown.exact) == (symbol, True)
    # the symbol's letters are not marked inside words ("kh" of "Kế hoạch thực hiện")
    assert "<mark>" not in shown.subject


def test_ranking_puts_the_number_first_then_the_subject_then_the_body(province, drafter):
    in_body = _plan(province, "Kế hoạch công tác năm 2024", body="Tổ chức hội thi Quýt Hồng.")
    in_subject = _plan(province, "Kế hoạch hội thi Quýt Hồng năm 2024")
    _plan(province, "Kế hoạch hội thi Quýtt Hồngg năm 2024")  # other words: not a hit
    assert found(drafter, "quyt hong") == [(DOC, in_subject.pk), (DOC, in_body.pk)]
    numbered = _issued(province, _plan(province, "Kế hoạch số một, Quýt Hồng ở thân bài"))
    assert found(drafter, "01 quyt hong")[:1] == [(DOC, numbered.pk)]


def test_a_user_of_another_unit_finds_nothing_and_every_count_is_zero(province, drafter):
    _plan(province, "Kế hoạch hội thi Quýt Hồng năm 2024")
    assert found(drafter, "quyt hong")
    for username in ("gd.vhttdl", "truongthon.thuong", "chutich.damai", "thuky.bcd"):
        outsider = province.user(username)
        entries = search_entries(user=outsider, day=DAY, query=parse("quyt hong"))
        assert entries.count() == 0, username
        assert not any(search_facets(entries).values()), username


def test_filters_narrow_by_kind_state_year_date_and_agency(province, drafter):
    letter = _plan(
        province,
        "Công văn về hội thi Quýt Hồng",
        kind=DocumentKind.objects.get(code="official_letter"),
    )
    plan = _plan(province, "Kế hoạch hội thi Quýt Hồng năm 2024")
    both = {(DOC, letter.pk), (DOC, plan.pk)}
    assert set(found(drafter, "quyt hong")) == both
    only_plans = Filters(document_kind="plan")
    assert found(drafter, "quyt hong", filters=only_plans) == [(DOC, plan.pk)]
    assert set(found(drafter, "quyt hong", filters=Filters(state="draft"))) == both
    assert found(drafter, "quyt hong", filters=Filters(state="in_force")) == []
    assert found(drafter, "quyt hong", filters=Filters(year=2023)) == []
    assert found(drafter, "quyt hong", filters=Filters(kinds=frozenset({"household"}))) == []
    late = Filters(date_from=DAY)
    assert found(drafter, "quyt hong", filters=late) == []
    elsewhere = Filters(agency=province.unit("Sở Văn hóa, Thể thao và Du lịch"))
    assert found(drafter, "quyt hong", filters=elsewhere) == []


def test_an_edit_is_found_at_once_and_the_old_words_are_gone(province, drafter):
    plan = _plan(province, "Kế hoạch hội thi Quýt Hồng năm 2024")
    content = seed_004_content(province)
    content["subject_summary"] = "Kế hoạch liên hoan Bưởi Diễn năm 2024"
    with freeze_time("2024-01-30 09:00"):
        plan_edit(plan=plan, user=drafter, content=content)
    assert found(drafter, "buoi dien") == [(DOC, plan.pk)]
    assert found(drafter, "quyt hong") == []


def test_households_by_name_village_and_code(province):
    from workflows.nominations.imports import households_import

    village = province.unit("Thôn Thượng")
    head = province.user("truongthon.thuong")
    rows = "code,head_name,address\nTT-901,Nguyễn Văn An,Xóm Giữa\nTT-902,Nguyễn Văn Anh,Xóm Đầu\n"
    households_import(village=village, user=head, data=rows.encode(), filename="ho.csv")
    elsewhere = province.unit("Thôn Hạ")
    households_import(
        village=elsewhere,
        user=province.user("truongthon.ha"),
        data=b"code,head_name\nTH-901,Nguyen Van An\n",
        filename="ho.csv",
    )
    an, anh = (
        SearchEntry.objects.get(kind=EntryKind.HOUSEHOLD, label__startswith=code).object_id
        for code in ("TT-901", "TT-902")
    )
    today = timezone.localdate()
    hits_ = found(head, "Nguyễn Văn An thôn Thượng", day=today)
    # the whole name, not "Anh" (another word); the other village's An is neither in the
    # words nor in the village head's reach
    assert hits_ == [(EntryKind.HOUSEHOLD, an)]
    assert found(head, "Nguyễn Văn Anh", day=today) == [(EntryKind.HOUSEHOLD, anh)]
    assert found(head, "nguyen van an thon thuong", day=today) == hits_
    assert found(head, "TT-901", day=today) == [(EntryKind.HOUSEHOLD, an)]
    commune_officer = province.user("vanhoa.tandinh")
    # the commune's officer reads both villages: both An, still not Anh
    officers = found(commune_officer, "nguyen van an", day=today)
    assert len(officers) == 2
    assert (EntryKind.HOUSEHOLD, an) in officers
    shown = hits(head, "Nguyễn Văn An thôn Thượng", day=today)[0]
    assert "<mark>Nguyễn</mark> <mark>Văn</mark> <mark>An</mark>" in shown.subject


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "!!! ??? ...", "&|!():*", "''"],
)
def test_empty_or_punctuation_only_queries_find_nothing(province, drafter, typed):
    _plan(province, "Kế hoạch hội thi Quýt Hồng năm 2024")
    query = parse(typed)
    assert query.empty
    assert search_entries(user=drafter, day=DAY, query=query).count() == 0


@pytest.mark.parametrize(
    "typed",
    [
        "a & | !",
        "quyt & | ! hong",
        "quyt:* & !hong",
        "'; DROP TABLE search_searchentry; --",
        "quyt' OR 1=1 --",
        "%_%",
        "\\",
        "quyt\x00hong",
    ],
)
def test_query_syntax_and_sql_are_only_text(province, drafter, typed):
    plan = _plan(province, "Kế hoạch hội thi Quýt Hồng năm 2024")
    found(drafter, typed)  # runs, whatever it finds
    assert (DOC, plan.pk) in found(drafter, "quyt hong")
    assert SearchEntry.objects.filter(kind=DOC, object_id=plan.pk).exists()


def test_too_long_or_too_many_words_is_refused_with_the_reason(settings):
    with pytest.raises(QueryError, match="200"):
        parse("a" * 10_000)
    with pytest.raises(QueryError, match="12"):
        parse(" ".join(f"w{i}" for i in range(13)))
    settings.SEARCH_LIMITS = {"max_chars": 5, "max_terms": 2}
    with pytest.raises(QueryError, match="5"):
        parse("abcdef")


def test_the_reindex_command_rebuilds_the_same_index(province, drafter):
    plan = _issued(province, _plan(province, "Kế hoạch hội thi Quýt Hồng năm 2024"))
    before = {
        row[0:2]: row
        for row in SearchEntry.objects.values_list(
            "kind", "object_id", "words", "number", "notation", "symbol", "dated"
        )
    }
    SearchEntry.objects.all().delete()
    call_command("search_reindex", stdout=StringIO())
    after = {
        row[0:2]: row
        for row in SearchEntry.objects.values_list(
            "kind", "object_id", "words", "number", "notation", "symbol", "dated"
        )
    }
    assert set(after) == set(before)
    # the rebuilt row holds the same words (order aside) and number
    for key, row in before.items():
        assert set(after[key][2].split()) == set(row[2].split()), key
        assert after[key][3:] == row[3:], key
    assert found(drafter, "01/KH-LĐTĐ&XH")[:1] == [(DOC, plan.pk)]


@pytest.mark.postgres
def test_postgres_matches_words_from_its_full_text_index(province, drafter):
    # a kind's words are answered from that kind's GIN index over the stored vector (a seq
    # scan ruled out, and the two btrees on the kind dropped inside the test's transaction:
    # on a few rows PG would rather read those)
    _plan(province, "Kế hoạch hội thi Quýt Hồng năm 2024")
    entries = SearchEntry.objects.filter(kind=DOC).filter(selectors._words_q(("quyt", "hong")))
    assert entries.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX search_entry_kind_dated")
        cursor.execute("ALTER TABLE search_searchentry DROP CONSTRAINT search_entry_unique")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = entries.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_entry_words_document" in plan, plan
