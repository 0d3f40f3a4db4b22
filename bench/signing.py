"""Digital signatures (issue 27): rendering a document beside signing it.

For the demo's department plan (at its signature step) and for a recognition decision over
500 households with its annex, each measured ``--repeat`` times (median):

- **render**: the fillable PDF the signer signs (layout and PDF);
- **sign + number + seal + timestamp**: the signer's PAdES signature (B-LT), filling the
  number and date of issue, the agency's seal signature with its RFC 3161 timestamp (B-LT)
  — the steps ``plan_sign``/``dossier_decide`` and ``plan_issue``/``decision_issue`` add to
  the rendering. Keys are the test PKI's PKCS#12 files; the timestamp is the test PKI's
  in-process timestamp authority (a real TSA adds its network round trip).

Goal (issue 27): signing adds at most 2x the rendering time. Runs on SQLite or PostgreSQL
(the database only holds the demo; the work is CPU), on a throwaway database.

    python bench/signing.py --repeat 5
"""

from __future__ import annotations

import argparse
import copy
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, result, setup_django, table
from bench.plans_flow import bench_database_url, throwaway_database

#: The plan's length in pages, and the paragraph it is lengthened with.
PLAN_PAGES = 3
FILLER = (
    "Tiếp tục triển khai các nội dung của Phong trào “Toàn dân đoàn kết xây dựng đời sống "
    "văn hóa”; phối hợp với các đơn vị liên quan kiểm tra, đôn đốc, tổng hợp kết quả."
)
#: The decision's size (households in its annex).
HOUSEHOLDS = 500
VILLAGE = "tandinh_thuong"
HEAD = "truongthon.thuong"


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _pages(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def measure(
    name: str, render: Any, *, signer: Any, agency: Any, repeat: int, day: datetime.date
) -> dict[str, Any]:
    """Median times of rendering and of the signing steps for one document."""
    from approvals.regulations.services import rules_in_force
    from approvals.signing.appearance import FieldSpec
    from approvals.signing.documents import sign_pdf
    from approvals.signing.enrol import usable_credential, usable_seal
    from approvals.signing.trust import default_timestamper
    from workflows.documents.esign import (
        SEAL_FIELD,
        SIGNER_FIELD,
        fill_issue_fields,
        seal_box,
        signer_box,
        stamp_style,
    )
    from workflows.documents.layout import layout_spec_from_rules
    from workflows.documents.pdf_fields import SIGNER_SLOT

    credential, seal = usable_credential(signer), usable_seal(agency)
    assert credential is not None  # noqa: S101
    assert seal is not None  # noqa: S101
    timestamper = default_timestamper()
    spec = layout_spec_from_rules(rules_in_force("document_work", on=day, unit=agency))
    times: dict[str, list[float]] = {
        "render": [],
        "sign": [],
        "number": [],
        "seal": [],
        "sign_bb": [],
    }
    pdf = b""
    for _ in range(repeat + 1):  # the first round warms fonts and keys up, not counted
        started = time.perf_counter()
        pdf, placement = render()
        rendered = time.perf_counter()
        slot = placement.boxes[SIGNER_SLOT]
        signed = sign_pdf(
            pdf,
            credential=credential,
            field=FieldSpec(SIGNER_FIELD, page=slot.page, box=signer_box(slot.rect)),
            appearance=stamp_style(credential, "{signer}", "{time}"),
            as_user=signer,
        )
        signed_at = time.perf_counter()
        filled = fill_issue_fields(signed, agency=agency, number=1, day=day, spec=spec)
        filled_at = time.perf_counter()
        sign_pdf(
            filled,
            credential=seal,
            field=FieldSpec(
                SEAL_FIELD,
                page=slot.page,
                box=seal_box(signer_box(slot.rect), agency=agency, day=day),
            ),
            appearance=stamp_style(seal, "{organisation}", "{time}"),
            as_unit=agency,
            timestamp=timestamper is not None,
            timestamper=timestamper,
        )
        sealed_at = time.perf_counter()
        # the signer's signature without the embedded validation data (PAdES B-B), to
        # show what the long-term data (chain, CRLs: B-LT) costs
        sign_pdf(
            pdf,
            credential=credential,
            field=FieldSpec(SIGNER_FIELD, page=slot.page, box=signer_box(slot.rect)),
            as_user=signer,
            long_term=False,
        )
        bare_at = time.perf_counter()
        if _ == 0:
            continue
        times["sign_bb"].append(bare_at - sealed_at)
        times["render"].append(rendered - started)
        times["sign"].append(signed_at - rendered)
        times["number"].append(filled_at - signed_at)
        times["seal"].append(sealed_at - filled_at)
    ms = {step: _median_ms(samples) for step, samples in times.items()}
    signing = ms["sign"] + ms["number"] + ms["seal"]
    return {
        "document": name,
        "pages": _pages(pdf),
        "render_ms": ms["render"],
        "sign_ms": ms["sign"],
        "number_ms": ms["number"],
        "seal_ms": ms["seal"],
        "signing_ms": signing,
        "ratio": signing / ms["render"],
        "sign_bb_ms": ms["sign_bb"],
        "timestamped": timestamper is not None,
    }


def plan_document() -> tuple[Any, Any, Any]:
    """The demo's department plan at its signature step: render function, signer, agency."""
    from django.contrib.auth import get_user_model

    from approvals.organisation.resolver import require
    from workflows.documents.pdf import render_pdf_placed
    from workflows.plans import documents
    from workflows.plans.models import Plan, PlanState
    from workflows.plans.services import SIGN

    plan = Plan.objects.get(state=PlanState.SIGNATURE)
    signer = get_user_model().objects.get(username="gd.ldtbxh")
    authority = require(signer, SIGN, plan, unit=plan.issuing_agency)
    revision = plan.current_revision
    # the demo's plan, lengthened in memory (never saved) to PLAN_PAGES pages
    content = copy.deepcopy(revision.content)
    paragraphs = content["sections"][1]["paragraphs"]
    revision.content = content

    def render() -> Any:
        built = documents.fillable_layout(plan, revision, authority=authority, signer=signer)
        return render_pdf_placed(built, documents.spec_for(plan))

    while _pages(render()[0]) < PLAN_PAGES:
        paragraphs.extend(f"{len(paragraphs) + n + 1}. {FILLER}" for n in range(5))
    return render, signer, plan.issuing_agency


def decision_document(today: datetime.date) -> tuple[Any, Any, Any]:
    """A decision over ``HOUSEHOLDS`` households, accepted and waiting for the chairman."""
    from django.contrib.auth import get_user_model

    from approvals.organisation.models import OrgUnit, UnitKind
    from approvals.organisation.resolver import require
    from project.demo.nominations import dossier_to_decision
    from workflows.documents.pdf import render_pdf_placed
    from workflows.nominations import esign
    from workflows.nominations.models import Household
    from workflows.nominations.services import DECIDE

    users = {u.username: u for u in get_user_model().objects.all()}
    village = OrgUnit.objects.get(name="Thôn Thượng", kind=UnitKind.VILLAGE)
    have = Household.objects.filter(village=village).count()
    Household.objects.bulk_create(
        Household(village=village, code=f"B{i:04d}", head_name=f"Nguyễn Văn {i}")
        for i in range(have, HOUSEHOLDS)
    )
    dossier = dossier_to_decision(village=village, users=users, head=HEAD, today=today)
    dossier.refresh_from_db()
    chairman = users["chutich.tandinh"]
    authority = require(chairman, DECIDE, dossier, unit=dossier.deciding_unit)

    def render() -> Any:
        built = esign.fillable_layout(dossier, authority=authority, signer=chairman)
        return render_pdf_placed(built, esign.decision_spec(dossier))

    return render, chairman, dossier.deciding_unit


def run(repeat: int) -> list[dict[str, Any]]:
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    today = timezone.localdate()
    rows = []
    render, signer, agency = plan_document()
    rows.append(
        measure(
            f"plan, {PLAN_PAGES} pages",
            render,
            signer=signer,
            agency=agency,
            repeat=repeat,
            day=today,
        )
    )
    render, signer, agency = decision_document(today)
    rows.append(
        measure(
            f"decision, {HOUSEHOLDS} households",
            render,
            signer=signer,
            agency=agency,
            repeat=repeat,
            day=today,
        )
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the side-by-side table and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "") or "sqlite:////tmp/signing.sqlite3"
    setup_django(bench_database_url(url))
    from django.conf import settings
    from django.db import connection

    name = str(settings.DATABASES["default"]["NAME"])
    print(f"database: {name} (throwaway); load {load()}", flush=True)
    with throwaway_database(connection.vendor, name):
        rows = run(args.repeat)
    print()
    print(
        table(
            [
                (
                    "document",
                    "pages",
                    "render",
                    "sign",
                    "number",
                    "seal + timestamp",
                    "signing total",
                    "signing / render",
                    "sign, B-B only",
                ),
                *[
                    (
                        r["document"],
                        str(r["pages"]),
                        f"{r['render_ms']:.0f} ms",
                        f"{r['sign_ms']:.0f} ms",
                        f"{r['number_ms']:.0f} ms",
                        f"{r['seal_ms']:.0f} ms",
                        f"{r['signing_ms']:.0f} ms",
                        f"{r['ratio']:.2f}x",
                        f"{r['sign_bb_ms']:.0f} ms",
                    )
                    for r in rows
                ],
            ]
        )
    )
    print(f"\nmedian of {args.repeat} rounds each; load {load()}")
    result("signing", rows=rows, repeat=args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
