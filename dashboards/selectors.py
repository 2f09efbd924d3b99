"""Who sees which dashboard, and the few reads that are not summaries (DESIGN.md §7):

- national staff and superusers: every district (`/dashboard/`, every district page);
- members of a divisional office: the national page limited to their division(s), and the
  pages of their division's districts;
- members of a DC office (head, GRO, officer) and of an upazila office: their district's page
  (`/dashboard/` sends them there);
- anyone else signed in: 404. `/stats/` is public.

The access itself is asked of `grievances/access.py` (`staff_access_for`): this module only
turns the user's offices into districts.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.http import Http404

from accounts.models import User
from grievances.access import access_for, staff_access_for
from grievances.models import Grievance
from offices.models import District, Division, Office, OfficeKind
from offices.selectors import name_order


@dataclass(frozen=True, slots=True)
class DashboardScope:
    national: bool  # sees every district
    division_ids: tuple[int, ...]  # divisional office members: their divisions
    district_ids: tuple[int, ...]  # every district the user may see (empty when national)

    @property
    def sees_any(self) -> bool:
        return self.national or bool(self.district_ids)

    @property
    def sees_overview(self) -> bool:
        """The national page (for a division, limited to it)."""
        return self.national or bool(self.division_ids)

    def may_see_district(self, district_id: int) -> bool:
        return self.national or district_id in self.district_ids

    def visible_district_ids(self) -> list[int] | None:
        """None: every district."""
        return None if self.national else list(self.district_ids)


def dashboard_scope_for(user: User | AnonymousUser) -> DashboardScope:
    staff = staff_access_for(user)
    if staff.reads_everything:
        return DashboardScope(national=True, division_ids=(), district_ids=())
    offices = list(
        Office.objects.filter(pk__in=list(staff.roles)).values("kind", "division_id", "district_id")
    )
    divisions = sorted({o["division_id"] for o in offices if o["kind"] == OfficeKind.DIVISION})
    districts = {o["district_id"] for o in offices if o["district_id"] is not None}
    if divisions:
        districts |= set(
            District.objects.filter(division_id__in=divisions).values_list("pk", flat=True)
        )
    return DashboardScope(
        national=False, division_ids=tuple(divisions), district_ids=tuple(sorted(districts))
    )


def district_get_for_scope(*, scope: DashboardScope, slug: str) -> District:
    """The district of a page, or 404 for one the user may not see (as for any other office)."""
    district = District.objects.select_related("division").filter(slug=slug).first()
    if district is None or not scope.may_see_district(district.pk):
        raise Http404
    return district


def district_list(district_ids: list[int] | None = None) -> list[District]:
    qs = District.objects.select_related("division").order_by(name_order())
    if district_ids is not None:
        qs = qs.filter(pk__in=district_ids)
    return list(qs)


def division_list(division_ids: list[int] | None = None) -> list[Division]:
    qs = Division.objects.order_by(name_order())
    if division_ids is not None:
        qs = qs.filter(pk__in=division_ids)
    return list(qs)


@dataclass(frozen=True, slots=True)
class OverdueRow:
    grievance: Grievance
    may_read: bool


def oldest_overdue(
    *, user: User | AnonymousUser, district: District, now: datetime, limit: int = 10
) -> list[OverdueRow]:
    """The district's oldest overdue grievances (`Grievance.objects.overdue`), read on the
    district's open-deadline index; a link only for users who may read each one."""
    rows = (
        Grievance.objects.overdue(now)
        .filter(district=district)
        .select_related("office", "category", "upazila")
        .order_by("sort_due_at", "id")[:limit]
    )
    return [OverdueRow(g, access_for(user, g).may_read) for g in rows]


def officer_workload(*, district: District) -> list[tuple[User | None, int]]:
    """Open grievances per assignee in the district's offices (open rows only, on the
    offices' open-deadline indexes), the busiest first; None is "not assigned"."""
    rows = list(
        Grievance.objects.open()
        .filter(office__district=district)
        .values("assigned_to_id")
        .annotate(open=Count("*"))  # not "id": counted from the index alone
        .order_by("-open", "assigned_to_id")
    )
    users = User.objects.in_bulk([r["assigned_to_id"] for r in rows if r["assigned_to_id"]])
    return [(users.get(r["assigned_to_id"]), r["open"]) for r in rows]


@dataclass(frozen=True, slots=True)
class PageHealth:
    district_id: int
    name: str
    state: str
    token_valid: bool
    last_synced_at: datetime | None
    paused: bool
    has_error: bool


def facebook_page_health(
    district_ids: list[int] | None, now: datetime
) -> dict[int, list[PageHealth]]:
    """The DC offices' Facebook pages: connected, token valid, last sync, paused. Read through
    the app registry, since dashboards and the Facebook integration do not import each other;
    empty when the integration is not installed."""
    if not apps.is_installed("integrations.facebook"):
        return {}
    page_model = apps.get_model("facebook", "FacebookPage")
    pages = page_model.objects.select_related("office").order_by("pk")
    if district_ids is not None:
        pages = pages.filter(office__district_id__in=district_ids)
    health: dict[int, list[PageHealth]] = {}
    for page in pages:
        if page.office.district_id is None:
            continue
        paused = page.state == "paused" or bool(
            page.writes_paused_until and page.writes_paused_until > now
        )
        health.setdefault(page.office.district_id, []).append(
            PageHealth(
                district_id=page.office.district_id,
                name=page.name,
                state=page.get_state_display(),
                token_valid=page.state != "needs_reauth" and bool(page.token_ciphertext),
                last_synced_at=page.last_synced_at,
                paused=paused,
                has_error=bool(page.last_error),
            )
        )
    return health
