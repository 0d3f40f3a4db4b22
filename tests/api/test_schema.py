"""The OpenAPI schema checked into docs/ is the one the code generates."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openapi.yaml"
REGENERATE = "python manage.py spectacular --lang en --validate --file docs/openapi.yaml"


def test_committed_schema_equals_the_generated_one(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.yaml"
    call_command(
        "spectacular",
        "--lang",
        "en",
        "--validate",
        "--file",
        str(generated),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert COMMITTED.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), (
        f"docs/openapi.yaml is out of date; run: {REGENERATE}"
    )


def test_every_operation_documents_its_refusals() -> None:
    import yaml

    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404"} <= codes, (method, path)
            if method == "post" and not path.startswith("/api/auth/"):
                assert {"400", "409", "422"} <= codes, (method, path)
