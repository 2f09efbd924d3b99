"""The grievance page: timeline, replies, and every action's form, as the gate allows."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import User
from grievances import officer_forms as f
from grievances.access import access_for
from grievances.contact import citizen_contact
from grievances.models import (
    FACEBOOK_CHANNELS,
    Category,
    Grievance,
    GrievanceEvent,
    GrievanceStatus,
)
from grievances.reply_templates import REPLY_TEMPLATES, reply_template_text
from grievances.selectors import (
    attachment_list_for_grievance,
    grievance_get_for_user,
    grievance_timeline,
    reply_list_for_grievance,
)
from grievances.views.officer._common import _category_choices
from grievances.workflow import may_undo_set_aside, next_statuses, office_may_close
from offices.models import Office
from offices.selectors import office_members
from triage.models import Intent
from triage.services import suggestion_for

FACEBOOK_SOURCE_TEMPLATE = "facebook/_grievance_source.html"


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


def _label_triage_event(event: GrievanceEvent) -> None:
    """The timeline's words for the classifier's set-aside (`data["triage"]`)."""
    found = (event.data or {}).get("triage")
    if isinstance(found, dict) and found.get("intent") in Intent.values:
        event.triage = {  # type: ignore[attr-defined]
            "intent": Intent(found["intent"]).label,
            "percent": round(float(found.get("confidence", 0)) * 100),
            "model_version": found.get("model_version", ""),
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
    attachments = attachment_list_for_grievance(grievance=grievance)
    for event in events:
        event.to_status_label = (  # type: ignore[attr-defined]
            GrievanceStatus(event.to_status).label if event.to_status else ""
        )
        # The files a citizen's addition came with, shown with it in the timeline.
        event.files = [a for a in attachments if a.event_id == event.pk]  # type: ignore[attr-defined]
        _label_triage_event(event)
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
    is_facebook = grievance.channel in FACEBOOK_CHANNELS
    if reply_form is None:
        # A Facebook citizen is answered where they asked: under their comment, unless unticked.
        initial: dict[str, Any] = {"to_facebook": is_facebook}
        if template_key:
            initial["body"] = reply_template_text(template_key, grievance)
        reply_form = f.ReplyForm(initial=initial)
    suggestion = suggestion_for(grievance.pk)
    suggested_category = (
        Category.objects.filter(slug=suggestion.category, is_active=True).first()
        if suggestion is not None and suggestion.category
        else None
    )
    context = {
        "grievance": grievance,
        "suggestion": suggestion,
        "suggested_category": suggested_category,
        "may_undo_set_aside": may_write
        and suggestion is not None
        and may_undo_set_aside(status=grievance.status, set_aside=suggestion.set_aside),
        "public_events": [e for e in events if e.is_public],
        "internal_events": [e for e in events if not e.is_public],
        "replies": reply_list_for_grievance(grievance=grievance),
        "attachments": attachments,
        "contact": citizen_contact(access, grievance),
        "may_write": may_write,
        "may_manage": may_manage,
        "statuses": [str(s) for s in statuses],
        "is_open": grievance.is_open,
        "is_facebook": is_facebook,
        "facebook_source_template": _facebook_source_template(grievance),
        "assign_form": f.AssignForm(assignees=members),
        "transfer_form": f.TransferForm(offices=offices),
        "categorise_form": f.CategoriseForm(
            categories=_category_choices(),
            # Without a category yet, the classifier's suggestion is offered first.
            initial={
                "category": grievance.category_id
                or (suggested_category.pk if suggested_category else None)
            },
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
