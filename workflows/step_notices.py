"""What a step of a process tells: who must act next, and the author what became of the case.

The processes' notice modules (``workflows.plans.services.notices`` and
``workflows.nominations.services.notices``)
find, inside the step's transaction, the users the case now waits for and whether the step
decided something its author must hear of; :func:`step_tell` words and delivers both through
the engine (:func:`approvals.notifications.notices.notify_many`, two queries). The actor is
never told of their own step, and the author hears of an outcome once, not also as "your
turn" (a returned case's notice says what to do).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from approvals.notifications.models import NotificationKind
from approvals.notifications.notices import Notice, Send, notify_many

__all__ = ["CaseRef", "step_tell"]


@dataclass(frozen=True)
class CaseRef:
    """The case a notice is about: its audit subject type and id, its name and its page."""

    subject_type: str
    subject_id: str
    label: str
    url: str


def step_tell(
    case: CaseRef,
    *,
    actor_id: int | None,
    waiting: frozenset[int] = frozenset(),
    verb: str = "",
    author_id: int | None = None,
    outcome: str = "",
    outcome_body: str = "",
) -> None:
    """Tell ``waiting`` it is their turn to ``verb`` and ``author_id`` the ``outcome`` title.

    Texts must already be in the site's language (call under its translation)."""
    sends: list[Send] = []
    actor = frozenset({actor_id}) if actor_id else frozenset()
    told_author = frozenset({author_id}) if outcome and author_id else frozenset()
    if waiting and verb:
        title = _("%(subject)s is waiting for you to %(step)s") % {
            "subject": case.label,
            "step": verb,
        }
        notice = Notice(case.subject_type, case.subject_id, case.label, case.url, title)
        sends.append(Send(NotificationKind.ACTION, waiting, notice, actor | told_author))
    if told_author:
        notice = Notice(
            case.subject_type, case.subject_id, case.label, case.url, outcome, outcome_body
        )
        sends.append(Send(NotificationKind.OUTCOME, told_author, notice, actor))
    notify_many(sends)
