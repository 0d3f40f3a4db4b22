"""How a refused file's problems are named (row, column, problem) and put into one message."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from approvals.exceptions import ValidationFailed

#: Problems written out in the message; ``params["rows"]`` always holds all of them.
MESSAGE_ROWS = 50


class RowProblem(NamedTuple):
    """One bad cell or row: ``row`` as the sheet numbers it (None: not in the file)."""

    row: int | None
    column: str
    problem: str


def refuse(message: str, **params: Any) -> ValidationFailed:
    """A refusal of the whole file for one reason (no row problems)."""
    return ValidationFailed(message, rows=[], **params)


def refusal(filename: str, problems: list[RowProblem]) -> ValidationFailed:
    """A refusal of the file listing its problems (the first :data:`MESSAGE_ROWS` in words)."""
    lines = []
    for p in problems[:MESSAGE_ROWS]:
        if p.row is None:
            lines.append(
                _("Column “%(column)s”: %(problem)s.") % {"column": p.column, "problem": p.problem}
            )
        else:
            lines.append(
                _("Row %(row)s, column “%(column)s”: %(problem)s.")
                % {"row": p.row, "column": p.column, "problem": p.problem}
            )
    if len(problems) > MESSAGE_ROWS:
        lines.append(_("… and %(count)s more problems.") % {"count": len(problems) - MESSAGE_ROWS})
    head = ngettext(
        "“%(file)s” was not imported because of %(count)s problem; nothing was written.",
        "“%(file)s” was not imported because of %(count)s problems; nothing was written.",
        len(problems),
    ) % {"file": filename, "count": len(problems)}
    return ValidationFailed(
        "\n".join([head, *lines]), rows=[RowProblem(*p) for p in problems], filename=filename
    )


__all__ = ["MESSAGE_ROWS", "RowProblem", "refusal", "refuse"]
