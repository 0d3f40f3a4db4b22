"""Mark the seeded rules that no step of the processes reads as informational.

Each is kept (it is the law, and shown in the admin) but changing it changes nothing the
system does; the reason why is beside each key. tests/regulations/test_rule_keys.py fails on
a seeded key that no code reads and that is not marked so.
"""

from __future__ import annotations

from django.db import migrations

INFORMATIONAL = {
    # plan_issue numbers a plan and dispatches it in one act on the same day: the dispatch
    # can never come later than the numbering, whose own limit is read.
    "dispatch.period": "numbered and dispatched together",
    # A register is opened per calendar year (approvals.registers): numbering restarts on
    # 1 January by construction.
    "numbering.year_start": "registers are per calendar year",
    # Re-recognition of a culturally standard agency is not modelled: every dossier of the
    # title is a first recognition, decided at `first_deciding_level`; the years of building
    # the standard are not recorded.
    "cultural_standard_organization.first_recognition_min_years": "not modelled",
    "cultural_standard_organization.re_recognition_years": "re-recognition not modelled",
    "cultural_standard_organization.re_deciding_level": "re-recognition not modelled",
    # Tập thể lao động xuất sắc is not one of the titles the system handles.
    "excellent_collective.min_member_share_percent": "title not handled",
}


def mark(apps, schema_editor):
    Rule = apps.get_model("approvals_rules", "Rule")
    Rule.objects.filter(key__in=INFORMATIONAL).update(informational=True)


def unmark(apps, schema_editor):
    Rule = apps.get_model("approvals_rules", "Rule")
    Rule.objects.filter(key__in=INFORMATIONAL).update(informational=False)


class Migration(migrations.Migration):
    dependencies = [("approvals_rules", "0007_rule_informational")]

    operations = [migrations.RunPython(mark, unmark)]
