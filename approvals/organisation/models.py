"""Organisation tree, roles per level, positions, delegations and action rules."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext_lazy as _

from approvals.exceptions import ValidationFailed
from approvals.people import person_name

if TYPE_CHECKING:
    from collections.abc import Iterable

#: Letters (Vietnamese Đ included), digits and "&" as in "LĐTĐ&XH"; no spaces (Decree 30/2020).
symbol_part_validator = RegexValidator(
    r"^[A-Za-zĐđ0-9&]+$",
    _("Use letters, digits and '&' only, without spaces."),
)


class UnitKind(models.TextChoices):
    """What kind of body a unit is; deciding levels in regulations name these."""

    PROVINCE = "province", _("Province")
    DEPARTMENT = "department", _("Department or board")
    STEERING_COMMITTEE = "steering_committee", _("Steering committee")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune, ward or town")
    DIVISION = "division", _("Division")
    DEPARTMENT_OFFICE = "department_office", _("Department office")
    VILLAGE = "village", _("Village")
    RESIDENTIAL_GROUP = "residential_group", _("Residential group")
    AGENCY = "agency", _("Agency, unit or enterprise")


def valid_on(day: datetime.date) -> Q:
    """Rows whose ``valid_from``/``valid_to`` period (open-ended when blank) covers ``day``."""
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def valid_range_constraint(name: str) -> models.CheckConstraint:
    """A period never ends before it starts."""
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name=name
    )


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    """Filters over the organisation tree; none of them walks the tree row by row."""

    def active_on(self, day: datetime.date) -> OrgUnitQuerySet:
        """Units that exist on ``day``."""
        return self.filter(valid_on(day))

    def under(self, unit: OrgUnit, *, include_self: bool = True) -> OrgUnitQuerySet:
        """The unit's subtree, in one indexed prefix query on the materialised path."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def ancestors_of(self, unit: OrgUnit, *, include_self: bool = True) -> OrgUnitQuerySet:
        """The chain from the root down to ``unit``, read from its path."""
        ids = unit.ancestor_ids if include_self else unit.ancestor_ids[:-1]
        return self.filter(pk__in=ids).order_by("depth")


class OrgUnit(models.Model):
    """A body in the organisation tree: province, department, commune, division, village…

    ``path`` holds the ids from the root (``/1/5/12/``) so a subtree is one prefix query.
    A reorganisation closes a unit (``valid_to``) and opens its successors, so older
    records keep pointing at the unit as it was.
    """

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    code = models.CharField(
        _("symbol code"),
        max_length=32,
        validators=[symbol_part_validator],
        help_text=_("Abbreviation used in document symbols, e.g. LĐTBXH, BCĐ, UBND."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    place_name = models.CharField(
        _("place name"),
        max_length=120,
        blank=True,
        help_text=_("Place written on the date line of documents, e.g. Bắc Giang."),
    )
    collective_body_name = models.CharField(
        _("collective body name"),
        max_length=255,
        blank=True,
        help_text=_(
            "For bodies run collectively (people's committees, steering committees): "
            "the name signed for with 'TM.', e.g. ỦY BAN NHÂN DÂN."
        ),
    )
    standing_agency = models.ForeignKey(
        "self",
        verbose_name=_("standing agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="standing_for",
        help_text=_(
            "For a committee: the agency that serves as its standing body (cơ quan thường "
            "trực) and drafts its documents, e.g. Sở VHTTDL for the provincial committee."
        ),
    )
    valid_from = models.DateField(_("valid from"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text=_("Units this one replaced in a reorganisation."),
    )

    objects: ClassVar[OrgUnitQuerySet] = OrgUnitQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="orgunit_path_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["kind", "valid_from"], name="orgunit_kind_idx"),
        ]
        constraints = [
            valid_range_constraint("orgunit_valid_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save and keep ``path``/``depth`` of the unit and its subtree consistent."""
        with transaction.atomic():
            old_path = self.path
            if self.parent_id is not None:
                parent = OrgUnit.objects.only("path").get(pk=self.parent_id)
                if self.pk is not None and f"/{self.pk}/" in parent.path:
                    raise ValidationFailed(_("A unit cannot be placed under itself."))
                parent_path = parent.path
            else:
                parent_path = "/"
            super().save(*args, **kwargs)
            new_path = f"{parent_path}{self.pk}/"
            if new_path == old_path:
                return
            self.path = new_path
            self.depth = new_path.count("/") - 2
            OrgUnit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old_path:
                shift = self.depth - (old_path.count("/") - 2)
                OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", Length(Value(old_path)) + 1)),
                    depth=models.F("depth") + shift,
                )

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit (itself last), without a query."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def root_id(self) -> int:
        """The id of the root of the unit's tree (its province), read from the path.

        The partition key of province-partitioned tables (see ``approvals.partitioning``).
        """
        ids = self.ancestor_ids
        if not ids:
            raise ValueError("an unsaved unit has no root")
        return ids[0]

    @property
    def collective(self) -> bool:
        """Whether documents of this unit are signed for the collective ("TM.")."""
        return bool(self.collective_body_name)

    def is_active_on(self, day: datetime.date) -> bool:
        """Whether the unit exists on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def is_within(self, other: OrgUnit) -> bool:
        """Whether this unit is ``other`` or lies under it."""
        return self.path.startswith(other.path)


class Capacity(models.TextChoices):
    """The capacity in which someone signs (Decree 30/2020, Art. 13)."""

    OWN = "own", _("In own name")
    KT = "KT", _("KT. (signing for the head)")
    TM = "TM", _("TM. (on behalf of the collective)")
    TL = "TL", _("TL. (by order)")
    TUQ = "TUQ", _("TUQ. (by written delegation)")
    Q = "Q", _("Q. (acting head)")


class Role(models.Model):
    """A function held at a unit: drafter, division head, deputy director, village head…"""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    title = models.CharField(
        _("printed title"),
        max_length=120,
        blank=True,
        help_text=_("Title under the signature, e.g. Phó Giám đốc."),
    )
    is_head = models.BooleanField(
        _("head of the unit"), default=False, help_text=_("Giám đốc, Chủ tịch, Trưởng phòng…")
    )
    head_role = models.ForeignKey(
        "self",
        verbose_name=_("signs for (KT.)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deputy_roles",
        help_text=_("For deputies: the head role they sign for with 'KT.'."),
    )
    signs_by_order = models.BooleanField(
        _("signs by order (TL.)"),
        default=False,
        help_text=_("Heads of subordinate units who sign some documents 'TL.' the head."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def printed_title(self) -> str:
        """Title used in signature blocks."""
        return self.title or self.name


class PositionQuerySet(models.QuerySet["Position"]):
    """Filters over positions."""

    def active_on(self, day: datetime.date) -> PositionQuerySet:
        """Positions held on ``day``."""
        return self.filter(valid_on(day))


class Position(models.Model):
    """A user holds a role at a unit for a period; ``acting`` marks an acting head (Q.)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(
        _("printed title"), max_length=120, blank=True, help_text=_("Overrides the role's title.")
    )
    acting = models.BooleanField(
        _("acting (Q.)"),
        default=False,
        help_text=_("Holds a head role in acting capacity (giao quyền cấp trưởng)."),
    )
    basis = models.CharField(
        _("appointing decision"),
        max_length=255,
        blank=True,
        help_text=_("The decision this position rests on, e.g. Quyết định số 12/QĐ-UBND."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects: ClassVar[PositionQuerySet] = PositionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        indexes = [models.Index(fields=["user", "valid_from"], name="position_user_idx")]
        constraints = [
            valid_range_constraint("position_valid_range"),
        ]

    def __str__(self) -> str:
        return f"{person_name(self.user)} — {self.printed_title}, {self.unit}"

    @property
    def printed_title(self) -> str:
        """Title used in signature blocks."""
        return self.title or self.role.printed_title

    def is_active_on(self, day: datetime.date) -> bool:
        """Whether the position is held on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class ActionKind(models.TextChoices):
    """What an action does; approving kinds are subject to separation of duties."""

    PREPARE = "prepare", _("Prepare")
    REVIEW = "review", _("Review")
    APPROVE = "approve", _("Approve")
    SIGN = "sign", _("Sign")
    DECIDE = "decide", _("Decide")
    RECORD = "record", _("Record")


class Action(models.Model):
    """An action a process offers, named like a Django permission (``app_label.codename``)."""

    code = models.CharField(
        _("code"),
        max_length=150,
        unique=True,
        help_text=_("app_label.codename; also the permission used for one-off object grants."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ActionKind.choices)
    excludes_author = models.BooleanField(
        _("author excluded"),
        default=False,
        help_text=_("The author of the object may never take this action on it."),
    )
    excludes_beneficiary = models.BooleanField(
        _("beneficiary excluded"),
        default=False,
        help_text=_("Nobody may take this action on their own household's or unit's case."),
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Reach(models.TextChoices):
    """Where, relative to the object's unit, a role must be held."""

    SAME_UNIT = "same_unit", _("At the object's unit")
    UNIT_OR_ABOVE = "unit_or_above", _("At the object's unit or a unit above it")
    HOLDER_PARENT = (
        "holder_parent",
        _("At the unit directly below the object's (an office acting for its agency)"),
    )


class ActionRule(models.Model):
    """Holders of ``role`` may take ``action`` on objects of units within ``reach``."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="rules"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="rules"
    )
    reach = models.CharField(
        _("reach"), max_length=16, choices=Reach.choices, default=Reach.SAME_UNIT
    )
    holder_unit_kind = models.CharField(
        _("holder's unit kind"),
        max_length=32,
        choices=UnitKind.choices,
        blank=True,
        help_text=_("Only positions at a unit of this kind count (blank: any kind)."),
    )

    class Meta:
        verbose_name = _("action rule")
        verbose_name_plural = _("action rules")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "role", "reach", "holder_unit_kind"], name="actionrule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} → {self.action} ({self.get_reach_display()})"

    def covers(self, position: Position, unit: OrgUnit) -> bool:
        """Whether ``position`` satisfies this rule for an object owned by ``unit``."""
        if self.holder_unit_kind and position.unit.kind != self.holder_unit_kind:
            return False
        if self.reach == Reach.SAME_UNIT:
            return position.unit_id == unit.pk
        if self.reach == Reach.HOLDER_PARENT:
            # e.g. the records clerk of the department office keeps the department's registers
            return position.unit.parent_id == unit.pk
        return position.unit_id in unit.ancestor_ids


class DelegationQuerySet(models.QuerySet["Delegation"]):
    """Filters over delegations."""

    def in_force_on(self, day: datetime.date) -> DelegationQuerySet:
        """Delegations not revoked and within their term on ``day``."""
        return self.filter(revoked_at__isnull=True, valid_from__lte=day, valid_to__gte=day)


class Delegation(models.Model):
    """Written delegation ("TUQ."): bounded in time and scope, never re-delegable."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegator"),
        on_delete=models.PROTECT,
        related_name="delegations_given",
    )
    delegator_position = models.ForeignKey(
        Position,
        verbose_name=_("delegated position"),
        on_delete=models.PROTECT,
        related_name="delegations",
        help_text=_("The delegator's own position whose authority is delegated."),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        related_name="delegations_received",
    )
    actions = models.ManyToManyField(
        Action, verbose_name=_("actions delegated"), related_name="delegations"
    )
    instrument = models.CharField(
        _("written instrument"),
        max_length=255,
        help_text=_("The written delegation, e.g. Giấy ủy quyền số 05/GUQ-LĐTBXH."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects: ClassVar[DelegationQuerySet] = DelegationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="delegation_valid_range"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return self.instrument

    def action_codes(self) -> Iterable[str]:
        """Codes of the delegated actions."""
        return self.actions.values_list("code", flat=True)
