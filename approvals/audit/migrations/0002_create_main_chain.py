"""Create the head of the default chain "main"."""

from __future__ import annotations

from django.db import migrations

GENESIS_HASH = "0" * 64


def create_main_chain(apps, schema_editor):
    AuditChain = apps.get_model("approvals_audit", "AuditChain")
    AuditChain.objects.get_or_create(
        name="main", defaults={"last_index": 0, "last_hash": GENESIS_HASH}
    )


class Migration(migrations.Migration):

    dependencies = [
        ("approvals_audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_main_chain, migrations.RunPython.noop),
    ]
