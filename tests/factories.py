"""factory_boy factories for the engine's models."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

from approvals.organisation.models import (
    Action,
    ActionKind,
    ActionRule,
    OrgUnit,
    Position,
    Reach,
    Role,
    UnitKind,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Văn"
    last_name = factory.Sequence(lambda n: f"Nguyễn {n}")
    password = factory.django.Password("pw")


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    code = factory.Sequence(lambda n: f"DV{n}")
    kind = UnitKind.DEPARTMENT
    valid_from = datetime.date(2000, 1, 1)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"role{n}")
    name = factory.LazyAttribute(lambda o: o.code)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    role = factory.SubFactory(RoleFactory)
    valid_from = datetime.date(2020, 1, 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"testapp.action{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    kind = ActionKind.APPROVE


class ActionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionRule

    action = factory.SubFactory(ActionFactory)
    role = factory.SubFactory(RoleFactory)
    reach = Reach.SAME_UNIT
