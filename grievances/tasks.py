"""Grievance work that runs outside the request: reply delivery and the deadline sweep."""

from celery import shared_task

from grievances.models import Reply, ReplyState


@shared_task
def reply_deliver_task(*, reply_id: int) -> None:
    """Deliver one public reply: the one entry point, first attempt and every retry alike.
    Safe to run twice: a sent reply is left alone, and a reply another attempt holds waits.

    The channel is `grievances.services.reply_dispatch`'s to choose: the tracking page, or
    the Facebook channel its app registered (grievances/reply_channels.py).
    """
    from grievances.services import reply_dispatch

    reply = Reply.objects.filter(pk=reply_id).first()
    if reply is None or reply.state == ReplyState.SENT:
        return
    reply_dispatch(reply=reply)


@shared_task
def reply_sweep_task() -> int:
    """Beat: queue delivery again for every undelivered reply that is due and has no task on
    the way (a lost task, a Redis restart, a wait longer than a countdown may be)."""
    from grievances.selectors import reply_ids_due_again

    ids = reply_ids_due_again()
    for reply_id in ids:
        reply_deliver_task.delay(reply_id=reply_id)
    return len(ids)


@shared_task
def grievance_deadline_sweep_task() -> int:
    """Beat: fan out one deadline check per active office."""
    from grievances.escalation import active_office_ids

    office_ids = active_office_ids()
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


@shared_task
def citizen_leftovers_sweep_task() -> dict[str, int]:
    """Beat: files kept for a next submit that never came, and old one-time filing tokens."""
    from grievances.pending_uploads import pending_sweep
    from grievances.services import filing_tokens_purge

    return {"pending_files": pending_sweep(), "filing_tokens": filing_tokens_purge()}
