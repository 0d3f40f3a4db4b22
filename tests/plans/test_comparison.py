"""The comparison of two revisions: words marked, text escaped, only the changed parts."""

from __future__ import annotations

from typing import Any

from workflows.plans.comparison import revision_changes, words_html


def _content(**changes: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "subject_summary": "Kế hoạch năm 2024",
        "basis": ["Căn cứ Kế hoạch của tỉnh."],
        "sections": [
            {"heading": "I. MỤC ĐÍCH", "paragraphs": ["Đẩy mạnh phong trào."], "items": []},
            {"heading": "II. NỘI DUNG", "paragraphs": ["Tổ chức hội nghị."], "items": []},
        ],
        "recipients": ["Lưu: VT."],
    }
    content.update(changes)
    return content


def test_changed_words_are_marked_and_the_rest_is_plain() -> None:
    html = words_html("Đẩy mạnh phong trào.", "Đẩy mạnh hơn nữa phong trào thi đua.")
    assert html == "Đẩy mạnh <ins>hơn nữa </ins>phong <del>trào.</del><ins>trào thi đua.</ins>"


def test_text_is_escaped() -> None:
    html = words_html("a", "<script>x</script> a")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_only_the_changed_sections_are_given_with_their_headings() -> None:
    old = _content()
    new = _content()
    new["sections"] = [dict(old["sections"][0]), dict(old["sections"][1])]
    new["sections"][1] = {
        "heading": "II. NỘI DUNG",
        "paragraphs": ["Tổ chức hai hội nghị."],
        "items": [],
    }
    changes = revision_changes(old, new)
    assert [part.title for part in changes] == ["II. NỘI DUNG"]
    assert "<ins>hai </ins>" in changes[0].html
    assert "@@" not in changes[0].html
    assert "+++" not in changes[0].html


def test_a_section_added_or_removed_is_wholly_marked() -> None:
    old = _content()
    extra = {"heading": "III. TỔ CHỨC", "paragraphs": ["Văn phòng tổng hợp."], "items": []}
    added = revision_changes(old, _content(sections=[*old["sections"], extra]))
    assert [part.title for part in added] == ["III. TỔ CHỨC"]
    assert added[0].html.startswith("<ins>")
    removed = revision_changes(_content(sections=[*old["sections"], extra]), old)
    assert removed[0].html.startswith("<del>")


def test_no_change_no_parts() -> None:
    assert revision_changes(_content(), _content()) == []


def test_a_numbered_sentence_is_a_paragraph_and_a_numbered_title_an_item() -> None:
    from workflows.plans.content import body_parse, body_text

    text = (
        "I. MỤC ĐÍCH, YÊU CẦU\n"
        "1. Đẩy mạnh phát triển phong trào trong toàn ngành.\n"
        "2. Gắn với nhiệm vụ chuyên môn;\n"
        "II. TỔ CHỨC THỰC HIỆN\n"
        "1. Văn phòng Sở\n"
        "Tổng hợp, báo cáo kết quả."
    )
    first, second = body_parse(text)
    assert first["items"] == []
    assert first["paragraphs"] == [
        "1. Đẩy mạnh phát triển phong trào trong toàn ngành.",
        "2. Gắn với nhiệm vụ chuyên môn;",
    ]
    assert second["items"] == [
        {"heading": "1. Văn phòng Sở", "paragraphs": ["Tổng hợp, báo cáo kết quả."]}
    ]
    # and the form's text reads back the same
    assert body_parse(body_text([first, second])) == [first, second]
