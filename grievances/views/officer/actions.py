"""The grievance page's actions and replies: one POST each, all through services."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from core.exceptions import ApplicationError
from grievances import officer_forms as f
from grievances import services
from grievances.models import (
    Category,
    Grievance,
    Reply,
)
from grievances.selectors import (
    grievance_get_for_user_to_change,
    grievance_list_for_user,
)
from grievances.views.officer._common import _category_choices, _detail_url, _form_errors
from grievances.views.officer.detail import _render_detail
from offices.models import Office
from offices.selectors import office_members

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


def _do_triage_undo(request: HttpRequest, user: User, g: Grievance, data: dict[str, Any]) -> None:
    services.grievance_triage_undo(grievance=g, actor=user)


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
    "triage-undo": (
        f.NoteOnlyForm,
        _do_triage_undo,
        gettext_lazy("Taken back: the grievance is new again."),
    ),
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
