"""The nomination pages: dossiers, their steps, the decision, and the secretary's dashboard.

Reads go through :mod:`workflows.nominations.selectors`; every change goes through
:mod:`workflows.nominations.flow_actions` (which keeps the dossier's workflow in step) or,
for what is not a step (households import, objections, revocations), through the services.
A refused action renders the page again with the reason and the form as typed; a dossier
outside the user's reach answers 404.
"""

from __future__ import annotations

from workflows.nominations.views.dashboard import dashboard, dashboard_export
from workflows.nominations.views.detail import dossier_detail
from workflows.nominations.views.documents import decision_file, recognised_file
from workflows.nominations.views.dossiers import dossier_list, dossier_new
from workflows.nominations.views.households import household_detail
from workflows.nominations.views.paper import paper_decision
from workflows.nominations.views.steps import (
    appraise,
    council,
    decide_dossier,
    households_upload,
    issue,
    meeting,
    objection,
    posting,
    register_all,
    report,
    revoke,
    submit,
)

__all__ = [
    "appraise",
    "council",
    "dashboard",
    "dashboard_export",
    "decide_dossier",
    "decision_file",
    "dossier_detail",
    "dossier_list",
    "dossier_new",
    "household_detail",
    "households_upload",
    "issue",
    "meeting",
    "objection",
    "paper_decision",
    "posting",
    "recognised_file",
    "register_all",
    "report",
    "revoke",
    "submit",
]
