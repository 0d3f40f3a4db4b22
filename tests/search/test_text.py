"""Folding, words and the marked snippets (no database)."""

from __future__ import annotations

import unicodedata

from workflows.search.text import fold, folded_words, highlight, snippet, words


def test_folding_keeps_one_character_for_each_and_drops_every_mark() -> None:
    text = "Gia đình văn hóa, văn hoá ĐOÀN KẾT Ưu tiên"
    assert fold(text) == "gia dinh van hoa, van hoa doan ket uu tien"
    assert len(fold(text)) == len(text)
    # text typed as decomposed characters (NFD) folds the same as composed text
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)


def test_words_are_letters_and_digits_only() -> None:
    assert words("01/KH-BCĐ: Kế hoạch_số 30; (a & b)") == "01 kh bcđ kế hoạch số 30 a b"
    assert folded_words("Thôn Thượng") == ["thon", "thuong"]


def test_highlight_marks_word_beginnings_and_escapes_the_rest() -> None:
    marked = highlight("<b>Hội</b> văn hóa & Hoàng", ("hoa", "hoi"))
    assert marked == (
        "&lt;b&gt;<mark>Hội</mark>&lt;/b&gt; văn <mark>hóa</mark> &amp; <mark>Hoà</mark>ng"
    )


def test_snippet_is_cut_around_the_first_match() -> None:
    text = "mở đầu " * 60 + "tổ chức Ngày hội Đại đoàn kết " + "kết thúc " * 60
    cut = snippet(text, ("ngay", "hoi"), 80)
    assert cut.startswith("… ")
    assert cut.endswith(" …")
    assert "<mark>Ngày</mark> <mark>hội</mark>" in cut
    assert len(cut) < 200
