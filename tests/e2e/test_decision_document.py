"""Issue 25, item 6 in Chromium: the recognition decision a commune downloads from the dossier
page ends with Điều 3, Nơi nhận and the signature; the household list follows as an annex on its
own page citing the decision's number and date (Decree 30/2020)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest

from approvals.people import person_name
from tests.e2e.test_names_and_downloads import open_as  # noqa: F401 (a fixture)
from workflows.nominations.models import Dossier, DossierState

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_downloaded_decision_is_signed_before_its_annex(open_as: Any) -> None:  # noqa: F811
    dossier = Dossier.objects.get(state=DossierState.DECIDED)
    assert dossier.signature is not None
    signer = person_name(dossier.signature.signer)
    clerk = open_as("vanthu.tandinh")
    clerk.go(f"/nominations/{dossier.pk}/")
    with clerk.page.expect_download() as caught:
        clerk.page.click("a.button[href$='/decision.pdf']")
    data = Path(caught.value.path()).read_bytes()
    pages = [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]
    text = " ".join(pages)
    annex = next(i for i, page in enumerate(pages) if "DANH SÁCH" in page)
    signed = next(i for i, page in enumerate(pages) if signer in page)
    # Điều 3, Nơi nhận and the signature close the decision, on a page before the annex
    assert text.index("Điều 3.") < text.index("Nơi nhận:") < text.index(pages[annex])
    assert signed < annex
    assert all("DANH SÁCH" not in page for page in pages[:annex])
    # the annex cites the decision; the households are listed there only
    assert "(Kèm theo Quyết định số" in pages[annex]
    assert dossier.register_entry.symbol.split("/", 1)[1] in pages[annex]
    candidate = dossier.candidates.exclude(household=None).select_related("household").first()
    assert candidate is not None
    assert candidate.household is not None
    code = candidate.household.code  # as the annex lists it
    assert code in " ".join(pages[annex:])
    assert all(code not in page for page in pages[:annex])
    # the căn cứ lines name the instruments in full, not as configuration shorthand
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15" in text
    assert "Căn cứ NĐ 86/2023/NĐ-CP;" not in text
