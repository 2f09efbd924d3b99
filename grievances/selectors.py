"""Every read of grievances that depends on who is asking starts here."""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from grievances.access import access_for, staff_access_for
from grievances.deadlines import label_deadlines
from grievances.inbox import (
    DEFAULT_TAB,
    InboxFilters,
    InboxPage,
    apply_filters,
    apply_tab,
    capped_counts,
    due_soon_cutoff,
    page_rows,
    tabs_for,
    with_tab,
)
from grievances.models import (
    Attachment,
    Category,
    Grievance,
    GrievanceEvent,
    GrievanceQuerySet,
    Reply,
    ReplyState,
    StaffNotification,
)
from grievances.reply_channels import FACEBOOK, reply_channel
from grievances.tracking import access_key_matches, normalise_tracking_code
from grievances.workflow import SENDING_LEASE
from offices.models import Office

# What a grievance page and a list row show with the grievance: one query, not four.
_GRIEVANCE_RELATED = ("office", "district", "category", "assigned_to")


def grievance_list_for_user(*, user: User | AnonymousUser) -> GrievanceQuerySet:
    """The grievances `user` reads in their office's lists: their offices' only; national staff
    read all (the gate's read rule, grievances/access.py)."""
    office_ids = staff_access_for(user).readable_office_ids()
    grievances = Grievance.objects.select_related(*_GRIEVANCE_RELATED)
    if office_ids is None:
        return grievances.all()
    return grievances.for_offices(office_ids)


def grievance_list_escalated_to_user(*, user: User | AnonymousUser) -> GrievanceQuerySet:
    """Other offices' grievances escalated to the appeal officer's office where `user` is GRO
    or head (DESIGN.md §5.4, level 3): they may read them, never change them (the gate's rule).
    Not in the inbox: the escalation notification links to each one."""
    escalated = staff_access_for(user).escalated_to_me()
    if escalated is None:
        return Grievance.objects.none()
    return Grievance.objects.select_related(*_GRIEVANCE_RELATED).filter(escalated)


def grievance_get_for_user(*, user: User | AnonymousUser, pk: int) -> Grievance:
    """404, not 403, for a grievance the gate does not let `user` read: don't reveal that it
    exists. The appeal officer's office also reads its districts' escalated grievances."""
    grievance = (
        Grievance.objects.select_related(*_GRIEVANCE_RELATED, "upazila").filter(pk=pk).first()
    )
    if grievance is None or not access_for(user, grievance).may_read:
        raise Http404
    return grievance


def grievance_get_for_user_to_change(*, user: User | AnonymousUser, pk: int) -> Grievance:
    """Only the owner office's staff change a grievance: national viewers and the appeal
    officer reading an escalation are refused (403: they may see it); anyone else gets 404."""
    grievance = grievance_get_for_user(user=user, pk=pk)
    access_for(user, grievance).ensure_may_act()
    return grievance


def grievance_get_by_tracking_code(*, code: str) -> Grievance | None:
    """For the public tracking page. The code is not a secret; what the page shows is public."""
    normalised = normalise_tracking_code(code)
    if normalised is None:
        return None
    return (
        Grievance.objects.select_related("office", "district", "upazila", "category")
        .filter(tracking_code=normalised)
        .first()
    )


def grievance_get_for_citizen(*, code: str, key: str) -> Grievance | None:
    """The citizen's own view: only with the right access key. A wrong key looks like no key."""
    grievance = grievance_get_by_tracking_code(code=code)
    if grievance is None or not access_key_matches(key=key, key_hash=grievance.access_key_hash):
        return None
    return grievance


def category_list() -> list[Category]:
    return list(Category.objects.filter(is_active=True))


# --- the officers' inbox and grievance page ---------------------------------------------------


def grievance_inbox_for_user(
    *,
    user: User,
    filters: InboxFilters,
    cursor: str = "",
    now: datetime | None = None,
    sees_appeals: bool = True,
) -> InboxPage:
    """One keyset page of a tab, and every tab's capped count (plus unread notifications).
    Each row carries `.deadline` (grievances.deadlines). Tabs about one's own work are left
    out for users handed none (`InboxPage.counts` names the tabs shown)."""
    now = now or timezone.now()
    staff = staff_access_for(user)
    base = apply_filters(
        grievance_list_for_user(user=user), filters, name_scope=staff.sees_contact_filter()
    )
    due_soon_until = due_soon_cutoff(now)
    tabs = {
        tab: apply_tab(base, tab=tab, user_id=user.pk, now=now, due_soon_until=due_soon_until)
        for tab in tabs_for(has_own_work=staff.has_own_work(), sees_appeals=sees_appeals)
    }
    if filters.tab not in tabs:
        filters = with_tab(filters, DEFAULT_TAB)
    shown = tabs[filters.tab].select_related("upazila", "triage")
    rows, next_cursor = page_rows(shown, filters=filters, cursor=cursor)
    label_deadlines(rows, now=now, due_soon_until=due_soon_until)
    unread = (
        "SELECT 1 FROM grievances_staffnotification WHERE user_id = %s AND read_at IS NULL",
        [user.pk],
    )
    counts = capped_counts(tabs, extra={"notifications": unread})
    return InboxPage(rows=rows, tab=filters.tab, next_cursor=next_cursor, counts=counts)


def grievance_list_for_user_by_ids(*, user: User, ids: list[int]) -> GrievanceQuerySet:
    """The subset of `ids` that `user` may read (bulk actions): the others silently drop out."""
    return grievance_list_for_user(user=user).filter(pk__in=ids).order_by("pk")


def grievance_timeline(*, grievance: Grievance) -> list[GrievanceEvent]:
    return list(
        grievance.events.select_related("actor", "from_office", "to_office").order_by(
            "created_at", "pk"
        )
    )


def reply_list_for_grievance(*, grievance: Grievance) -> list[Reply]:
    return list(grievance.replies.select_related("author").order_by("-created_at", "-pk"))


def user_hears_appeals(*, user: User) -> bool:
    """GRO or head of an office another active office appeals to (a divisional office)."""
    managed = staff_access_for(user).appeal_office_ids()
    return bool(managed) and Office.objects.filter(parent_id__in=managed, is_active=True).exists()


def staff_notification_unread_count(*, user: User, cap: int) -> int:
    """Unread notifications, counted up to `cap` (the bell shows "cap-1+" beyond it)."""
    unread = StaffNotification.objects.filter(user=user, read_at__isnull=True)
    return unread.order_by()[:cap].count()


def staff_notification_list_for_user(*, user: User, limit: int = 50) -> list[StaffNotification]:
    return list(
        StaffNotification.objects.filter(user=user)
        .select_related("grievance")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- citizens' pages ---------------------------------------------------------------------------


def grievance_public_timeline(*, grievance: Grievance) -> list[GrievanceEvent]:
    """What anyone may see happen: public events only, oldest first."""
    return list(
        grievance.events.filter(is_public=True)
        .select_related("from_office", "to_office")
        .order_by("created_at", "pk")
    )


def grievance_citizen_additions(*, grievance: Grievance) -> list[GrievanceEvent]:
    """For the citizen holding the key: what they added later, with its files."""
    return list(
        grievance.events.filter(kind=GrievanceEvent.Kind.CITIZEN_INFO)
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def attachment_list_filed(*, grievance: Grievance) -> list[Attachment]:
    """Files sent with the grievance itself (not with later additions)."""
    return list(grievance.attachments.filter(event__isnull=True).order_by("created_at", "pk"))


def attachment_list_for_grievance(*, grievance: Grievance) -> list[Attachment]:
    """Every file the citizen sent: with the grievance and with later additions, oldest first.
    For staff who may read the grievance; each is opened through `attachment_get_for_download`."""
    return list(grievance.attachments.order_by("created_at", "pk"))


def attachment_get_for_download(
    *, user: User | AnonymousUser, pk: int, code: str, key: str
) -> Attachment:
    """The citizen with the key, or an officer who may read the grievance; else 404."""
    attachment = Attachment.objects.select_related("grievance").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    grievance = attachment.grievance
    if key:
        citizen_grievance = grievance_get_for_citizen(code=code, key=key)
        if citizen_grievance is not None and citizen_grievance.pk == grievance.pk:
            return attachment
    if access_for(user, grievance).may_read:
        return attachment
    raise Http404


def reply_ids_due_again() -> list[int]:
    """Undelivered replies (`queued` or `sending`) with no task on the way: their task was
    lost (broker down, Redis restarted), an attempt died, or their wait was longer than a
    countdown may be. One with a `next_attempt_at` is due a lease after it (its own countdown
    task runs first); one without, a lease after its last change. A Facebook reply is picked
    only if the Facebook channel says it may be attempted now (not on a paused page)."""
    now = timezone.now()
    cutoff = now - SENDING_LEASE * 2
    due = Reply.objects.filter(
        Q(next_attempt_at__isnull=True, updated_at__lt=cutoff) | Q(next_attempt_at__lt=cutoff),
        state__in=[ReplyState.QUEUED, ReplyState.SENDING],
    )
    ids = list(
        due.filter(to_facebook=False).order_by("updated_at").values_list("pk", flat=True)[:1000]
    )
    facebook = reply_channel(FACEBOOK)
    if facebook is not None:
        to_facebook = facebook.may_attempt_now(due.filter(to_facebook=True), now)
        ids += to_facebook.order_by("updated_at").values_list("pk", flat=True)[:1000]
    return ids
