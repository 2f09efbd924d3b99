"""Citizens' pages: file a grievance, track it, add information, give feedback.

Citizens have no accounts. The tracking code is public; the access key (in the private link)
opens the citizen's own view. A wrong or damaged key shows the public page with a notice that
the link is wrong; an unknown code shows the lookup form with an example of a real code.
"""

import json
from typing import Any, TypeVar

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.client_ip import client_key
from core.exceptions import ApplicationError
from core.ratelimit import RateLimit, ratelimit_check
from grievances.attachments import attachment_storage
from grievances.forms import (
    CitizenInfoForm,
    DistrictStepForm,
    FeedbackForm,
    GrievanceFileForm,
    TrackForm,
)
from grievances.models import Grievance, GrievanceStatus, GrievanceTier
from grievances.pending_uploads import pending_discard, pending_save
from grievances.selectors import (
    attachment_get_for_download,
    attachment_list_filed,
    grievance_citizen_additions,
    grievance_get_by_tracking_code,
    grievance_get_for_citizen,
    grievance_public_timeline,
)
from grievances.services import (
    feedback_submit,
    grievance_add_citizen_info,
    grievance_file_by_citizen,
    grievance_file_once,
)
from grievances.tracking import normalise_tracking_code, tracking_link, tracking_path
from offices.selectors import upazila_list

_FILED_COOKIE = "shunani_filed"
_FILED_COOKIE_MAX_AGE = 10 * 60  # seconds
_Response = TypeVar("_Response", bound=HttpResponseBase)


def too_many_requests(request: HttpRequest, limit: RateLimit) -> HttpResponse:
    response = render(request, "429.html", {"retry_minutes": max(1, limit.retry_after // 60)})
    response.status_code = 429
    response["Retry-After"] = str(limit.retry_after)
    return response


def _private_headers(response: _Response) -> _Response:
    """The key is in the URL: no caching anywhere, and no Referer to other sites.

    `same-origin`, not `no-referrer`: with no referrer at all, browsers send `Origin: null`
    on the page's own forms and Django's CSRF check refuses them.
    """
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    return response


# --- filing ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def grievance_file(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        limit = ratelimit_check(scope="grievance-file", client=client_key(request))
        if not limit.allowed:
            return too_many_requests(request, limit)
        form = GrievanceFileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            filing = grievance_file_once if data["form_token"] else grievance_file_by_citizen
            token = {"form_token": data["form_token"]} if data["form_token"] else {}
            try:
                grievance, access_key = filing(
                    **token,
                    district=data["district"],
                    upazila=data["upazila"],
                    category=data["category"],
                    description=data["description"],
                    citizen_name=data["citizen_name"],
                    citizen_phone=data["citizen_phone"],
                    citizen_email=data["citizen_email"],
                    is_anonymous=data["is_anonymous"],
                    show_name_publicly=data["show_name_publicly"],
                    files=data["attachments"],
                    language=(get_language() or "bn")[:2],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                pending_discard(data["pending_files"])
                # Shown by the next page, also on a reload for a few minutes. The key travels in
                # a short-lived signed cookie rather than a server-side session: the server keeps
                # only its hash.
                response = redirect("grievances:filed")
                response.set_signed_cookie(
                    _FILED_COOKIE,
                    json.dumps(
                        {
                            "code": grievance.tracking_code,
                            "key": access_key,
                            "sms": bool(grievance.citizen_phone),
                            "email": bool(grievance.citizen_email),
                        }
                    ),
                    salt=_FILED_COOKIE,
                    max_age=_FILED_COOKIE_MAX_AGE,
                    path=reverse("grievances:filed"),
                    secure=request.is_secure(),
                    httponly=True,
                    samesite="Lax",
                )
                return response
        return render(request, "grievances/file.html", {"form": form, "step": 2, **_kept(form)})

    step_form = DistrictStepForm(request.GET or None)
    if step_form.is_bound and step_form.is_valid():
        district = step_form.cleaned_data["district"]
        form = GrievanceFileForm(initial={"district": district.slug}, district=district)
        return render(request, "grievances/file.html", {"form": form, "step": 2})
    return render(request, "grievances/file.html", {"step_form": step_form, "step": 1})


def _kept(form: GrievanceFileForm) -> dict[str, Any]:
    """Valid files from a submit refused for another field: kept for the next submit."""
    files = form.cleaned_data.get("attachments") if hasattr(form, "cleaned_data") else None
    if not files or form.has_error("attachments"):
        return {}
    token = form.cleaned_data.get("pending_files") or pending_save(files)
    return {"pending_token": token, "kept_names": [f.original_name for f in files]}


@require_safe
def upazila_options(request: HttpRequest) -> JsonResponse:
    """For the small script that fills the upazila list when the district changes.

    The district goes through the step-one form, so junk (a NUL byte, an unknown slug) is an
    empty list, never a database error.
    """
    form = DistrictStepForm(request.GET)
    district = form.cleaned_data["district"] if form.is_valid() else None
    upazilas = upazila_list(district=district) if district else []
    response = JsonResponse({"upazilas": [{"id": u.pk, "name": u.name} for u in upazilas]})
    response["Cache-Control"] = "public, max-age=86400"
    response["Vary"] = "Cookie, Accept-Language"
    return response


@never_cache
@require_safe
def grievance_filed(request: HttpRequest) -> HttpResponse:
    raw = request.get_signed_cookie(
        _FILED_COOKIE, default=None, salt=_FILED_COOKIE, max_age=_FILED_COOKIE_MAX_AGE
    )
    try:
        filed = json.loads(raw) if raw else None
    except ValueError:
        filed = None
    if not filed:
        return redirect("grievances:home")
    private_path = tracking_path(code=filed["code"], key=filed["key"])
    context = {
        "code": filed["code"],
        "private_url": tracking_link(code=filed["code"], key=filed["key"]),  # SITE_URL, not Host
        "private_path": private_path,
        "sms": filed["sms"],
        "email": filed["email"],
    }
    # The cookie stays until it expires: a reload on a flaky link still shows the code and link.
    return _private_headers(render(request, "grievances/filed.html", context))


# --- tracking --------------------------------------------------------------------------------


@require_safe
def grievance_track_lookup(request: HttpRequest) -> HttpResponse:
    """The home page's "track" form: accepts Bangla or Latin digits, any spacing."""
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("grievances:track", code=form.cleaned_data["code"])
    return render(request, "grievances/track_lookup.html", {"form": form})


def _track_context(grievance: Grievance) -> dict[str, Any]:
    return {
        "grievance": grievance,
        "timeline": grievance_public_timeline(grievance=grievance),
        "public_name": grievance.public_name,
        "is_overdue": grievance.is_overdue,
    }


def _citizen_context(
    grievance: Grievance,
    key: str,
    info_form: CitizenInfoForm | None = None,
    feedback_form: FeedbackForm | None = None,
) -> dict[str, Any]:
    can_appeal = grievance.tier == GrievanceTier.OFFICE and grievance.office.parent_id is not None
    return {
        **_track_context(grievance),
        "private": True,
        "key": key,
        "filed_files": attachment_list_filed(grievance=grievance),
        "additions": grievance_citizen_additions(grievance=grievance),
        "can_add_info": grievance.status not in (GrievanceStatus.CLOSED, GrievanceStatus.DUPLICATE)
        or bool(info_form and info_form.errors),
        "info_form": info_form or CitizenInfoForm(),
        # Also when a refused answer must be shown next to the form it came from.
        "can_give_feedback": grievance.status == GrievanceStatus.RESOLVED
        or bool(feedback_form and feedback_form.errors),
        "feedback_form": feedback_form or FeedbackForm(can_appeal=can_appeal),
    }


def _key_attempt(request: HttpRequest) -> RateLimit:
    return ratelimit_check(scope="access-key", client=client_key(request))


_EXAMPLE_CODE = "DHA-2612-00012"


def _unknown_code(request: HttpRequest, code: str) -> HttpResponse:
    """A 404 that helps: the code as typed, an example of a real one, and the lookup form."""
    context = {
        "form": TrackForm(initial={"code": code[:40]}),
        "not_found": code[:40],
        "example_code": _EXAMPLE_CODE,
    }
    return render(request, "grievances/track_lookup.html", context, status=404)


@require_safe
def grievance_track(request: HttpRequest, code: str) -> HttpResponse:
    canonical = normalise_tracking_code(code)
    if canonical is None:
        return _unknown_code(request, code)
    key = request.GET.get("key", "")
    if canonical != code:  # Bangla digits, lower case, spaces: one address per grievance
        return HttpResponseRedirect(tracking_path(code=canonical, key=key))

    if key:
        limit = _key_attempt(request)
        if not limit.allowed:
            return too_many_requests(request, limit)
        grievance = grievance_get_for_citizen(code=canonical, key=key)
        if grievance is not None:
            return _private_headers(
                render(request, "grievances/track.html", _citizen_context(grievance, key))
            )
    else:  # a public lookup: counted per client, like key attempts
        limit = ratelimit_check(scope="track", client=client_key(request))
        if not limit.allowed:
            return too_many_requests(request, limit)
    grievance = grievance_get_by_tracking_code(code=canonical)
    if grievance is None:
        return _unknown_code(request, canonical)
    context = _track_context(grievance)
    if key or request.GET.get("wrong_key"):  # say so, rather than silently show the public page
        context["wrong_key"] = True
    response = render(request, "grievances/track.html", context)
    return _private_headers(response) if key else response


def _citizen_post(
    request: HttpRequest, code: str
) -> tuple[Grievance | None, str, HttpResponse | None]:
    """The grievance for a POST carrying the key, or a response to return instead."""
    limit = _key_attempt(request)
    if not limit.allowed:
        return None, "", too_many_requests(request, limit)
    key = request.POST.get("key", "")
    grievance = grievance_get_for_citizen(code=code, key=key)
    if grievance is None:  # wrong key: back to the public page, which says the link was wrong
        public = tracking_path(code=normalise_tracking_code(code) or code)
        return None, "", HttpResponseRedirect(f"{public}?wrong_key=1")
    return grievance, key, None


def _back_to_private(grievance: Grievance, key: str, anchor: str) -> HttpResponse:
    path = tracking_path(code=grievance.tracking_code, key=key)
    return _private_headers(HttpResponseRedirect(f"{path}&done={anchor}#{anchor}"))


@never_cache
@require_POST
def grievance_add_info(request: HttpRequest, code: str) -> HttpResponse:
    grievance, key, response = _citizen_post(request, code)
    if response is not None:
        return response
    assert grievance is not None  # noqa: S101  # for the type checker
    form = CitizenInfoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            grievance_add_citizen_info(
                grievance=grievance,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return _back_to_private(grievance, key, "added")
    context = _citizen_context(grievance, key, info_form=form)
    return _private_headers(render(request, "grievances/track.html", context))


@never_cache
@require_POST
def grievance_feedback(request: HttpRequest, code: str) -> HttpResponse:
    grievance, key, response = _citizen_post(request, code)
    if response is not None:
        return response
    assert grievance is not None  # noqa: S101  # for the type checker
    can_appeal = grievance.tier == GrievanceTier.OFFICE and grievance.office.parent_id is not None
    form = FeedbackForm(request.POST, can_appeal=can_appeal)
    if form.is_valid():
        try:
            feedback_submit(
                grievance=grievance,
                is_fixed=form.cleaned_data["is_fixed"],
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                next_step=form.cleaned_data["next_step"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return _back_to_private(grievance, key, "feedback-done")
    context = _citizen_context(grievance, key, feedback_form=form)
    return _private_headers(render(request, "grievances/track.html", context))


@never_cache
@require_safe
def attachment_download(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    """Always a download, never shown inline: a file can't run as a page of this site."""
    key = request.GET.get("key", "")
    if key and not request.user.is_authenticated:
        limit = _key_attempt(request)
        if not limit.allowed:
            return too_many_requests(request, limit)
    attachment = attachment_get_for_download(user=request.user, pk=pk, code=code, key=key)
    storage = attachment_storage()
    response = FileResponse(
        storage.open(attachment.file.name, "rb"),
        as_attachment=True,
        filename=attachment.original_name or attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return _private_headers(response)
