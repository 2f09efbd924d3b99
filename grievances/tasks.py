"""Grievance work that runs outside the request: reply delivery and the deadline sweep."""

from celery import shared_task
from django.conf import settings
from django.utils.module_loading import import_string

from grievances.models import Reply, ReplyState


@shared_task
def reply_deliver_task(*, reply_id: int) -> None:
    """Deliver one public reply. Safe to run twice: a sent reply is left alone.

    A citizen-only reply is delivered once it is on the tracking page (the citizen's SMS or
    e-mail follows its PUBLIC_REPLY event). A Facebook reply goes to the function named by
    `GRIEVANCE_REPLY_DELIVERY`, called as `deliver(reply=reply)`; it owns the Graph call and
    the sending/sent/failed states. grievances never imports the Facebook integration.
    """
    from grievances.services import reply_mark_sent, reply_record_undeliverable

    reply = Reply.objects.filter(pk=reply_id).first()
    if reply is None or reply.state == ReplyState.SENT:
        return
    if not reply.to_facebook:
        reply_mark_sent(reply=reply)
        return
    try:
        deliver = import_string(settings.GRIEVANCE_REPLY_DELIVERY)
    except ImportError as exc:
        reply_record_undeliverable(
            reply=reply,
            error=f"Facebook delivery is not available ({settings.GRIEVANCE_REPLY_DELIVERY}): {exc}",
        )
        return
    deliver(reply=reply)


@shared_task
def reply_sweep_task(*, older_than_minutes: int = 2) -> int:
    """Beat: queue delivery again for citizen-only replies whose task was lost."""
    from datetime import timedelta

    from grievances.selectors import reply_ids_stuck_in_queue

    ids = reply_ids_stuck_in_queue(older_than=timedelta(minutes=older_than_minutes))
    for reply_id in ids:
        reply_deliver_task.delay(reply_id=reply_id)
    return len(ids)


@shared_task
def grievance_deadline_sweep_task() -> int:
    """Beat: fan out one deadline check per office that has open or resolved grievances."""
    from grievances.escalation import offices_with_live_grievances

    office_ids = offices_with_live_grievances()
    for office_id in office_ids:
        grievance_deadlines_office_task.delay(office_id=office_id)
    return len(office_ids)


@shared_task
def grievance_deadlines_office_task(*, office_id: int) -> dict[str, int]:
    """Reminders, escalations, ignored posts, interim updates, auto-close for one office.
    Every step is idempotent: a second run the same day changes nothing."""
    from grievances.escalation import office_deadlines_run

    return office_deadlines_run(office_id=office_id)


@shared_task
def grievance_notify_citizen_task(*, event_id: int) -> None:
    """SMS / e-mail the citizen about a public event. Safe to run twice (one message per event).

    Services no longer queue it: the messages are written with the event, in its transaction.
    It stays for tasks queued before that change and for re-sending by hand.
    """
    from grievances.models import GrievanceEvent
    from grievances.services import grievance_notify_citizen

    event = (
        GrievanceEvent.objects.select_related("grievance", "to_office").filter(pk=event_id).first()
    )
    if event is None:  # rolled back or deleted since it was queued
        return
    grievance_notify_citizen(event=event)
