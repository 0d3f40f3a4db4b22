"""What the workflows' audit events are called in the history tables.

Each event's code is the engine action whose right the act used, so one code covers several
acts (the drafter's right drafts, submits and withdraws a plan). The steps are named here by
their change of state, and the codes the services write that are no engine action by their
own label; see :mod:`approvals.audit.labels`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from approvals.audit.labels import ANY, StepLabel, register_action_labels, register_step_labels

PLAN = "plans.plan"
DOSSIER = "nominations.dossier"

_registered = False


def register() -> None:
    """Register the workflows' labels once (called from the apps' ``ready``)."""
    global _registered
    if _registered:
        return
    _registered = True
    register_action_labels(
        {
            "plans.edit_plan": _("Edited the draft (new revision)"),
            "plans.close_consultation": _("Closed the consultation"),
            "plans.sign_plan_refused": _("Signing refused"),
            "plans.issue_plan_refused": _("Numbering and dispatch refused"),
            "nominations.decide_dossier_refused": _("Signing the decision refused"),
            "nominations.number_decision_refused": _("Numbering the decision refused"),
            "nominations.import_households": _("Imported the households"),
            "nominations.import_votes": _("Imported the votes"),
            "nominations.add_disqualification": _("Recorded a disqualification"),
            "nominations.change_disqualification": _("Corrected a disqualification"),
            "nominations.add_discipline": _("Recorded a disciplinary measure"),
            "nominations.change_discipline": _("Corrected a disciplinary measure"),
            "nominations.add_performancerating": _("Recorded a performance rating"),
            "nominations.change_performancerating": _("Corrected a performance rating"),
        }
    )
    # the other steps keep their engine action's name ("Duyệt bản thảo (lãnh đạo đơn vị)")
    register_step_labels(
        [
            StepLabel(PLAN, "plans.draft_plan", "", "draft", _("Created the draft")),
            StepLabel(PLAN, ANY, ANY, "withdrawn", _("Withdrew the plan")),
            StepLabel(PLAN, "plans.draft_plan", "draft", ANY, _("Submitted the plan")),
            StepLabel(PLAN, ANY, ANY, "draft", _("Returned to the drafter")),
            StepLabel(DOSSIER, ANY, ANY, "returned", _("Returned for supplement")),
        ]
    )
