"""The officers' pages: inbox, grievance page and its actions, new entries, notifications.

Thin views: a form parses, a selector reads (scoped to the user's offices: another office's
grievance is a 404), a service writes. Every action is a plain POST form that works without
JavaScript. What a user may do is the access gate's answer (grievances/access.py): national
viewers read everything and change nothing (403 on every write).
"""

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core.calendar import DHAKA
from core.exceptions import ApplicationError
from grievances import inbox as inbox_module
from grievances import officer_forms as f
from grievances import services
from grievances.access import GrievanceAccess, access_for, staff_access_for
from grievances.inbox import TABS, InboxFilters
from grievances.models import (
    FACEBOOK_CHANNELS,
    Category,
    Grievance,
    GrievanceEvent,
    GrievanceStatus,
    Reply,
)
from grievances.officer_forms import TAB_LABELS
from grievances.reply_templates import REPLY_TEMPLATES, reply_template_text
from grievances.selectors import (
    category_list,
    grievance_get_for_user,
    grievance_get_for_user_to_change,
    grievance_inbox_for_user,
    grievance_list_for_user,
    grievance_list_for_user_by_ids,
    grievance_timeline,
    reply_list_for_grievance,
    staff_notification_list_for_user,
)
from grievances.workflow import next_statuses, office_may_close
from offices.models import Office, Upazila
from offices.selectors import office_members

FACEBOOK_SOURCE_TEMPLATE = "facebook/_grievance_source.html"


# --- helpers ------------------------------------------------------------------------------------


def _category_choices() -> list[tuple[int, str]]:
    return [(c.pk, c.name) for c in category_list()]


def _upazila_choices(user: User) -> list[tuple[int, str]]:
    upazilas = Upazila.objects.all()
    if not staff_access_for(user).reads_everything:
        # A subquery, not the office id list: one query fewer per page.
        upazilas = upazilas.filter(district__offices__memberships__user=user)
    return [(u.pk, u.name) for u in upazilas.distinct().order_by("name_en")]


def _member_choices(user: User) -> list[tuple[int, str]]:
    if staff_access_for(user).reads_everything:
        return []  # national viewers assign nothing; the filter by assignee is per office
    users = User.objects.filter(
        memberships__office__memberships__user=user, is_active=True
    ).distinct()
    return [(u.pk, str(u)) for u in users.order_by("username")]


def _detail_url(grievance: Grievance) -> str:
    return reverse("grievances:officer-grievance", args=[grievance.pk])


def _form_errors(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def mask_phone(phone: str) -> str:
    return "•" * max(len(phone) - 3, 0) + phone[-3:] if phone else ""


def mask_email(email: str) -> str:
    if "@" not in email:
        return ""
    name, domain = email.split("@", 1)
    return f"{name[:1]}•••@{domain}"


# --- inbox -------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    categories = _category_choices()
    upazilas = _upazila_choices(user)
    assignees = _member_choices(user)
    form = f.InboxFilterForm(
        request.GET or None, categories=categories, upazilas=upazilas, assignees=assignees
    )
    filters = InboxFilters()
    cursor = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = InboxFilters(
            tab=data["tab"],
            sort=data["sort"],
            q=data["q"],
            category_id=data["category"] or None,
            channel=data["channel"],
            upazila_id=data["upazila"] or None,
            assignee_id=data["assignee"] or None,
            received_from=data["received_from"],
            received_to=data["received_to"],
        )
        cursor = data["cursor"]
    page = grievance_inbox_for_user(user=user, filters=filters, cursor=cursor)

    query = request.GET.copy()
    query.pop("cursor", None)
    tab_links = []
    for tab in TABS:
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


# --- the grievance page --------------------------------------------------------------------------


def _facebook_source_template(grievance: Grievance) -> str:
    """The Facebook integration's partial for the post and thread, if it provides one."""
    if grievance.channel not in FACEBOOK_CHANNELS:
        return ""
    try:
        get_template(FACEBOOK_SOURCE_TEMPLATE)
    except TemplateDoesNotExist:
        return ""
    return FACEBOOK_SOURCE_TEMPLATE


def _contact(access: GrievanceAccess, grievance: Grievance) -> dict[str, Any]:
    """GROs and heads see the citizen's contact; officers and national viewers a masked one."""
    full = access.sees_contact
    return {
        "name": grievance.citizen_name,
        "phone": grievance.citizen_phone if full else mask_phone(grievance.citizen_phone),
        "email": grievance.citizen_email if full else mask_email(grievance.citizen_email),
        "masked": not full,
    }


@login_required
@require_GET
def grievance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    grievance = grievance_get_for_user(user=user, pk=pk)
    return _render_detail(request, grievance)


def _render_detail(
    request: HttpRequest,
    grievance: Grievance,
    *,
    reply_form: f.ReplyForm | None = None,
    preview: str = "",
    action_forms: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    access = access_for(user, grievance)
    may_write, may_manage = access.may_act, access.may_manage
    events = grievance_timeline(grievance=grievance)
    for event in events:
        event.to_status_label = (  # type: ignore[attr-defined]
            GrievanceStatus(event.to_status).label if event.to_status else ""
        )
    statuses = next_statuses(grievance.status)
    # Officers take work themselves; GROs and heads hand it to anyone in the office.
    members = (
        [(u.pk, str(u)) for u in office_members(office=grievance.office)]
        if may_manage
        else [(user.pk, str(user))]
    )
    offices = [
        (o.pk, o.name)
        for o in Office.objects.filter(is_active=True).exclude(pk=grievance.office_id)
    ]
    template_key = request.GET.get("template", "")
    if reply_form is None:
        initial = {"body": reply_template_text(template_key, grievance)} if template_key else {}
        reply_form = f.ReplyForm(initial=initial)
    context = {
        "grievance": grievance,
        "public_events": [e for e in events if e.is_public],
        "internal_events": [e for e in events if not e.is_public],
        "replies": reply_list_for_grievance(grievance=grievance),
        "contact": _contact(access, grievance),
        "may_write": may_write,
        "may_manage": may_manage,
        "statuses": [str(s) for s in statuses],
        "is_open": grievance.is_open,
        "is_facebook": grievance.channel in FACEBOOK_CHANNELS,
        "facebook_source_template": _facebook_source_template(grievance),
        "assign_form": f.AssignForm(assignees=members),
        "transfer_form": f.TransferForm(offices=offices),
        "categorise_form": f.CategoriseForm(
            categories=_category_choices(), initial={"category": grievance.category_id}
        ),
        "priority_form": f.PriorityForm(initial={"priority": grievance.priority}),
        "not_grievance_form": f.NotGrievanceForm(),
        "duplicate_form": f.DuplicateForm(),
        "resolve_form": f.ResolveForm(),
        "close_form": f.CloseForm(),
        "may_close": may_write
        and office_may_close(
            status=grievance.status,
            resolved_at=grievance.resolved_at,
            may_manage=may_manage,
            now=timezone.now(),
        ),
        "citizen_response_days": settings.GRIEVANCE_CITIZEN_RESPONSE_DAYS,
        "note_form": f.RequiredNoteForm(),
        "note_form_optional": f.NoteOnlyForm(),
        "reply_form": reply_form,
        "reply_templates": REPLY_TEMPLATES,
        "preview": preview,
        "kind": GrievanceEvent.Kind,
        # A form sent back with its errors (and what was typed) replaces the empty one.
        **(action_forms or {}),
    }
    return render(request, "officer/grievance_detail.html", context)


# --- actions: one POST each, all through services -------------------------------------------------

Handler = Callable[[HttpRequest, User, Grievance, dict[str, Any]], None]


def _do_accept(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    services.grievance_accept(grievance=g, actor=user, note=data["note"])


def _do_assign(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    assignee = office_members(office=g.office).filter(pk=data["assignee"]).first()
    if assignee is None:
        raise ApplicationError(_("Choose a colleague from this office."))
    services.grievance_assign(grievance=g, assignee=assignee, actor=user)


def _do_transfer(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    office = Office.objects.filter(pk=data["office"], is_active=True).first()
    if office is None:
        raise ApplicationError(_("Choose an office."))
    services.grievance_transfer(grievance=g, to_office=office, actor=user, reason=data["reason"])


def _do_categorise(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    category = Category.objects.filter(pk=data["category"], is_active=True).first()
    if category is None:
        raise ApplicationError(_("Choose the category."))
    services.grievance_categorise(grievance=g, category=category, actor=user)


def _do_priority(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    services.grievance_set_priority(grievance=g, priority=data["priority"], actor=user)


def _do_note(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    services.grievance_add_note(grievance=g, actor=user, note=data["note"])


def _do_not_grievance(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    services.grievance_mark_not_grievance(
        grievance=g, actor=user, reason=data["reason"], note=data["note"]
    )


def _do_duplicate(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    original = grievance_list_for_user(user=user).filter(tracking_code=data["original"]).first()
    if original is None:
        raise ApplicationError(_("No grievance you can see has that tracking code."))
    services.grievance_mark_duplicate(grievance=g, original=original, actor=user, note=data["note"])


def _do_resolve(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    services.grievance_resolve(
        grievance=g,
        actor=user,
        outcome=data["outcome"],
        note=data["note"],
        referred_to=data["referred_to"],
    )


def _do_reopen(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    services.grievance_reopen(grievance=g, actor=user, note=data["note"])


def _do_close(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    services.grievance_close(grievance=g, actor=user, note=data["note"])


ACTIONS: dict[str, tuple[Callable[..., forms.Form], Handler, Promise]] = {
    # action: (form factory, handler, success message)
    "accept": (f.NoteOnlyForm, _do_accept, gettext_lazy("Accepted.")),
    "assign": (
        lambda data, g: f.AssignForm(
            data, assignees=[(u.pk, str(u)) for u in office_members(office=g.office)]
        ),
        _do_assign,
        gettext_lazy("Assigned."),
    ),
    "transfer": (
        lambda data, g: f.TransferForm(
            data, offices=[(o.pk, o.name) for o in Office.objects.filter(is_active=True)]
        ),
        _do_transfer,
        gettext_lazy("Transferred."),
    ),
    "categorise": (
        lambda data, g: f.CategoriseForm(data, categories=_category_choices()),
        _do_categorise,
        gettext_lazy("Category set."),
    ),
    "priority": (f.PriorityForm, _do_priority, gettext_lazy("Priority set.")),
    "note": (f.RequiredNoteForm, _do_note, gettext_lazy("Note added.")),
    "not-grievance": (
        f.NotGrievanceForm,
        _do_not_grievance,
        gettext_lazy("Marked as not a grievance."),
    ),
    "duplicate": (f.DuplicateForm, _do_duplicate, gettext_lazy("Merged as a duplicate.")),
    "resolve": (f.ResolveForm, _do_resolve, gettext_lazy("Resolved.")),
    "reopen": (f.RequiredNoteForm, _do_reopen, gettext_lazy("Reopened.")),
    "close": (f.CloseForm, _do_close, gettext_lazy("Closed.")),
}
# Actions whose form comes back on the page with its errors, keeping the text typed: the
# answer a citizen will see may need the personal-data confirmation.
REDISPLAYED_ON_ERROR = {"resolve": "resolve_form", "close": "close_form"}


@login_required
@require_POST
def grievance_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    grievance = grievance_get_for_user_to_change(user=user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    make_form, handler, success = ACTIONS[action]
    if isinstance(make_form, type):
        form = make_form(request.POST)
    else:
        form = make_form(request.POST, grievance)
    if not form.is_valid():
        if action in REDISPLAYED_ON_ERROR:
            return _render_detail(
                request, grievance, action_forms={REDISPLAYED_ON_ERROR[action]: form}
            )
        messages.error(request, _form_errors(form))
        return redirect(_detail_url(grievance))
    try:
        handler(request, user, grievance, form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(success))
    return redirect(_detail_url(grievance))


# --- public replies ---------------------------------------------------------------------------------


@login_required
@require_POST
def reply_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview (with the privacy check) or send. Privacy findings need a second, confirmed submit."""
    user: User = request.user  # type: ignore[assignment]
    grievance = grievance_get_for_user_to_change(user=user, pk=pk)
    form = f.ReplyForm(request.POST)
    if not form.is_valid() or "preview" in request.POST:
        preview = form.cleaned_data.get("body", "") if form.is_valid() else ""
        return _render_detail(request, grievance, reply_form=form, preview=preview)
    try:
        services.reply_create(
            grievance=grievance,
            author=user,
            body=form.cleaned_data["body"],
            to_facebook=form.cleaned_data["to_facebook"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_detail(request, grievance, reply_form=form)
    messages.success(request, _("Reply queued for delivery."))
    return redirect(_detail_url(grievance) + "#replies")


@login_required
@require_POST
def reply_retry(request: HttpRequest, pk: int, reply_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    grievance = grievance_get_for_user_to_change(user=user, pk=pk)
    reply = Reply.objects.filter(pk=reply_id, grievance=grievance).first()
    if reply is None:
        raise Http404
    try:
        services.reply_retry(reply=reply, actor=user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Reply queued again."))
    return redirect(_detail_url(grievance) + "#replies")


# --- complaints received by phone, on paper, at 333 or a hearing ------------------------------------


def _entry_recorded_message(grievance: Grievance) -> str:
    """Tell the officer where the citizen's code and private link went (masked), if anywhere."""
    sent_to = []
    if grievance.citizen_phone:
        sent_to.append(_("SMS to %(to)s") % {"to": mask_phone(grievance.citizen_phone)})
    if grievance.citizen_email:
        sent_to.append(_("e-mail to %(to)s") % {"to": mask_email(grievance.citizen_email)})
    if sent_to:
        return _(
            "Recorded as %(code)s. The tracking code and the citizen's private link were sent "
            "by %(sent_to)s."
        ) % {"code": grievance.tracking_code, "sent_to": ", ".join(sent_to)}
    return _(
        "Recorded as %(code)s. No mobile number or e-mail was given: give the citizen this "
        "tracking code."
    ) % {"code": grievance.tracking_code}


@login_required
def grievance_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    staff = staff_access_for(user)
    staff.ensure_may_write()
    office_ids = staff.readable_office_ids() or []
    offices = list(Office.objects.filter(pk__in=office_ids, is_active=True))
    if not offices and not user.is_superuser:
        raise PermissionDenied(_("You do not work in any office."))
    form = f.OfficerEntryForm(
        request.POST or None,
        offices=[(o.pk, o.name) for o in offices],
        categories=_category_choices(),
        upazilas=_upazila_choices(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        office = next(o for o in offices if o.pk == data["office"])
        received_at = None
        if data["received_on"]:
            received_at = datetime.combine(data["received_on"], time(12), tzinfo=DHAKA)
        try:
            grievance = services.grievance_record_officer_entry(
                office=office,
                actor=user,
                intake_via=data["intake_via"],
                description=data["description"],
                subject=data["subject"],
                upazila=Upazila.objects.filter(pk=data["upazila"]).first()
                if data["upazila"]
                else None,
                category=Category.objects.filter(pk=data["category"]).first()
                if data["category"]
                else None,
                citizen_name=data["citizen_name"],
                citizen_phone=data["citizen_phone"],
                citizen_email=data["citizen_email"],
                is_anonymous=data["is_anonymous"],
                received_at=received_at,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _entry_recorded_message(grievance))
            return redirect(_detail_url(grievance))
    return render(request, "officer/grievance_new.html", {"form": form})


# --- staff notifications -----------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        services.staff_notification_mark_all_read(user=user)
        return redirect("grievances:officer-notifications")
    return render(
        request,
        "officer/notifications.html",
        {"notifications": staff_notification_list_for_user(user=user)},
    )
