"""Candidates carry their province (the partition key at country scale).

Adds ``Candidate.province``, fills it for existing rows from the root of each dossier's
proposing unit (one UPDATE per province), then makes it required.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_province(apps, schema_editor):
    OrgUnit = apps.get_model("approvals_org", "OrgUnit")
    Candidate = apps.get_model("nominations", "Candidate")
    for root in OrgUnit.objects.filter(parent__isnull=True).values_list("pk", flat=True):
        Candidate.objects.filter(
            province__isnull=True, dossier__proposing_unit__path__startswith=f"/{root}/"
        ).update(province_id=root)


class Migration(migrations.Migration):

    dependencies = [
        ("approvals_org", "0004_unit_standing_agency"),
        ("nominations", "0006_bloc_award_titles"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                help_text="The province of the proposing unit; the partition key.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="approvals_org.orgunit",
                verbose_name="province",
            ),
        ),
        migrations.RunPython(fill_province, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="candidate",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                help_text="The province of the proposing unit; the partition key.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="approvals_org.orgunit",
                verbose_name="province",
            ),
        ),
    ]
