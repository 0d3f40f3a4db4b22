"""The unit administrator: a role whose holders administer their unit's subtree in the admin.

The role holds one action, ``approvals_org.administer``, reaching the holder's unit and
everything below it; :func:`approvals.organisation.selectors.administered_scope` reads it.
"""

from __future__ import annotations

from django.db import migrations

ROLE = ("unit_admin", "Quản trị hệ thống đơn vị", "Unit administrator", "Quản trị hệ thống")
ACTION = ("approvals_org.administer", "Quản trị dữ liệu của đơn vị", "Administer the unit's data")


def seed(apps, schema_editor):
    Role = apps.get_model("approvals_org", "Role")
    Action = apps.get_model("approvals_org", "Action")
    ActionRule = apps.get_model("approvals_org", "ActionRule")
    code, name, name_en, title = ROLE
    role, _ = Role.objects.get_or_create(
        code=code, defaults={"name": name, "name_en": name_en, "title": title}
    )
    code, name, name_en = ACTION
    action, _ = Action.objects.get_or_create(
        code=code, defaults={"name": name, "name_en": name_en, "kind": "record"}
    )
    ActionRule.objects.get_or_create(
        action=action, role=role, reach="unit_or_above", holder_unit_kind=""
    )


def unseed(apps, schema_editor):
    Role = apps.get_model("approvals_org", "Role")
    Action = apps.get_model("approvals_org", "Action")
    Action.objects.filter(code=ACTION[0]).delete()
    Role.objects.filter(code=ROLE[0], positions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals_org", "0004_unit_standing_agency")]
    operations = [migrations.RunPython(seed, unseed)]
