"""The plan as a Decree 30/2020 document: layout, DOCX and PDF, and what a signature covers."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from approvals.organisation.resolver import user_label
from approvals.registers.selectors import place_date_line, place_name_of
from approvals.registers.symbols import number_line
from approvals.regulations.services import rules_in_force
from workflows.documents.docx import render_docx
from workflows.documents.layout import DocumentLayout, Item, Section, layout_spec_from_rules
from workflows.documents.pdf import render_pdf, render_pdf_placed

if TYPE_CHECKING:
    from approvals.organisation.resolver import Authority
    from workflows.plans.models import Plan, PlanRevision

DOCUMENT_WORK = "document_work"


def download_name(plan: Plan, fmt: str) -> str:
    """The file name a plan is saved under: its symbol once numbered ("ke-hoach-05-KH-BCĐ.pdf",
    the "/" a file name cannot hold made "-"), else the draft's number."""
    entry = plan.register_entry
    name = entry.symbol.replace("/", "-") if entry is not None else f"du-thao-{plan.pk}"
    return f"ke-hoach-{name}.{fmt}"


def _recipients(plan: Plan, content: dict[str, Any]) -> list[str]:
    lines = [str(r) for r in content.get("recipients", [])]
    if not any(line.startswith("Lưu") for line in lines):
        lines.append(f"Lưu: VT, {plan.drafting_unit.code}.")
    return lines


def build_layout(
    plan: Plan,
    revision: PlanRevision,
    *,
    signature_block: list[str],
    signer_name: str,
    day: datetime.date | None = None,
) -> DocumentLayout:
    """The layout of ``revision``: numbered and dated once the plan has its register entry."""
    content = revision.content
    agency = plan.issuing_agency
    entry = plan.register_entry
    on = entry.issued_on if entry is not None else (day or timezone.localdate())
    rules = rules_in_force(DOCUMENT_WORK, on=on, unit=agency)
    official_letter = not plan.kind.abbreviation
    line = number_line(
        number=entry.number if entry is not None else None,
        kind_abbreviation=plan.kind.abbreviation,
        issuer_code=agency.code,
        drafting_unit_code=plan.drafting_unit.code if official_letter else "",
        min_digits=rules.integer("numbering.min_digits"),
    )
    if entry is not None:
        place_date = place_date_line(agency=agency, day=entry.issued_on)
    else:
        place_date = f"{place_name_of(agency)}, ngày      tháng      năm {plan.year}"
    parent = agency.parent
    return DocumentLayout(
        parent_agency=(parent.short_name or parent.name).upper() if parent else "",
        agency=agency.name.upper(),
        number_line=line,
        place_date=place_date,
        kind_title="" if official_letter else plan.kind.name.upper(),
        subject_summary=content["subject_summary"],
        basis=list(content.get("basis", [])),
        sections=[
            Section(
                heading=s["heading"],
                paragraphs=list(s.get("paragraphs", [])),
                items=[
                    Item(heading=i["heading"], paragraphs=list(i.get("paragraphs", [])))
                    for i in s.get("items", [])
                ],
            )
            for s in content.get("sections", [])
        ],
        closing=content.get("closing", ""),
        recipients=_recipients(plan, content),
        signature_block=signature_block,
        signer_name=signer_name,
        draft=plan.signature_id is None and not signature_block,
        attachments=list(content.get("attachments", [])),
    )


def _spec(plan: Plan) -> Any:
    return layout_spec_from_rules(
        rules_in_force(DOCUMENT_WORK, on=datetime.date(plan.year, 1, 1), unit=plan.issuing_agency)
    )


def render(plan: Plan, revision: PlanRevision, *, fmt: str, **layout: Any) -> bytes:
    """Render ``revision`` as "pdf" or "docx"."""
    built = build_layout(plan, revision, **layout)
    return render_pdf(built, _spec(plan)) if fmt == "pdf" else render_docx(built, _spec(plan))


def spec_for(plan: Plan) -> Any:
    """The layout rules the plan's document is rendered with."""
    return _spec(plan)


def fillable_layout(
    plan: Plan, revision: PlanRevision, *, authority: Authority, signer: Any
) -> DocumentLayout:
    """The layout the signer signs electronically: the number and the date of issue as
    empty form fields, the signature's slot between the capacity lines and the name."""
    from dataclasses import replace

    block = authority.signature_block(delegate_title=_title_of(authority, signer))
    built = build_layout(plan, revision, signature_block=block, signer_name=user_label(signer))
    return replace(
        _unnumbered(built, plan), fillable=True, place_name=place_name_of(plan.issuing_agency)
    )


def _unnumbered(built: DocumentLayout, plan: Plan) -> DocumentLayout:
    from dataclasses import replace

    if plan.register_entry_id is None:
        return built
    rules = rules_in_force(
        DOCUMENT_WORK, on=datetime.date(plan.year, 1, 1), unit=plan.issuing_agency
    )
    line = number_line(
        number=None,
        kind_abbreviation=plan.kind.abbreviation,
        issuer_code=plan.issuing_agency.code,
        drafting_unit_code=plan.drafting_unit.code if not plan.kind.abbreviation else "",
        min_digits=rules.integer("numbering.min_digits"),
    )
    place = f"{place_name_of(plan.issuing_agency)}, ngày      tháng      năm {plan.year}"
    return replace(built, number_line=line, place_date=place)


def _title_of(authority: Authority, signer: Any) -> str:
    if authority.delegation is None:
        return ""
    from approvals.organisation.models import Position

    own = Position.objects.active_on(timezone.localdate()).filter(user=signer).first()
    return own.printed_title if own else ""


def signed_document(plan: Plan) -> bytes:
    """The PDF of the signed revision as signed: the bytes the signature's hash covers.

    The digitally signed PDF stored at signature; for a plan signed before digital
    signatures, its rendering again.
    """
    from approvals.signing.models import SignedStage
    from approvals.signing.selectors import latest_signed_file

    signature = plan.signature
    if signature is None:
        msg = "The plan is not signed."
        raise ValueError(msg)
    stored = latest_signed_file("plans.plan", plan.pk, SignedStage.SIGNED)
    if stored is not None:
        return stored.read()
    revision = plan.revisions.get(number=int(signature.revision))
    built = build_layout(
        plan,
        revision,
        signature_block=signature.signature_block.splitlines(),
        signer_name=user_label(signature.signer),
    )
    return render_pdf(_unnumbered(built, plan), _spec(plan))


def verify_signature(plan: Plan) -> bool:
    """Whether the signed document is still what the signature covers, and the signed
    revision still has the content it had when signed."""
    import hashlib

    from approvals.audit.services import signature_verify
    from workflows.plans.models import canonical_content

    signature = plan.signature
    if signature is None:
        return False
    revision = plan.revisions.filter(number=int(signature.revision)).first()
    if revision is None:
        return False
    if hashlib.sha256(canonical_content(revision.content)).hexdigest() != (revision.content_sha256):
        return False
    try:
        content = signed_document(plan)
    except OSError:  # the stored signed PDF is gone from the file storage
        return False
    if not signature_verify(signature=signature, content=content).valid:
        return False
    return _renders_into(plan, revision, content)


def _renders_into(plan: Plan, revision: PlanRevision, signed: bytes) -> bool:
    """Whether the revision, rendered again as the signer signed it, is the start of the
    signed PDF (a digital signature appends to the PDF it signs, leaving it byte for byte).

    This finds content edited in the database together with its stored hash. A plan signed
    before digital signatures (no stored PDF) has nothing to compare with here.
    """
    from dataclasses import replace

    from approvals.signing.models import SignedStage
    from approvals.signing.selectors import latest_signed_file

    if latest_signed_file("plans.plan", plan.pk, SignedStage.SIGNED) is None:
        return True
    signature = plan.signature
    assert signature is not None  # noqa: S101 - checked by the caller
    built = build_layout(
        plan,
        revision,
        signature_block=signature.signature_block.splitlines(),
        signer_name=user_label(signature.signer),
    )
    layout = replace(
        _unnumbered(built, plan), fillable=True, place_name=place_name_of(plan.issuing_agency)
    )
    rendered, _placement = render_pdf_placed(layout, _spec(plan))
    return signed.startswith(rendered)
