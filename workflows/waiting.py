"""What a case waits for when the reader can do nothing on it: which step, from whom, by when.

A case's page lists the actions open to the reader; where there is none it says instead what
the case waits for ("Chờ UBND xã Tân Dĩnh thẩm định, hạn 16/12/2026"), from the case's
current step, the unit that must act and the running deadline of the step. The engine's
refusal reasons are shown only when the reader tries an action.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from approvals.organisation.models import OrgUnit


def acting_body(unit: OrgUnit) -> str:
    """The unit as the body that acts: “UBND xã Tân Dĩnh” for a commune, else its name."""
    body = unit.collective_body_name
    if not body:
        return unit.name
    initials = "".join(unicodedata.normalize("NFD", word)[0] for word in body.split()).upper()
    if unit.name.casefold().startswith((body.casefold(), initials.casefold())):
        return unit.name
    return f"{initials} {unit.name[:1].lower()}{unit.name[1:]}"


@dataclass(frozen=True)
class Waiting:
    """The case waits for ``who`` to ``step`` (a verb phrase), by ``due_on`` if limited."""

    who: str
    step: Promise | str
    due_on: datetime.date | None = None

    def __str__(self) -> str:
        if self.due_on is None:
            return _("Waiting for %(who)s to %(step)s.") % {"who": self.who, "step": self.step}
        return _("Waiting for %(who)s to %(step)s, due %(date)s.") % {
            "who": self.who,
            "step": self.step,
            "date": formats.date_format(self.due_on, "d/m/Y"),
        }


__all__ = ["Waiting", "acting_body"]
