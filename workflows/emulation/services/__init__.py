"""Every change to an emulation bloc's year goes through these services.

Each runs in one transaction, locks the bloc year's row, checks the user's right with the
engine's resolver (the leader unit's heads lead the year, each member's head signs for
the member) and writes its audit event. A refusal raises before anything is written.
The modules follow the year: :mod:`.blocs`, :mod:`.drafting`, :mod:`.covenant`,
:mod:`.scoring` and :mod:`.awards`; :mod:`.guards` holds the checks they share.
"""

from __future__ import annotations

from workflows.emulation.services.awards import awards_propose, proposal_receive
from workflows.emulation.services.blocs import bloc_create, bloc_year_create, bloc_year_rotate
from workflows.emulation.services.covenant import (
    covenant_open,
    covenant_sign,
    covenant_take_effect,
    reminders_send,
    unsigned_units,
)
from workflows.emulation.services.drafting import (
    TargetSpec,
    criteria_set,
    draft_comment,
    drafts_update,
    targets_set,
)
from workflows.emulation.services.guards import (
    AWARD_TITLES,
    COMMENT,
    CONFIGURE,
    INSPECT,
    MANAGE,
    MEMBER_KINDS,
    PROPOSE,
    RECEIVE,
    REGULATION,
    REMIND,
    SCORE_BLOC,
    SCORE_SELF,
    SIGN,
    SIGNATURE_PERIOD,
    member_ids,
)
from workflows.emulation.services.scoring import (
    inspection_record,
    ranking_compute,
    scores_record,
    scoring_open,
)

__all__ = [
    "AWARD_TITLES",
    "COMMENT",
    "CONFIGURE",
    "INSPECT",
    "MANAGE",
    "MEMBER_KINDS",
    "PROPOSE",
    "RECEIVE",
    "REGULATION",
    "REMIND",
    "SCORE_BLOC",
    "SCORE_SELF",
    "SIGN",
    "SIGNATURE_PERIOD",
    "TargetSpec",
    "awards_propose",
    "bloc_create",
    "bloc_year_create",
    "bloc_year_rotate",
    "covenant_open",
    "covenant_sign",
    "covenant_take_effect",
    "criteria_set",
    "draft_comment",
    "drafts_update",
    "inspection_record",
    "member_ids",
    "proposal_receive",
    "ranking_compute",
    "reminders_send",
    "scores_record",
    "scoring_open",
    "targets_set",
    "unsigned_units",
]
