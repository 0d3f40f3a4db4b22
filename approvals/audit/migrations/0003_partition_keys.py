"""Chains and their events carry a partition key: the root unit of the chain's unit.

A chain named ``unit-<id>`` (``APPROVALS_AUDIT_CHAIN_DEPTH`` > 0) gets the id of that
unit's root (its province); the main chain and any other keep 0. Existing events copy
their chain's key (one UPDATE per chain). The key is not part of the hash.
"""

import re

from django.db import migrations, models

UNIT_CHAIN = re.compile(r"^unit-(\d+)$")


def fill_partition(apps, schema_editor):
    OrgUnit = apps.get_model("approvals_org", "OrgUnit")
    AuditChain = apps.get_model("approvals_audit", "AuditChain")
    AuditEvent = apps.get_model("approvals_audit", "AuditEvent")
    for chain in AuditChain.objects.all():
        match = UNIT_CHAIN.match(chain.name)
        if match is None:
            continue
        path = OrgUnit.objects.filter(pk=int(match.group(1))).values_list("path", flat=True).first()
        ids = [part for part in (path or "").split("/") if part]
        if not ids:
            continue
        AuditChain.objects.filter(pk=chain.pk).update(partition=int(ids[0]))
        AuditEvent.objects.filter(chain_id=chain.pk).update(partition=int(ids[0]))


class Migration(migrations.Migration):

    dependencies = [
        ("approvals_org", "0004_unit_standing_agency"),
        ("approvals_audit", "0002_create_main_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchain",
            name="partition",
            field=models.BigIntegerField(
                default=0,
            db_default=0,
                editable=False,
                help_text="The id of the root unit (the province) of the chain's unit; 0 for the main chain.",
                verbose_name="partition",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="partition",
            field=models.BigIntegerField(
                default=0,
            db_default=0,
                editable=False,
                help_text="The chain's partition (its root unit, 0 for the main chain); not hashed.",
                verbose_name="partition",
            ),
        ),
        migrations.RunPython(fill_partition, migrations.RunPython.noop),
    ]
