"""Refusals specific to emulation blocs; each changes nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from approvals.exceptions import ActionNotPermitted, InvalidTransition, ValidationFailed


class SignatureMissing(InvalidTransition):
    """The covenant cannot take effect: a member's head has not signed it."""

    code = "signature_missing"
    default_message = _("A member's head has not signed the covenant yet.")


class NotBlocMember(ActionNotPermitted):
    """The unit does not belong to the bloc in that year."""

    code = "not_bloc_member"
    default_message = _("This unit is not a member of the bloc this year.")


class AlreadySigned(InvalidTransition):
    """The member has already signed the covenant."""

    code = "already_signed"


class ScoreAboveMaximum(ValidationFailed):
    """Points above the criterion's maximum."""

    code = "score_above_maximum"


class SelfScoringRefused(ActionNotPermitted):
    """A member may not score itself in the bloc's column."""

    code = "self_scoring"


class ScoresIncomplete(InvalidTransition):
    """The ranking needs every member scored on every criterion in both columns."""

    code = "scores_incomplete"


__all__ = [
    "AlreadySigned",
    "NotBlocMember",
    "ScoreAboveMaximum",
    "ScoresIncomplete",
    "SelfScoringRefused",
    "SignatureMissing",
]
