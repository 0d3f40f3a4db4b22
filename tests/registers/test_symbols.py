"""Number, symbol and date line (Decree 30/2020, Phụ lục I); pure functions, no database."""

from __future__ import annotations

import datetime
import re

import pytest

from approvals.exceptions import InvalidSymbol
from approvals.registers.symbols import (
    ParsedSymbol,
    format_number,
    format_place_date,
    format_symbol,
    number_line,
    parse_symbol,
)

KNOWN = {"KH", "QĐ", "BC", "TTr", "BB", "TB", "HD", "CTr", "ĐA", "GM", "QyĐ"}
PADDED_MONTHS = [1, 2]


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "01"), (5, "05"), (9, "09"), (10, "10"), (99, "99"), (123, "123"), (4197, "4197")],
)
def test_number_below_ten_has_a_leading_zero(number, expected):
    # given / when / then
    assert format_number(number, min_digits=2) == expected


def test_number_zero_is_refused():
    # when / then
    with pytest.raises(InvalidSymbol) as caught:
        format_number(0, min_digits=2)
    assert caught.value.params["problem"] == "number_not_positive"


def test_plan_of_the_steering_committee_is_30_kh_bcd():
    # when
    symbol = format_symbol(number=30, kind_abbreviation="KH", issuer_code="BCĐ", min_digits=2)
    # then
    assert symbol == "30/KH-BCĐ"


def test_single_digit_number_in_a_symbol_is_zero_padded():
    # when
    symbol = format_symbol(number=7, kind_abbreviation="QĐ", issuer_code="UBND", min_digits=2)
    # then
    assert symbol == "07/QĐ-UBND"


def test_official_letter_symbol_is_issuer_and_drafting_unit():
    # when
    symbol = format_symbol(
        number=582,
        kind_abbreviation="",
        issuer_code="UBND",
        drafting_unit_code="KGVX",
        min_digits=2,
    )
    # then
    assert symbol == "582/UBND-KGVX"


def test_official_letter_without_drafting_unit_is_refused():
    # when / then
    with pytest.raises(InvalidSymbol, match="drafting unit") as caught:
        format_symbol(number=1, kind_abbreviation="", issuer_code="UBND", min_digits=2)
    assert caught.value.params["problem"] == "missing_drafting_unit"


def test_draft_leaves_the_number_blank():
    # when
    symbol = format_symbol(number=None, kind_abbreviation="KH", issuer_code="LĐTĐ&XH", min_digits=2)
    # then
    assert symbol == "    /KH-LĐTĐ&XH"


def test_number_line_prefixes_so():
    # when
    line = number_line(number=30, kind_abbreviation="KH", issuer_code="BCĐ", min_digits=2)
    # then
    assert line == "Số: 30/KH-BCĐ"


def test_code_with_a_space_cannot_be_formatted():
    # when / then
    with pytest.raises(InvalidSymbol) as caught:
        format_symbol(number=1, kind_abbreviation="KH", issuer_code="BC Đ", min_digits=2)
    assert caught.value.params["problem"] == "invalid_code"


def test_date_line_pads_day_below_ten_and_february():
    # when
    line = format_place_date(
        "Bắc Giang", datetime.date(2024, 2, 5), zero_padded_months=PADDED_MONTHS
    )
    # then
    assert line == "Bắc Giang, ngày 05 tháng 02 năm 2024"


def test_date_line_does_not_pad_march():
    # when
    line = format_place_date(
        "Bắc Giang", datetime.date(2024, 3, 15), zero_padded_months=PADDED_MONTHS
    )
    # then
    assert line == "Bắc Giang, ngày 15 tháng 3 năm 2024"


def test_date_line_pads_january_but_not_november():
    # when
    january = format_place_date("Hà Nội", datetime.date(2025, 1, 9), zero_padded_months=[1, 2])
    november = format_place_date("Hà Nội", datetime.date(2021, 11, 23), zero_padded_months=[1, 2])
    # then
    assert january == "Hà Nội, ngày 09 tháng 01 năm 2025"
    assert november == "Hà Nội, ngày 23 tháng 11 năm 2021"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30/KH-BCĐ", ParsedSymbol(30, "KH", "BCĐ")),
        ("4197/KH-UBND", ParsedSymbol(4197, "KH", "UBND")),
        ("05/TTr-LĐTĐ&XH", ParsedSymbol(5, "TTr", "LĐTĐ&XH")),
        ("12/QĐ-UBND-VX", ParsedSymbol(12, "QĐ", "UBND", "VX")),
    ],
)
def test_valid_symbols_are_read(text, expected):
    # when
    parsed = parse_symbol(text, min_digits=2, known_abbreviations=KNOWN)
    # then
    assert parsed == expected


def test_official_letter_is_read_without_abbreviation():
    # when
    parsed = parse_symbol("582/UBND-KGVX", min_digits=2, official_letter=True)
    # then
    assert parsed == ParsedSymbol(582, "", "UBND", "KGVX")
    assert parsed.is_official_letter


def test_draft_is_read_with_a_blank_number_when_allowed():
    # when
    parsed = parse_symbol("    /KH-LĐTĐ&XH", min_digits=2, allow_draft=True)
    # then
    assert parsed.is_draft
    assert parsed.issuer_code == "LĐTĐ&XH"


def test_parsed_symbol_formats_back_to_the_same_text():
    # given
    parsed = parse_symbol("09/BB-BCĐ", min_digits=2)
    # when
    text = format_symbol(
        number=parsed.number,
        kind_abbreviation=parsed.kind_abbreviation,
        issuer_code=parsed.issuer_code,
        min_digits=2,
    )
    # then
    assert text == "09/BB-BCĐ"


@pytest.mark.parametrize(
    ("text", "problem", "message"),
    [
        ("30 /KH-BCĐ", "spaces", "without spaces"),
        ("30/KH - BCĐ", "spaces", "without spaces"),
        ("30/KH-BCĐ ", "spaces", "without spaces"),
        ("30-KH-BCĐ", "missing_slash", "“/” must separate"),
        ("30/KHBCĐ", "missing_dash", "“-” must separate"),
        ("3O/KH-BCĐ", "number_not_digits", "Arabic digits"),
        ("XXX/KH-BCĐ", "number_not_digits", "Arabic digits"),
        ("5/KH-BCĐ", "missing_leading_zero", "leading 0 (“05”)"),
        ("005/KH-BCĐ", "extra_leading_zeros", "too many leading zeros"),
        ("00/KH-BCĐ", "number_not_positive", "start at 1"),
        ("/KH-BCĐ", "missing_number", "number is missing"),
        ("30/KH-", "empty_part", "empty part"),
        ("30/-BCĐ", "empty_part", "empty part"),
        ("30/KH-BC.Đ", "invalid_code", "letters, digits"),
        ("30/XY-BCĐ", "unknown_abbreviation", "“XY” is not a known document kind abbreviation"),
        ("30/KH-UBND-VX-P1", "too_many_parts", "too many parts"),
        ("", "empty", "empty"),
    ],
)
def test_invalid_symbol_is_refused_with_its_specific_message(text, problem, message):
    # when / then
    with pytest.raises(InvalidSymbol, match=re.escape(message)) as caught:
        parse_symbol(text, min_digits=2, known_abbreviations=KNOWN)
    assert caught.value.params["problem"] == problem


def test_draft_number_is_refused_unless_allowed():
    # when / then
    with pytest.raises(InvalidSymbol) as caught:
        parse_symbol("    /KH-BCĐ", min_digits=2)
    assert caught.value.params["problem"] == "spaces"


def test_unknown_abbreviation_is_accepted_without_a_known_set():
    # when
    parsed = parse_symbol("30/XY-BCĐ", min_digits=2)
    # then
    assert parsed.kind_abbreviation == "XY"


def test_official_letter_starting_with_a_kind_abbreviation_is_refused():
    # when / then
    with pytest.raises(InvalidSymbol, match="has no document kind abbreviation") as caught:
        parse_symbol("30/KH-BCĐ", min_digits=2, known_abbreviations=KNOWN, official_letter=True)
    assert caught.value.params["problem"] == "abbreviation_on_official_letter"
