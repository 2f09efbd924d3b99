"""The officers' inbox, its bulk actions, and staff notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core.exceptions import ApplicationError
from grievances import inbox as inbox_module
from grievances import officer_forms as f
from grievances import services
from grievances.access import staff_access_for
from grievances.inbox import TABS, InboxFilters
from grievances.models import (
    Category,
)
from grievances.officer_forms import TAB_LABELS
from grievances.selectors import (
    grievance_inbox_for_user,
    grievance_list_for_user_by_ids,
    staff_notification_list_for_user,
    user_hears_appeals,
)
from grievances.views.officer._common import (
    _category_choices,
    _form_errors,
    _member_choices,
    _upazila_choices,
)
from offices.models import District, Division


def _division_choices() -> list[tuple[int, str]]:
    return [(d.pk, d.name) for d in Division.objects.order_by("name_en")]


def _district_choices() -> list[tuple[int, str]]:
    return [(d.pk, d.name) for d in District.objects.order_by("name_en")]


def _requested_district(request: HttpRequest) -> int | None:
    """The district asked for in the filter (validated again by the form)."""
    value = request.GET.get("district", "")
    return int(value) if value.isdigit() else None


# --- inbox -------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    staff = staff_access_for(user)
    categories = _category_choices()
    national = staff.reads_everything
    # National viewers pick a district before its upazilas: all 494 would be a query and a
    # long list on every page.
    upazilas = _upazila_choices(
        user, district_id=_requested_district(request) if national else None
    )
    assignees = _member_choices(user) if staff.has_own_work() else []
    form = f.InboxFilterForm(
        request.GET or None,
        categories=categories,
        upazilas=upazilas,
        assignees=assignees,
        divisions=_division_choices() if national else None,
        districts=_district_choices() if national else None,
    )
    hears_appeals = user_hears_appeals(user=user)
    default_tab = inbox_module.default_tab_for(hears_appeals=hears_appeals)
    filters = InboxFilters(tab=default_tab)
    cursor = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = InboxFilters(
            tab=data["tab"] if request.GET.get("tab") else default_tab,
            sort=data["sort"],
            q=data["q"],
            category_id=data["category"] or None,
            channel=data["channel"],
            upazila_id=data.get("upazila") or None,
            division_id=data.get("division") or None,
            district_id=data.get("district") or None,
            assignee_id=data.get("assignee") or None,
            received_from=data["received_from"],
            received_to=data["received_to"],
            suggested=data["suggested"],
        )
        cursor = data["cursor"]
    page = grievance_inbox_for_user(
        user=user, filters=filters, cursor=cursor, sees_appeals=hears_appeals or national
    )

    query = request.GET.copy()
    query.pop("cursor", None)
    tab_links = []
    for tab in TABS:
        if tab not in page.counts:
            continue  # hidden from this user
        tab_query = query.copy()
        tab_query["tab"] = tab
        tab_links.append(
            {
                "tab": tab,
                "label": TAB_LABELS[tab],
                "count": page.counts[tab],
                "capped": page.counts[tab] >= inbox_module.COUNT_CAP,
                "query": tab_query.urlencode(),
            }
        )
    next_query = ""
    if page.next_cursor:
        next_query_dict = query.copy()
        next_query_dict["cursor"] = page.next_cursor
        next_query = next_query_dict.urlencode()
    bulk_form = f.BulkActionForm(categories=categories, assignees=assignees)
    return render(
        request,
        "officer/inbox.html",
        {
            "form": form,
            "filters": filters,
            "current_tab": page.tab,
            "filters_active": form.has_active_filters(),
            "page": page,
            "tab_links": tab_links,
            "next_query": next_query,
            "first_query": query.urlencode(),
            "bulk_form": bulk_form,
            "may_write": staff_access_for(user).may_write,
            "notification_count": page.counts["notifications"],
            "notifications_capped": page.counts["notifications"] >= inbox_module.COUNT_CAP,
            "is_first_page": not cursor,
        },
    )


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    staff_access_for(user).ensure_may_write()
    form = f.BulkActionForm(
        request.POST, categories=_category_choices(), assignees=_member_choices(user)
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("grievances:officer-inbox")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)

    data = form.cleaned_data
    grievances = list(grievance_list_for_user_by_ids(user=user, ids=data["ids"]))
    done, failed = 0, []
    for grievance in grievances:
        try:
            if data["action"] == "not_grievance":
                services.grievance_mark_not_grievance(
                    grievance=grievance, actor=user, reason=data["reason"], note=data["note"]
                )
            elif data["action"] == "assign":
                assignee = User.objects.get(pk=data["assignee"])
                services.grievance_assign(grievance=grievance, assignee=assignee, actor=user)
            else:
                category = Category.objects.get(pk=data["category"])
                services.grievance_categorise(grievance=grievance, category=category, actor=user)
            done += 1
        except (ApplicationError, PermissionDenied) as exc:
            failed.append(f"{grievance.tracking_code}: {getattr(exc, 'message', exc)}")
    if done:
        messages.success(request, _("Done for %(count)s grievance(s).") % {"count": done})
    for failure in failed:
        messages.error(request, failure)
    return redirect(back)


# --- staff notifications -----------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        form = f.NotificationReadForm(request.POST)
        if form.is_valid() and form.cleaned_data["notification"]:
            services.staff_notification_mark_read(
                user=user, notification_id=form.cleaned_data["notification"]
            )
        elif form.is_valid():
            services.staff_notification_mark_all_read(user=user)
        else:
            messages.error(request, _form_errors(form))
        return redirect("grievances:officer-notifications")
    return render(
        request,
        "officer/notifications.html",
        {"notifications": staff_notification_list_for_user(user=user)},
    )
