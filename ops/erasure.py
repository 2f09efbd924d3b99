"""Retention of citizens' personal data: erased some years after a grievance is closed.

What goes (PERSONAL_DATA_RETENTION_YEARS after `closed_at`; default 5): the citizen's name,
mobile number and e-mail on the grievance, the Facebook author's id and name on its comments
and posts (in their raw JSON too, as Meta's data-deletion callback does), and its attachments
(the files and their rows). What stays is the anonymous record the statistics are made of:
office, category, channel, status, tier, outcome, every date, the events and the feedback.

Only closed grievances count (`closed` is final). A duplicate or a "not a grievance" has no
closing time and is left alone; so are grievances whose data is already gone (the query asks
for something left to erase, so a nightly run over erased rows does nothing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from grievances.attachments import attachment_storage
from grievances.models import Attachment, Grievance, GrievanceEvent, GrievanceStatus
from integrations.facebook.models import FacebookComment

logger = logging.getLogger(__name__)

BATCH = 500
NOTE = "Personal data erased: closed more than {years} years ago (retention rule)."


@dataclass
class ErasureResult:
    grievances: int = 0
    comments: int = 0
    attachments: int = 0


def retention_cutoff(now: datetime, years: int) -> datetime:
    """`now` minus `years` calendar years (29 February becomes 28 February)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def grievances_due_for_erasure(now: datetime, years: int) -> QuerySet[Grievance]:
    has_comment_author = Exists(
        FacebookComment.objects.filter(grievance=OuterRef("pk")).filter(
            ~Q(author_name="") | ~Q(author_id="")
        )
    )
    has_attachment = Exists(Attachment.objects.filter(grievance=OuterRef("pk")))
    return Grievance.objects.filter(
        status=GrievanceStatus.CLOSED, closed_at__lt=retention_cutoff(now, years)
    ).filter(
        ~Q(citizen_name="")
        | ~Q(citizen_phone="")
        | ~Q(citizen_email="")
        | Q(show_name_publicly=True)
        | has_comment_author
        | has_attachment
    )


@transaction.atomic
def _erase_batch(ids: list[int], years: int, result: ErasureResult) -> list[str]:
    """Erase one batch; return the attachment files to delete once it has committed."""
    grievances = list(Grievance.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for grievance in grievances:
        grievance.citizen_name = ""
        grievance.citizen_phone = ""
        grievance.citizen_email = ""
        grievance.show_name_publicly = False
    Grievance.objects.bulk_update(
        grievances, ["citizen_name", "citizen_phone", "citizen_email", "show_name_publicly"]
    )
    comments = list(FacebookComment.objects.select_for_update().filter(grievance_id__in=ids))
    for comment in comments:
        comment.author_id, comment.author_name = "", ""
        comment.raw = {
            k: v for k, v in comment.raw.items() if k not in ("from", "sender_id", "sender_name")
        }
    FacebookComment.objects.bulk_update(comments, ["author_id", "author_name", "raw"])
    attachments = list(Attachment.objects.filter(grievance_id__in=ids))
    files = [a.file.name for a in attachments if a.file.name]
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    GrievanceEvent.objects.bulk_create(
        GrievanceEvent(
            grievance=grievance, kind=GrievanceEvent.Kind.NOTE, note=NOTE.format(years=years)
        )
        for grievance in grievances
    )
    result.grievances += len(grievances)
    result.comments += len(comments)
    result.attachments += len(attachments)
    return files


def personal_data_erase(now: datetime | None = None, years: int | None = None) -> ErasureResult:
    """Erase what the retention rule says is due; safe to run again at any time."""
    now = now or timezone.now()
    years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
    result = ErasureResult()
    storage = attachment_storage()
    while True:
        ids = list(
            grievances_due_for_erasure(now, years)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            break
        for name in _erase_batch(ids, years, result):
            storage.delete(name)
    if result.grievances:
        logger.info(
            "retention: personal data erased from %d grievances (%d Facebook items, %d files)",
            result.grievances,
            result.comments,
            result.attachments,
        )
    return result
