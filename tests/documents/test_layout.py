"""The layout data and the spec read from the regulation's rules."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest

from approvals.regulations.services import rules_in_force
from tests.documents.samples import layout_rules, plan_layout
from workflows.documents import LayoutRuleMissing, LayoutSpec, layout_spec_from_rules


def test_spec_reads_every_field_from_its_layout_rule():
    # given
    rules = layout_rules()
    # when
    spec = layout_spec_from_rules(rules)
    # then
    for spec_field in dataclasses.fields(LayoutSpec):
        assert getattr(spec, spec_field.name) == rules[f"layout.{spec_field.name}"]
    assert spec.content_width_mm == spec.page_width_mm - spec.margin_left_mm - spec.margin_right_mm


def test_spec_refuses_a_missing_rule():
    rules = layout_rules()
    del rules["layout.margin_top_mm"]
    with pytest.raises(LayoutRuleMissing, match=r"layout\.margin_top_mm"):
        layout_spec_from_rules(rules)


@pytest.mark.parametrize(
    ("key", "value"),
    [("layout.body_font_pt", "14"), ("layout.body_font_pt", True), ("layout.font_name", 13)],
)
def test_spec_refuses_a_value_of_the_wrong_type(key, value):
    rules = {**layout_rules(), key: value}
    with pytest.raises(LayoutRuleMissing, match=re.escape(key)):
        layout_spec_from_rules(rules)


@pytest.mark.django_db
def test_spec_comes_from_the_document_work_regulation_in_force():
    # given: the rules seeded by migration 0003 on the latest "document_work" version
    rules = rules_in_force("document_work", on=datetime.date(2026, 1, 1))
    # when
    spec = layout_spec_from_rules(rules)
    # then: A4 and the margins of Decree 30/2020 Phụ lục I
    assert (spec.page_width_mm, spec.page_height_mm) == (210, 297)
    assert 20 <= spec.margin_top_mm <= 25
    assert 20 <= spec.margin_bottom_mm <= 25
    assert 30 <= spec.margin_left_mm <= 35
    assert 15 <= spec.margin_right_mm <= 20
    assert spec.font_name == "Times New Roman"
    assert 13 <= spec.body_font_pt <= 14
    assert 12 <= spec.national_title_font_pt <= 13
    assert (spec.recipients_heading_font_pt, spec.recipients_font_pt) == (12, 11)
    assert 100 <= spec.line_spacing_percent <= 150
    margin = rules.rule("layout.margin_left_mm")
    assert margin.confirmed
    assert margin.basis == "NĐ 30/2020/NĐ-CP, Phụ lục I"
    # the column split is house style, not law
    assert not rules.rule("layout.header_left_percent").confirmed
    # and the seeded values are the ones the non-database tests use
    assert spec == layout_spec_from_rules(layout_rules())


def test_recipient_lines_end_with_semicolons_and_a_full_stop():
    # given: punctuation given or not, with or without the dash
    layout = plan_layout(recipients=["- Sở Văn hóa - TT&DL;", "Lãnh đạo Sở", "Lưu: VT, VP."])
    # when / then
    assert layout.recipient_lines() == [
        "- Sở Văn hóa - TT&DL;",
        "- Lãnh đạo Sở;",
        "- Lưu: VT, VP.",
    ]


def test_an_official_letter_has_no_kind_title_and_a_v_v_subject():
    letter = plan_layout(kind_title="", subject_summary="Triển khai Phong trào năm 2024")
    assert letter.is_letter
    assert letter.letter_subject() == "V/v Triển khai Phong trào năm 2024"
    assert plan_layout(kind_title="", subject_summary="V/v báo cáo").letter_subject() == (
        "V/v báo cáo"
    )
    assert not plan_layout().is_letter
