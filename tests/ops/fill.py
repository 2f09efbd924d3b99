"""A database with something of every kind, for the restore drill and the retention tests."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from grievances.attachments import attachment_storage
from grievances.models import Attachment, Grievance, Reply, ReplyState
from integrations.facebook.models import (
    FacebookComment,
    FacebookPage,
    FacebookPrivateReply,
    WebhookDelivery,
)
from offices.models import Office
from tests.grievances.factories import GrievanceFactory

CITIZEN_ID, CITIZEN_NAME = "7023456789012345", "Rahima Begum"


def png_bytes(colour: tuple[int, int, int] = (0, 90, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, format="PNG")
    return out.getvalue()


def attachment_add(grievance: Grievance, content: bytes | None = None) -> Attachment:
    content = content or png_bytes()
    name = attachment_storage().save(f"{grievance.pk}/scan.png", ContentFile(content))
    return Attachment.objects.create(
        grievance=grievance,
        file=name,
        original_name="scan.png",
        content_type="image/png",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def facebook_grievance(office: Office, page: FacebookPage, n: int, **fields: Any) -> Grievance:
    grievance = GrievanceFactory(
        office=office, channel="facebook_comment", citizen_name=CITIZEN_NAME, **fields
    )
    comment = FacebookComment.objects.create(
        graph_id=f"{page.page_id}_1221_{n}",
        page=page,
        post_id=f"{page.page_id}_1221",
        parent_id=f"{page.page_id}_1221",
        author_id=CITIZEN_ID,
        author_name=CITIZEN_NAME,
        message=f"রাস্তা ভাঙা, অভিযোগ {n}",
        created_time=timezone.now(),
        raw={"from": {"id": CITIZEN_ID, "name": CITIZEN_NAME}, "message": "রাস্তা ভাঙা"},
        grievance=grievance,
    )
    FacebookPrivateReply.objects.create(comment=comment, state="sent", sent_at=timezone.now())
    return grievance


def fill(office: Office, page: FacebookPage, *, grievances: int = 12) -> list[Grievance]:
    made = []
    for n in range(grievances):
        if n % 3 == 0:
            grievance = facebook_grievance(office, page, n)
        else:
            grievance = GrievanceFactory(
                office=office,
                citizen_name=f"নাগরিক {n}",
                citizen_phone="01711234567",
                citizen_email=f"citizen{n}@example.org",
            )
        Reply.objects.create(grievance=grievance, body=f"উত্তর {n}", state=ReplyState.QUEUED)
        if n % 2 == 0:
            attachment_add(grievance, png_bytes((n * 10 % 255, 80, 160)))
        made.append(grievance)
    WebhookDelivery.objects.create(body=b'{"object":"page","entry":[]}', signature="sha256=ab")
    return made
