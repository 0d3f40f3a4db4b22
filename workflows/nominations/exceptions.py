"""Refusals specific to nominations; each is a :class:`ValidationFailed` and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from approvals.exceptions import ValidationFailed


@dataclass(frozen=True)
class Problem:
    """One candidate refused, why (a stable ``code``) and the message for people."""

    candidate: str
    code: str
    message: str


class CandidatesRefused(ValidationFailed):
    """Some candidates cannot be taken; every one is named in ``problems``.

    Codes: ``outside_unit``, ``wrong_kind``, ``duplicate``, ``disqualified``, ``not_staff``,
    ``rating``, ``no_report``, ``member_share``, ``disciplined``.
    """

    code = "candidates_refused"

    def __init__(self, problems: list[Problem], **params: Any) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems), **params)

    @property
    def codes(self) -> set[str]:
        """The codes of the problems found."""
        return {p.code for p in self.problems}


class NoQuorum(ValidationFailed):
    """Too few attended the meeting or council for its votes to count."""

    code = "no_quorum"


class PostingNotOver(ValidationFailed):
    """The public posting period has not ended; it cannot be closed early."""

    code = "posting_not_over"


__all__ = ["CandidatesRefused", "NoQuorum", "PostingNotOver", "Problem"]
