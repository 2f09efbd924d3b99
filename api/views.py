"""/api/v1/: thin views over the grievances selectors and services.

Every change goes through the same service as the officer's page, after the same form as the
page (grievances/officer_forms.py, grievances/forms.py) has checked the input: the rules,
messages and the personal-data confirmation are the page's. The body is first parsed by a
strict serializer (JSON object, known fields, right types) so that nothing malformed reaches
a form, a service or the database.
"""

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from accounts.models import User
from api import serializers as s
from api.authentication import ApiKeyAuthentication
from api.errors import ApiError, ReadOnlyKey, exception_handler
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import run_once
from api.models import ApiKey
from api.selectors import (
    GrievanceListQuery,
    cursor_is_valid,
    facebook_source,
    grievance_page_for_user,
    upazilas_for_offices,
)
from api.throttling import ApiThrottle
from core.calendar import DHAKA
from core.client_ip import client_key
from core.exceptions import ApplicationError
from core.ratelimit import ratelimit_check
from grievances import officer_forms as f
from grievances import services
from grievances.access import access_for, staff_access_for
from grievances.contact import citizen_contact
from grievances.forms import GrievanceFileForm
from grievances.models import Category, Grievance, Reply
from grievances.selectors import (
    category_list,
    grievance_get_by_tracking_code,
    grievance_get_for_citizen,
    grievance_get_for_user,
    grievance_get_for_user_to_change,
    grievance_list_for_user,
    grievance_public_timeline,
    grievance_timeline,
    reply_list_for_grievance,
)
from grievances.tracking import normalise_tracking_code, tracking_link
from offices.models import District, Division, Office, Upazila
from offices.selectors import office_members

# A JSON body larger than this is refused (413) before it is parsed. The site-wide limit
# (core/request_limits.py) is for uploads; the API takes no files.
API_MAX_BODY_BYTES = 64 * 1024

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Malformed or invalid input."),
    401: OpenApiResponse(s.ErrorSerializer, description="No or a bad session or API key."),
    403: OpenApiResponse(s.ErrorSerializer, description="Not allowed (role, read-only key)."),
    404: OpenApiResponse(s.ErrorSerializer, description="Unknown, or another office's."),
    413: OpenApiResponse(s.ErrorSerializer, description="The body is too large."),
    422: OpenApiResponse(s.ErrorSerializer, description="Idempotency-Key reused."),
    429: OpenApiResponse(s.ErrorSerializer, description="Throttled: see Retry-After."),
}
ERROR_EXAMPLES = [
    OpenApiExample(
        "Field errors",
        value={
            "code": "validation_error",
            "message": "Some of the input is not valid.",
            "messages": {"bn": "কিছু তথ্য সঠিক নয়।", "en": "Some of the input is not valid."},
            "fields": {"note": [{"code": "required", "message": "This field is required."}]},
        },
        response_only=True,
        status_codes=["400"],
    ),
    OpenApiExample(
        "Throttled",
        value={
            "code": "throttled",
            "message": "Too many requests: wait and try again.",
            "messages": {"bn": "…", "en": "Too many requests: wait and try again."},
            "retry_after": 42,
        },
        response_only=True,
        status_codes=["429"],
    ),
]
_ROW_EXAMPLE = {
    "id": 4211,
    "tracking_code": "DHA-2611-00042",
    "status": "accepted",
    "tier": 1,
    "channel": "web",
    "priority": "normal",
    "subject": "",
    "office": {
        "id": 55,
        "code": "DHA",
        "name_bn": "জেলা প্রশাসকের কার্যালয়, ঢাকা",
        "name_en": "DC Office, Dhaka",
    },
    "district": 1,
    "upazila": None,
    "category": 3,
    "assigned_to": {"id": 12, "username": "dha-officer", "name": "রহিম"},
    "received_at": "2026-11-30T10:15:00+06:00",
    "due_at": "2026-12-21T23:59:59+06:00",
    "first_response_due_at": "2026-12-03T23:59:59+06:00",
    "is_overdue": False,
    "last_activity_at": "2026-12-01T09:00:00+06:00",
    "escalation_level": 0,
}
LIST_EXAMPLE = OpenApiExample(
    "A page",
    value={
        "results": [_ROW_EXAMPLE],
        "next_cursor": "eyJvIjpbInNvcnRfZHVlX2F0Il0s...",
        "next": "https://shunani.example.gov.bd/api/v1/grievances/?cursor=eyJvIjpbInNvcnRfZHVlX2F0Il0s...",
    },
    response_only=True,
    status_codes=["200"],
)
FILED_EXAMPLE = OpenApiExample(
    "Filed",
    value={
        "tracking_code": "DHA-2612-00007",
        "access_key": "Xq3v9aLr2N0c",
        "private_url": "https://shunani.example.gov.bd/track/DHA-2612-00007/?key=Xq3v9aLr2N0c",
        "sms": True,
        "email": False,
    },
    response_only=True,
    status_codes=["201"],
)
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (e.g. a UUID): a retry with the same key applies once "
    "and gets the first answer again (for 24 hours).",
)


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


class KeyScope(permissions.BasePermission):
    """A `read` key reads only: any other method is a 403."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        key = request.auth
        unsafe = request.method not in permissions.SAFE_METHODS
        if isinstance(key, ApiKey) and unsafe and not key.may_write:
            raise ReadOnlyKey()
        return True


class ApiView(APIView):
    """The base of every /api/v1/ view: JSON only, the API's errors, keys or session."""

    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, KeyScope]
    throttle_classes = [ApiThrottle]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self) -> Callable[..., Response | None]:
        return exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > API_MAX_BODY_BYTES:
            raise ApiError(
                "request_too_large", status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
            )
        super().initial(request, *args, **kwargs)

    def parse(self, serializer_class: type[Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class PublicView(ApiView):
    """Anyone, no session (so no CSRF): throttled per client address."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  # IsAuthenticated ran
    return user


def _form_errors(form: forms.Form) -> None:
    """The page's form said no: its errors in the API's shape (privacy findings by code)."""
    errors = form.errors.as_data()
    fields = {
        ("non_field_errors" if name == "__all__" else name): [
            {"code": error.code or "invalid", "message": " ".join(error.messages)}
            for error in field_errors
        ]
        for name, field_errors in errors.items()
    }
    if any(e.code == "privacy" for e in errors.get("__all__", [])):
        message = " ".join(str(e.messages[0]) for e in errors["__all__"] if e.code == "privacy")
        raise ApiError("privacy_confirmation_required", message=message, fields=fields)
    raise ApiError("validation_error", fields=fields)


def _valid(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        _form_errors(form)
    return form.cleaned_data


def _form_data(data: dict[str, Any]) -> dict[str, Any]:
    """Serializer output as a form's POST data: numbers as text, None as empty."""
    return {
        name: ("" if value is None else value if isinstance(value, bool) else str(value))
        for name, value in data.items()
    }


# --- grievances: reading -----------------------------------------------------------------------


def grievance_detail_data(user: User, grievance: Grievance) -> dict[str, Any]:
    access = access_for(user, grievance)
    events = grievance_timeline(grievance=grievance)
    grievance.contact = citizen_contact(access, grievance)  # type: ignore[attr-defined]
    grievance.permissions = {  # type: ignore[attr-defined]
        "may_act": access.may_act,
        "may_manage": access.may_manage,
    }
    grievance.public_timeline = [e for e in events if e.is_public]  # type: ignore[attr-defined]
    grievance.internal_events = [e for e in events if not e.is_public]  # type: ignore[attr-defined]
    grievance.replies_list = reply_list_for_grievance(grievance=grievance)  # type: ignore[attr-defined]
    grievance.facebook_source = facebook_source(grievance=grievance)  # type: ignore[attr-defined]
    serializer = s.GrievanceDetailSerializer(grievance, context={"now": timezone.now()})
    data = dict(serializer.data)
    data["replies"] = s.ReplySerializer(grievance.replies_list, many=True).data  # type: ignore[attr-defined]
    return data


class GrievanceListView(ApiView):
    @extend_schema(
        operation_id="grievances_list",
        summary="Grievances you may read (a cursor page)",
        description="Office-scoped like the officers' inbox: your offices' grievances; national "
        "viewers and national read keys every office. Pages follow `next_cursor` (keyset on "
        "the inbox's indexes): there is no page number and no total count.",
        parameters=[s.GrievanceFilterSerializer],
        responses={200: s.GrievanceListSerializer, **_errors(400, 401, 403, 429)},
        examples=[LIST_EXAMPLE, *ERROR_EXAMPLES],
        tags=["grievances"],
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        params = s.GrievanceFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query = GrievanceListQuery(
            status=data.get("status", ""),
            category_id=data.get("category"),
            channel=data.get("channel", ""),
            upazila_id=data.get("upazila"),
            district_id=data.get("district"),
            division_id=data.get("division"),
            assignee_id=data.get("assignee"),
            overdue=data.get("overdue"),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            q=data.get("q", ""),
            sort=data["sort"],
        )
        cursor = data.get("cursor", "")
        if not cursor_is_valid(query=query, cursor=cursor):
            raise ApiError("invalid_cursor")
        now = timezone.now()
        page = grievance_page_for_user(
            user=user, query=query, cursor=cursor, page_size=data["page_size"], now=now
        )
        next_url = None
        if page.next_cursor:
            next_params = request.query_params.copy()
            next_params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(
                reverse("api:grievance-list") + "?" + next_params.urlencode()
            )
        results = [s.list_item(row, now) for row in page.rows]
        return Response(
            {"results": results, "next_cursor": page.next_cursor or None, "next": next_url}
        )


class GrievanceDetailView(ApiView):
    @extend_schema(
        operation_id="grievances_retrieve",
        summary="One grievance: timeline, replies, Facebook source, internal notes",
        responses={200: s.GrievanceDetailSerializer, **_errors(401, 403, 404, 429)},
        tags=["grievances"],
    )
    def get(self, request: Request, pk: int) -> Response:
        user = _user(request)
        grievance = grievance_get_for_user(user=user, pk=pk)
        return Response(grievance_detail_data(user, grievance))


# --- grievances: actions ------------------------------------------------------------------------


def _act_accept(user: User, g: Grievance, data: dict[str, Any]) -> None:
    clean = _valid(f.NoteOnlyForm(_form_data(data)))
    services.grievance_accept(grievance=g, actor=user, note=clean["note"])


def _act_assign(user: User, g: Grievance, data: dict[str, Any]) -> None:
    members = list(office_members(office=g.office))
    clean = _valid(f.AssignForm(_form_data(data), assignees=[(u.pk, str(u)) for u in members]))
    assignee = next(u for u in members if u.pk == clean["assignee"])
    services.grievance_assign(grievance=g, assignee=assignee, actor=user)


def _act_transfer(user: User, g: Grievance, data: dict[str, Any]) -> None:
    offices = list(Office.objects.filter(is_active=True))
    clean = _valid(f.TransferForm(_form_data(data), offices=[(o.pk, o.name) for o in offices]))
    office = next(o for o in offices if o.pk == clean["office"])
    services.grievance_transfer(grievance=g, to_office=office, actor=user, reason=clean["reason"])


def _act_categorise(user: User, g: Grievance, data: dict[str, Any]) -> None:
    categories = category_list()
    choices = [(c.pk, c.name) for c in categories]
    clean = _valid(f.CategoriseForm(_form_data(data), categories=choices))
    category = next(c for c in categories if c.pk == clean["category"])
    services.grievance_categorise(grievance=g, category=category, actor=user)


def _act_prioritise(user: User, g: Grievance, data: dict[str, Any]) -> None:
    clean = _valid(f.PriorityForm(_form_data(data)))
    services.grievance_set_priority(grievance=g, priority=clean["priority"], actor=user)


def _act_note(user: User, g: Grievance, data: dict[str, Any]) -> None:
    clean = _valid(f.RequiredNoteForm(_form_data(data)))
    services.grievance_add_note(grievance=g, actor=user, note=clean["note"])


def _act_not_grievance(user: User, g: Grievance, data: dict[str, Any]) -> None:
    clean = _valid(f.NotGrievanceForm(_form_data(data)))
    services.grievance_mark_not_grievance(
        grievance=g, actor=user, reason=clean["reason"], note=clean["note"]
    )


def _act_duplicate(user: User, g: Grievance, data: dict[str, Any]) -> None:
    clean = _valid(f.DuplicateForm(_form_data(data)))
    original = grievance_list_for_user(user=user).filter(tracking_code=clean["original"]).first()
    if original is None:  # the page's message
        raise ApplicationError(_("No grievance you can see has that tracking code."))
    services.grievance_mark_duplicate(
        grievance=g, original=original, actor=user, note=clean["note"]
    )


def _act_triage_undo(user: User, g: Grievance, data: dict[str, Any]) -> None:
    _valid(f.NoteOnlyForm(_form_data(data)))
    services.grievance_triage_undo(grievance=g, actor=user)


def _act_reply(user: User, g: Grievance, data: dict[str, Any]) -> None:
    clean = _valid(f.ReplyForm(_form_data(data)))
    services.reply_create(
        grievance=g, author=user, body=clean["body"], to_facebook=clean["to_facebook"]
    )


def _act_resolve(user: User, g: Grievance, data: dict[str, Any]) -> None:
    clean = _valid(f.ResolveForm(_form_data(data)))
    services.grievance_resolve(
        grievance=g,
        actor=user,
        outcome=clean["outcome"],
        note=clean["note"],
        referred_to=clean["referred_to"],
    )


def _act_reopen(user: User, g: Grievance, data: dict[str, Any]) -> None:
    clean = _valid(f.RequiredNoteForm(_form_data(data)))
    services.grievance_reopen(grievance=g, actor=user, note=clean["note"])


def _act_close(user: User, g: Grievance, data: dict[str, Any]) -> None:
    clean = _valid(f.CloseForm(_form_data(data)))
    services.grievance_close(grievance=g, actor=user, note=clean["note"])


Act = Callable[[User, Grievance, dict[str, Any]], None]

# action in the URL → (body, what it does, summary, example body)
ACTIONS: dict[str, tuple[type[Serializer], Act, str, dict[str, Any]]] = {
    "accept": (s.AcceptSerializer, _act_accept, "Accept it as a grievance", {"note": ""}),
    "assign": (s.AssignSerializer, _act_assign, "Assign it to a colleague", {"assignee": 12}),
    "transfer": (
        s.TransferSerializer,
        _act_transfer,
        "Transfer it to another office (GRO or head)",
        {"office": 7, "reason": "The road belongs to the upazila."},
    ),
    "categorise": (s.CategoriseSerializer, _act_categorise, "Set the category", {"category": 3}),
    "prioritise": (
        s.PrioritiseSerializer,
        _act_prioritise,
        "Set the priority",
        {"priority": "high"},
    ),
    "note": (s.NoteSerializer, _act_note, "Add an internal note", {"note": "Called the UNO."}),
    "not-a-grievance": (
        s.NotGrievanceSerializer,
        _act_not_grievance,
        "Mark it as not a grievance",
        {"reason": "praise", "note": ""},
    ),
    "duplicate": (
        s.DuplicateSerializer,
        _act_duplicate,
        "Merge it into the grievance it repeats",
        {"original": "DHA-2611-00042", "note": ""},
    ),
    "triage-undo": (
        s.EmptySerializer,
        _act_triage_undo,
        "Take back a grievance the classifier set aside (it is new again)",
        {},
    ),
    "reply": (
        s.ReplyCreateSerializer,
        _act_reply,
        "Send a public reply (privacy check: confirm_privacy)",
        {"body": "The drain was cleaned on Monday.", "to_facebook": False},
    ),
    "resolve": (
        s.ResolveSerializer,
        _act_resolve,
        "Resolve it with the answer the citizen will see",
        {"outcome": "action_taken", "note": "The drain was cleaned.", "referred_to": ""},
    ),
    "reopen": (s.ReopenSerializer, _act_reopen, "Reopen it", {"note": "Not fixed after all."}),
    "close": (
        s.CloseSerializer,
        _act_close,
        "Close it (GRO or head, after the citizen's time)",
        {"note": "No answer from the citizen in time."},
    ),
}


class GrievanceActionView(ApiView):
    action_name = ""

    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        body_class, act, *_rest = ACTIONS[self.action_name]

        def run() -> Response:
            grievance = grievance_get_for_user_to_change(user=user, pk=pk)
            data = self.parse(body_class)
            act(user, grievance, data)
            grievance.refresh_from_db()
            return Response(grievance_detail_data(user, _reloaded(grievance)))

        return run_once(request, request.data, run)


def _reloaded(grievance: Grievance) -> Grievance:
    return Grievance.objects.select_related(
        "office", "district", "category", "assigned_to", "upazila"
    ).get(pk=grievance.pk)


def _action_view(name: str) -> Callable[..., Any]:
    body_class, _handler, summary, example = ACTIONS[name]

    @extend_schema(
        operation_id=f"grievances_{name.replace('-', '_')}",
        summary=summary,
        description="Calls the same service as the officer's page, after the page's own "
        "checks. Returns the updated grievance.",
        request=body_class,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.GrievanceDetailSerializer, **_errors(400, 401, 403, 404, 413, 422, 429)},
        examples=[OpenApiExample(name, value=example, request_only=True), *ERROR_EXAMPLES],
        tags=["grievance actions"],
    )
    def post(self: GrievanceActionView, request: Request, pk: int) -> Response:
        return GrievanceActionView.post(self, request, pk)

    view_class: type[GrievanceActionView] = type(
        f"Grievance{name.title().replace('-', '')}View",
        (GrievanceActionView,),
        {"action_name": name, "post": post},
    )
    return view_class.as_view()


ACTION_VIEWS = {name: _action_view(name) for name in ACTIONS}


class ReplyRetryView(ApiView):
    @extend_schema(
        operation_id="grievances_reply_retry",
        summary="Send a failed public reply again",
        description="As the page's button: only a failed reply is queued again. Returns the "
        "updated grievance.",
        request=s.EmptySerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.GrievanceDetailSerializer, **_errors(400, 401, 403, 404, 413, 422, 429)},
        examples=ERROR_EXAMPLES,
        tags=["grievance actions"],
    )
    def post(self, request: Request, pk: int, reply_id: int) -> Response:
        user = _user(request)

        def run() -> Response:
            grievance = grievance_get_for_user_to_change(user=user, pk=pk)
            self.parse(s.EmptySerializer)
            reply = Reply.objects.filter(pk=reply_id, grievance=grievance).first()
            if reply is None:
                raise Http404
            services.reply_retry(reply=reply, actor=user)
            return Response(grievance_detail_data(user, _reloaded(grievance)))

        return run_once(request, request.data, run)


# --- officer entry -----------------------------------------------------------------------------


class OfficerEntryView(ApiView):
    @extend_schema(
        operation_id="grievances_create",
        summary="Record a complaint received by phone, on paper, at 333 or a hearing",
        description="Like the officer's entry page: the citizen gets the code and private link "
        "by SMS/e-mail; the officer never holds the citizen's key.",
        request=s.OfficerEntrySerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.GrievanceDetailSerializer, **_errors(400, 401, 403, 413, 422, 429)},
        examples=[
            OpenApiExample(
                "By phone",
                value={
                    "office": 1,
                    "intake_via": "phone",
                    "description": "রাস্তার পাশে ময়লা জমে আছে।",
                    "citizen_phone": "01712345678",
                },
                request_only=True,
            ),
            *ERROR_EXAMPLES,
        ],
        tags=["grievances"],
    )
    def post(self, request: Request) -> Response:
        user = _user(request)

        def run() -> Response:
            staff = staff_access_for(user)
            staff.ensure_may_write()
            office_ids = staff.readable_office_ids() or []
            offices = list(Office.objects.filter(pk__in=office_ids, is_active=True))
            if not offices:
                raise exceptions.PermissionDenied(_("You do not work in any office."))
            data = self.parse(s.OfficerEntrySerializer)
            upazilas = list(upazilas_for_offices([o.pk for o in offices]))
            form = f.OfficerEntryForm(
                _form_data(data),
                offices=[(o.pk, o.name) for o in offices],
                categories=[(c.pk, c.name) for c in category_list()],
                upazilas=[(u.pk, u.name) for u in upazilas],
            )
            clean = _valid(form)
            received_at = None
            if clean["received_on"]:
                received_at = datetime.combine(clean["received_on"], time(12), tzinfo=DHAKA)
            grievance = services.grievance_record_officer_entry(
                office=next(o for o in offices if o.pk == clean["office"]),
                actor=user,
                intake_via=clean["intake_via"],
                description=clean["description"],
                subject=clean["subject"],
                upazila=next((u for u in upazilas if u.pk == clean["upazila"]), None),
                category=Category.objects.filter(pk=clean["category"]).first()
                if clean["category"]
                else None,
                citizen_name=clean["citizen_name"],
                citizen_phone=clean["citizen_phone"],
                citizen_email=clean["citizen_email"],
                is_anonymous=clean["is_anonymous"],
                received_at=received_at,
            )
            return Response(
                grievance_detail_data(user, _reloaded(grievance)), status=status.HTTP_201_CREATED
            )

        return run_once(request, request.data, run)


# --- reference data ----------------------------------------------------------------------------

REFERENCE_MAX_AGE = 60 * 60


class ReferenceView(PublicView):
    """Public, cacheable lists with Bangla and English names."""

    serializer_class: type[Serializer]

    def rows(self, request: Request) -> Any:
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        response = Response(self.serializer_class(self.rows(request), many=True).data)
        response["Cache-Control"] = f"public, max-age={REFERENCE_MAX_AGE}"
        return response


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name) or ""
    if not raw:
        return None
    field = s.serializers.IntegerField(min_value=1, max_value=s.MAX_ID)
    try:
        value: int = field.run_validation(raw)
    except exceptions.ValidationError as error:
        raise exceptions.ValidationError({name: error.detail}) from error
    return value


def _reference_schema(serializer: type[Serializer], summary: str, *params: str) -> Any:
    return extend_schema(
        summary=summary,
        parameters=[OpenApiParameter(p, int, required=False) for p in params],
        responses={200: serializer(many=True), **_errors(400, 429)},
        tags=["reference data"],
        auth=[],
    )


class DivisionListView(ReferenceView):
    serializer_class = s.DivisionSerializer

    def rows(self, request: Request) -> Any:
        return Division.objects.order_by("pk")

    @_reference_schema(s.DivisionSerializer, "Divisions")
    def get(self, request: Request) -> Response:
        return super().get(request)


class DistrictListView(ReferenceView):
    serializer_class = s.DistrictSerializer

    def rows(self, request: Request) -> Any:
        rows = District.objects.order_by("pk")
        division = _int_param(request, "division")
        return rows.filter(division_id=division) if division else rows

    @_reference_schema(s.DistrictSerializer, "Districts", "division")
    def get(self, request: Request) -> Response:
        return super().get(request)


class UpazilaListView(ReferenceView):
    serializer_class = s.UpazilaSerializer

    def rows(self, request: Request) -> Any:
        rows = Upazila.objects.order_by("pk")
        district = _int_param(request, "district")
        return rows.filter(district_id=district) if district else rows

    @_reference_schema(s.UpazilaSerializer, "Upazilas", "district")
    def get(self, request: Request) -> Response:
        return super().get(request)


class OfficeListView(ReferenceView):
    serializer_class = s.OfficeSerializer

    def rows(self, request: Request) -> Any:
        rows = Office.objects.filter(is_active=True).order_by("pk")
        district = _int_param(request, "district")
        return rows.filter(district_id=district) if district else rows

    @_reference_schema(s.OfficeSerializer, "Offices", "district")
    def get(self, request: Request) -> Response:
        return super().get(request)


class CategoryListView(ReferenceView):
    serializer_class = s.CategorySerializer

    def rows(self, request: Request) -> Any:
        return category_list()

    @_reference_schema(s.CategorySerializer, "Categories")
    def get(self, request: Request) -> Response:
        return super().get(request)


# --- citizens ----------------------------------------------------------------------------------


def _private(response: Response) -> Response:
    response["Cache-Control"] = "no-store, private"
    return response


def _throttled(retry_after: int) -> exceptions.Throttled:
    return exceptions.Throttled(wait=retry_after)


class CitizenFileView(PublicView):
    @extend_schema(
        operation_id="citizen_file",
        summary="File a grievance as a citizen",
        description="The web form's checks, rate limit and notifications (SMS/e-mail with the "
        "code and private link). The access key is in this answer only. With an "
        "`Idempotency-Key` (20-64 letters, digits, `-` or `_`) a resend files nothing new and "
        "gets the same code and key. Files cannot be attached through the API.",
        request=s.CitizenFileSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.CitizenFiledSerializer, **_errors(400, 413, 429)},
        examples=[
            FILED_EXAMPLE,
            OpenApiExample(
                "A filing",
                value={
                    "district": "dhaka",
                    "category": 1,
                    "description": "রাস্তার পাশে ময়লা জমে আছে।",
                    "citizen_phone": "01712345678",
                },
                request_only=True,
            ),
            *ERROR_EXAMPLES,
        ],
        tags=["citizens"],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        limit = ratelimit_check(scope="grievance-file", client=client_key(request._request))
        if not limit.allowed:
            raise _throttled(limit.retry_after)
        data = self.parse(s.CitizenFileSerializer)
        token = request.headers.get(IDEMPOTENCY_HEADER, "")
        form_data = {**_form_data(data), "form_token": token, "website": "", "pending_files": ""}
        form = GrievanceFileForm(form_data, {})
        clean = _valid(form)
        if token and clean["form_token"] != token:
            raise ApiError("idempotency_key_invalid")
        filing_kwargs = {
            "district": clean["district"],
            "upazila": clean["upazila"],
            "category": clean["category"],
            "description": clean["description"],
            "citizen_name": clean["citizen_name"],
            "citizen_phone": clean["citizen_phone"],
            "citizen_email": clean["citizen_email"],
            "is_anonymous": clean["is_anonymous"],
            "show_name_publicly": clean["show_name_publicly"],
            "language": (get_language() or "bn")[:2],
        }
        if token:
            grievance, key = services.grievance_file_once(form_token=token, **filing_kwargs)
        else:
            grievance, key = services.grievance_file_by_citizen(**filing_kwargs)
        body = {
            "tracking_code": grievance.tracking_code,
            "access_key": key,
            "private_url": tracking_link(code=grievance.tracking_code, key=key),
            "sms": bool(grievance.citizen_phone),
            "email": bool(grievance.citizen_email),
        }
        return _private(Response(body, status=status.HTTP_201_CREATED))


def _track_data(grievance: Grievance, *, private: bool) -> dict[str, Any]:
    grievance.timeline = grievance_public_timeline(grievance=grievance)  # type: ignore[attr-defined]
    grievance.private = private  # type: ignore[attr-defined]
    grievance.yours = grievance if private else None  # type: ignore[attr-defined]
    return dict(s.TrackSerializer(grievance).data)


class CitizenTrackView(PublicView):
    @extend_schema(
        operation_id="citizen_track",
        summary="Track a grievance: public view, or the citizen's own with the key",
        description="Without `key` the public page's facts; with the right `key` also "
        "`yours`: the description and the contact the citizen gave. A wrong key is a 404, like an unknown "
        "code. Rate limited like the tracking page.",
        parameters=[
            OpenApiParameter("key", str, required=False, description="The private access key.")
        ],
        responses={200: s.TrackSerializer, **_errors(400, 404, 429)},
        tags=["citizens"],
        auth=[],
    )
    def get(self, request: Request, code: str) -> Response:
        key = request.query_params.get("key", "")
        scope = "access-key" if key else "track"
        limit = ratelimit_check(scope=scope, client=client_key(request._request))
        if not limit.allowed:
            raise _throttled(limit.retry_after)
        canonical = normalise_tracking_code(code)
        if canonical is None:
            raise Http404
        if key:
            grievance = grievance_get_for_citizen(code=canonical, key=key)
            if grievance is None:
                raise Http404
            return _private(Response(_track_data(grievance, private=True)))
        grievance = grievance_get_by_tracking_code(code=canonical)
        if grievance is None:
            raise Http404
        return Response(_track_data(grievance, private=False))


class NotFoundView(PublicView):
    """Anything else under /api/v1/ (an unknown path, a negative id): the API's JSON 404, not
    the site's page."""

    @extend_schema(exclude=True)
    def get(self, request: Request, rest: str = "") -> Response:
        raise Http404

    post = put = patch = delete = get
