"""Reads for Open311: what any member of the public may see of a grievance, and nothing more.

The public tracking page is the measure (DESIGN.md §3.2): status, office, category, place and
dates, and the office's public replies. Never the citizen's name, phone, e-mail, description,
files or coordinates, never internal notes. Grievances set aside as "not a grievance" (spam,
abuse, praise) are not service requests and are not listed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, Subquery

from grievances.models import (
    OPEN_STATUSES,
    Category,
    Grievance,
    GrievanceEvent,
    GrievanceStatus,
)
from open311.models import Open311Token

# Open311 knows two states. "Resolved" is closed: the office has published its answer (the
# citizen may still reopen or appeal, and it then reads open again).
OPEN311_OPEN = tuple(str(s) for s in OPEN_STATUSES)
OPEN311_CLOSED = (
    str(GrievanceStatus.RESOLVED),
    str(GrievanceStatus.CLOSED),
    str(GrievanceStatus.DUPLICATE),
)
OPEN311_STATUSES = {"open": OPEN311_OPEN, "closed": OPEN311_CLOSED}

# The specification's default: a span of 90 days or the first 1,000 requests, whichever is
# smaller.
MAX_SPAN_DAYS = 90
MAX_REQUESTS = 1000


def open311_status(status: str) -> str:
    return "open" if status in OPEN311_OPEN else "closed"


def service_list() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by("sort_order", "name_en"))


def service_get(*, service_code: str) -> Category | None:
    return Category.objects.filter(slug=service_code, is_active=True).first()


@dataclass(frozen=True)
class RequestQuery:
    """A GET requests query, already checked: either ids, or a window with filters."""

    ids: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # "open" / "closed"


Names = tuple[str, str]  # (English, Bangla)


@dataclass(frozen=True, slots=True)
class PublicRequest:
    """One service request as anyone may see it: plain values, no model rows (a page holds a
    thousand of them)."""

    id: int
    code: str
    status: str
    received_at: datetime
    updated_at: datetime
    deadline: datetime | None  # the current one, while open
    office: Names
    district: Names
    latitude: float | None
    longitude: float | None
    upazila: Names | None
    service_code: str | None
    service: Names | None
    status_notes: str


_COLUMNS = (
    "id",
    "tracking_code",
    "status",
    "received_at",
    "last_public_update_at",
    "resolved_at",
    "closed_at",
    "due_at",
    "first_response_due_at",
    "office__name_en",
    "office__name_bn",
    "district__name_en",
    "district__name_bn",
    "district__latitude",
    "district__longitude",
    "upazila__name_en",
    "upazila__name_bn",
    "category__slug",
    "category__name_en",
    "category__name_bn",
)


def _public_request(row: tuple) -> PublicRequest:
    (pk, code, status, received, public_update, resolved, closed, due, first_due) = row[:9]
    (office_en, office_bn, district_en, district_bn, lat, lon) = row[9:15]
    (upazila_en, upazila_bn, slug, service_en, service_bn, notes) = row[15:]
    return PublicRequest(
        id=pk,
        code=code,
        status=open311_status(status),
        received_at=received,
        updated_at=max(m for m in (received, public_update, resolved, closed) if m is not None),
        deadline=(due or first_due) if status in OPEN311_OPEN else None,
        office=(office_en, office_bn),
        district=(district_en, district_bn),
        latitude=float(lat) if lat is not None else None,
        longitude=float(lon) if lon is not None else None,
        upazila=(upazila_en, upazila_bn) if upazila_en is not None else None,
        service_code=slug,
        service=(service_en, service_bn) if slug is not None else None,
        status_notes=notes or "",
    )


def request_list(*, query: RequestQuery) -> list[PublicRequest]:
    """Newest first, at most MAX_REQUESTS, in one query (two with a service_code): an index
    range on `received_at` (open311's indexes), each row with its latest public note."""
    grievances = Grievance.objects.filter(status__in=OPEN311_OPEN + OPEN311_CLOSED)
    if query.ids:
        ids = [code.upper() for code in query.ids[:MAX_REQUESTS]]
        grievances = grievances.filter(tracking_code__in=ids)
    else:
        assert query.start is not None  # noqa: S101  # the view fills in the window
        assert query.end is not None  # noqa: S101
        grievances = grievances.filter(received_at__gte=query.start, received_at__lte=query.end)
        if query.service_codes:
            # Ids first (a tiny query), so one service reads its own index range
            # (category, received_at) rather than the whole window joined to categories.
            category_ids = list(
                Category.objects.filter(slug__in=query.service_codes).values_list("pk", flat=True)
            )
            grievances = grievances.filter(category_id__in=category_ids)
        if query.statuses:
            wanted = [s for status in query.statuses for s in OPEN311_STATUSES[status]]
            grievances = grievances.filter(status__in=wanted)
    rows = (
        grievances.annotate(status_notes=_latest_public_note())
        .order_by("-received_at", "-id")
        .values_list(*_COLUMNS, "status_notes")[:MAX_REQUESTS]
    )
    return [_public_request(row) for row in rows]


def request_get(*, service_request_id: str) -> PublicRequest | None:
    found = request_list(query=RequestQuery(ids=(service_request_id,)))
    return found[0] if found else None


def _latest_public_note() -> Subquery:
    """The office's latest words on the grievance, as its tracking page shows them: a public
    reply by staff, or the answer published when it was resolved. A subquery per row returned
    (an index lookup on the grievance's events), so one statement serves the whole page."""
    office_words = Q(kind=GrievanceEvent.Kind.PUBLIC_REPLY) | Q(
        kind=GrievanceEvent.Kind.STATUS_CHANGED, to_status=GrievanceStatus.RESOLVED
    )
    events = (
        GrievanceEvent.objects.filter(
            office_words, grievance_id=OuterRef("pk"), is_public=True, actor__isnull=False
        )
        .exclude(note="")
        .order_by("-created_at", "-pk")
        .values("note")[:1]
    )
    return Subquery(events)


def token_get(*, token: str) -> Open311Token | None:
    return Open311Token.objects.select_related("grievance").filter(token=token[:32]).first()
