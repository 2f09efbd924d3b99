"""Writes to grievances and their replies, one module per part of the work:

    status      the one place a status changes (grievances/workflow.py's table)
    intake      new grievances: one, a channel's batch, an officer's entry; source changes
    handling    the office at work: accept, triage, assign, transfer, categorise, notes
    resolution  resolve, close, reopen, appeal
    citizen     what the citizen does: file, add information, feedback; forgetting a name
    notify      the citizen's SMS / e-mail (filed, and news about their grievance)
    replies     public replies: the outbox row and its delivery state
    staff       staff notifications
    triage      the classifier's suggestions, automatic set-aside and its undo, corrections
    _common     the row lock, the access gate's checks, the event

A service that changes an existing grievance locks its row first, then asks the access gate
(grievances/access.py), then writes. Creating one locks nothing (the tracking-code upsert
serialises filings per office). Not every write is here: the deadline sweep's (due-soon
warnings, escalation, interim updates, staff notifications) live in grievances/escalation.py,
which closes through `grievance_close` here.
Import from here: `from grievances.services import x` works for every public name.
"""

from grievances.services.citizen import (
    FEEDBACK_APPEAL,
    FEEDBACK_REOPEN,
    FacebookAnswer,
    feedback_record_from_facebook,
    feedback_submit,
    filing_tokens_purge,
    grievance_add_citizen_info,
    grievance_file_by_citizen,
    grievance_file_once,
    grievance_issue_facebook_link,
    grievances_forget_citizen_name,
)
from grievances.services.handling import (
    grievance_accept,
    grievance_add_note,
    grievance_assign,
    grievance_categorise,
    grievance_mark_duplicate,
    grievance_mark_not_grievance,
    grievance_set_priority,
    grievance_transfer,
)
from grievances.services.intake import (
    SOURCE_EVENT_KINDS,
    GrievanceDraft,
    SourceChange,
    grievance_create,
    grievance_create_batch,
    grievance_record_officer_entry,
    grievance_record_source_changes,
)
from grievances.services.notify import grievance_notify_citizen
from grievances.services.replies import (
    FACEBOOK_CHANNELS,
    REPLY_MAX_LENGTH,
    reply_claim,
    reply_create,
    reply_defer,
    reply_dispatch,
    reply_lock_for_attempt,
    reply_mark_failed,
    reply_mark_sent,
    reply_record_undeliverable,
    reply_requeue,
    reply_retry,
)
from grievances.services.resolution import (
    grievance_appeal,
    grievance_close,
    grievance_reopen,
    grievance_resolve,
)
from grievances.services.staff import (
    staff_notification_mark_all_read,
    staff_notification_mark_read,
    staff_notify,
    staff_notify_all,
)
from grievances.services.status import grievance_change_status
from grievances.services.triage import grievance_triage_undo, grievances_triage

__all__ = [
    "FACEBOOK_CHANNELS",
    "FEEDBACK_APPEAL",
    "FEEDBACK_REOPEN",
    "REPLY_MAX_LENGTH",
    "SOURCE_EVENT_KINDS",
    "FacebookAnswer",
    "GrievanceDraft",
    "SourceChange",
    "feedback_record_from_facebook",
    "feedback_submit",
    "filing_tokens_purge",
    "grievance_accept",
    "grievance_add_citizen_info",
    "grievance_add_note",
    "grievance_appeal",
    "grievance_assign",
    "grievance_categorise",
    "grievance_change_status",
    "grievance_close",
    "grievance_create",
    "grievance_create_batch",
    "grievance_file_by_citizen",
    "grievance_file_once",
    "grievance_issue_facebook_link",
    "grievance_mark_duplicate",
    "grievance_mark_not_grievance",
    "grievance_notify_citizen",
    "grievance_record_officer_entry",
    "grievance_record_source_changes",
    "grievance_reopen",
    "grievance_resolve",
    "grievance_set_priority",
    "grievance_transfer",
    "grievance_triage_undo",
    "grievances_forget_citizen_name",
    "grievances_triage",
    "reply_claim",
    "reply_create",
    "reply_defer",
    "reply_dispatch",
    "reply_lock_for_attempt",
    "reply_mark_failed",
    "reply_mark_sent",
    "reply_record_undeliverable",
    "reply_requeue",
    "reply_retry",
    "staff_notification_mark_all_read",
    "staff_notification_mark_read",
    "staff_notify",
    "staff_notify_all",
]
