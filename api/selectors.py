"""Reads for the API, all through the grievances selectors and the access gate."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from grievances.access import staff_access_for
from grievances.inbox import (
    InboxFilters,
    apply_filters,
    apply_tab,
    decode_cursor,
    due_soon_cutoff,
    page_rows,
)
from grievances.models import Grievance
from grievances.selectors import grievance_list_for_user
from offices.models import Upazila


@dataclass(frozen=True)
class GrievanceListQuery:
    status: str = ""
    category_id: int | None = None
    channel: str = ""
    upazila_id: int | None = None
    district_id: int | None = None
    division_id: int | None = None
    assignee_id: int | None = None
    overdue: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str = ""
    sort: str = "due"


@dataclass
class GrievancePage:
    rows: list[Grievance]
    next_cursor: str


def inbox_filters_for(query: GrievanceListQuery) -> InboxFilters:
    # The inbox's "all" tab (or its "overdue" tab, THE overdue definition), with its filters
    # and its keyset sorts: the same indexes serve the API's pages.
    return InboxFilters(
        tab="overdue" if query.overdue else "all",
        sort=query.sort,
        q=query.q,
        category_id=query.category_id,
        channel=query.channel,
        upazila_id=query.upazila_id,
        district_id=query.district_id,
        division_id=query.division_id,
        assignee_id=query.assignee_id,
        received_from=query.received_from,
        received_to=query.received_to,
    )


def cursor_is_valid(*, query: GrievanceListQuery, cursor: str) -> bool:
    return not cursor or decode_cursor(filters=inbox_filters_for(query), cursor=cursor) is not None


def grievance_page_for_user(
    *,
    user: User,
    query: GrievanceListQuery,
    cursor: str = "",
    page_size: int,
    now: datetime | None = None,
) -> GrievancePage:
    """One keyset page of the grievances `user` reads in lists (the inbox's office scope).
    No OFFSET, no count: the next page starts after the cursor's row."""
    now = now or timezone.now()
    filters = inbox_filters_for(query)
    staff = staff_access_for(user)
    qs = apply_filters(
        grievance_list_for_user(user=user), filters, name_scope=staff.sees_contact_filter()
    )
    qs = apply_tab(
        qs, tab=filters.tab, user_id=user.pk, now=now, due_soon_until=due_soon_cutoff(now)
    )
    if query.status:
        qs = qs.filter(status=query.status)
    if query.overdue is False:
        qs = qs.exclude(pk__in=Grievance.objects.overdue(now).values("pk"))
    # Only the joins the list shows (office names, the assignee): each join of this heavily
    # indexed table costs PostgreSQL milliseconds of planning, more than running the page.
    qs = qs.select_related(None).select_related("office", "assigned_to")
    rows, next_cursor = page_rows(qs, filters=filters, cursor=cursor, page_size=page_size)
    return GrievancePage(rows=rows, next_cursor=next_cursor)


def facebook_source(*, grievance: Grievance) -> list[dict[str, Any]]:
    """The Facebook comments and posts the grievance came from (the integration's rows, read
    through the reverse relation it declares; nothing when the integration is not installed)."""
    items = getattr(grievance, "facebook_items", None)
    if items is None:
        return []
    return list(
        items.order_by("created_time", "pk").values(
            "graph_id",
            "kind",
            "post_id",
            "parent_id",
            "author_name",
            "message",
            "created_time",
            "is_edited",
            "is_hidden",
            "is_removed",
        )
    )


def upazilas_for_offices(office_ids: list[int] | None) -> QuerySet[Upazila]:
    """The upazilas of the districts of these offices (None: all)."""
    upazilas = Upazila.objects.all()
    if office_ids is not None:
        upazilas = upazilas.filter(district__offices__in=office_ids).distinct()
    return upazilas
