"""A dossier holds several review meetings; the inquorate ones are kept, counting no vote.

Every meeting recorded so far passed the quorum (an inquorate one was refused), so each
existing row becomes a quorate meeting and its dossier's decision relies on it. The action
that records an inquorate meeting gets its own name for the audit trail.
"""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

INQUORATE = (
    "nominations.record_inquorate_meeting",
    "Ghi biên bản họp bình xét không đủ số người dự",
    "Record an inquorate review meeting",
)


def cite_meetings(apps, schema_editor):
    Dossier = apps.get_model("nominations", "Dossier")
    Meeting = apps.get_model("nominations", "Meeting")
    first = Meeting.objects.filter(dossier=OuterRef("pk")).order_by("held_on", "pk")
    Dossier.objects.filter(meeting__isnull=True, meetings__isnull=False).update(
        meeting=Subquery(first.values("pk")[:1])
    )


def seed_action(apps, schema_editor):
    Action = apps.get_model("approvals_org", "Action")
    code, name, name_en = INQUORATE
    Action.objects.get_or_create(
        code=code,
        defaults={"name": name, "name_en": name_en, "kind": "record",
                  "excludes_author": False, "excludes_beneficiary": False},
    )


def unseed_action(apps, schema_editor):
    apps.get_model("approvals_org", "Action").objects.filter(code=INQUORATE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0008_tallies"),
        ("approvals_org", "0004_unit_standing_agency"),
    ]

    operations = [
        migrations.AlterField(
            model_name="meeting",
            name="dossier",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="meetings",
                to="nominations.dossier",
                verbose_name="dossier",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="quorate",
            field=models.BooleanField(
                default=True,
                help_text="Enough attended for the votes to count; an inquorate meeting counts "
                "none.",
                verbose_name="quorate",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="meeting",
            name="quorum_percent",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="The share of the invited the rules required when the meeting was "
                "held.",
                max_digits=5,
                null=True,
                verbose_name="quorum (%)",
            ),
        ),
        migrations.AlterModelOptions(
            name="meeting",
            options={
                "ordering": ["held_on", "pk"],
                "verbose_name": "review meeting",
                "verbose_name_plural": "review meetings",
            },
        ),
        migrations.AddField(
            model_name="dossier",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                help_text="The quorate meeting whose votes the decision rests on.",
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="nominations.meeting",
                verbose_name="review meeting relied on",
            ),
        ),
        migrations.RunPython(cite_meetings, migrations.RunPython.noop),
        migrations.RunPython(seed_action, unseed_action),
    ]
