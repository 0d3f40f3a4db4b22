"""Every change to a nomination dossier and its candidates goes through these services.

Candidates move in bulk: one statement changes the state of all candidates at a step,
and their audit events are written with one head lock in batches. Each service runs in
one transaction and locks the dossier row.

- :mod:`.dossiers`: opening a dossier; :mod:`.registration`: its candidates and reports;
- :mod:`.eligibility`: the titles' criteria, checked at registration and again later;
- :mod:`.meetings`, :mod:`.posting`, :mod:`.submission`, :mod:`.council`: the steps;
- :mod:`.decisions`: the signed and numbered decision, and a title's revocation;
- :mod:`.paper_decisions`: a decision issued on paper, recorded after the fact.
"""

from __future__ import annotations

from workflows.nominations.recognition import consecutive_years_after, decision_content
from workflows.nominations.services._common import (
    APPRAISE,
    CANDIDATE,
    COUNCIL,
    DECIDE,
    INQUORATE_MEETING,
    MEETING,
    NUMBER,
    PAPER_DECISION,
    POSTING,
    REGISTER,
    REVOKE,
    SUBMIT,
    VOTES_BATCH,
    candidate_label,
    dossier_rules,
)
from workflows.nominations.services.council import council_record
from workflows.nominations.services.decisions import (
    _recognise,
    candidate_revoke,
    decision_checks,
    decision_issue,
    decision_issue_check,
    dossier_decide,
)
from workflows.nominations.services.dossiers import deciding_unit_for, dossier_create
from workflows.nominations.services.meetings import meeting_record
from workflows.nominations.services.paper_decisions import (
    PaperSignerRefused,
    paper_decision_record,
)
from workflows.nominations.services.posting import objection_record, posting_open
from workflows.nominations.services.registration import (
    candidate_report_record,
    candidates_register,
    models_q,
)
from workflows.nominations.services.submission import (
    dossier_accept,
    dossier_return,
    dossier_submit,
)

__all__ = [
    "APPRAISE",
    "CANDIDATE",
    "COUNCIL",
    "DECIDE",
    "INQUORATE_MEETING",
    "MEETING",
    "NUMBER",
    "PAPER_DECISION",
    "POSTING",
    "REGISTER",
    "REVOKE",
    "SUBMIT",
    "VOTES_BATCH",
    "PaperSignerRefused",
    "_recognise",
    "candidate_label",
    "candidate_report_record",
    "candidate_revoke",
    "candidates_register",
    "consecutive_years_after",
    "council_record",
    "deciding_unit_for",
    "decision_checks",
    "decision_content",
    "decision_issue",
    "decision_issue_check",
    "dossier_accept",
    "dossier_create",
    "dossier_decide",
    "dossier_return",
    "dossier_rules",
    "dossier_submit",
    "meeting_record",
    "models_q",
    "objection_record",
    "paper_decision_record",
    "posting_open",
]
