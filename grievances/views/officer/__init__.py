"""The officers' pages: inbox, grievance page and its actions, new entries, notifications.

Thin views: a form parses, a selector reads (scoped to the user's offices: another office's
grievance is a 404), a service writes. Every action is a plain POST form that works without
JavaScript. What a user may do is the access gate's answer (grievances/access.py): national
viewers read everything and change nothing (403 on every write).
"""

from grievances.views.officer.actions import grievance_action, reply_retry, reply_send
from grievances.views.officer.detail import grievance_detail
from grievances.views.officer.entry import grievance_new
from grievances.views.officer.inbox import inbox, inbox_bulk, notifications

__all__ = [
    "grievance_action",
    "grievance_detail",
    "grievance_new",
    "inbox",
    "inbox_bulk",
    "notifications",
    "reply_retry",
    "reply_send",
]
