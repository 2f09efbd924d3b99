"""What the API reads and writes. Input serializers reject unknown fields and wrong types;
the officers' and citizens' own forms then apply the same rules as the pages (api/views)."""

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grievances.models import (
    GrievanceChannel,
    GrievanceOutcome,
    GrievancePriority,
    GrievanceStatus,
    IntakeVia,
    NotGrievanceReason,
)

MAX_ID = 2**31 - 1  # a PostgreSQL integer: a larger id is a 400, not a database error


# Dates the API accepts: anything outside is a mistake, and far years overflow date arithmetic.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def _sensible_date(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(
            _("Give a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="date_out_of_range",
        )


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, and a body that is not a JSON object."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("The body must be a JSON object.")]}, code="invalid"
            )
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown field.")] for name in unknown}, code="unknown_field"
            )
        return super().to_internal_value(data)


# --- names in both languages ----------------------------------------------------------------


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name_bn = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)


class DivisionSerializer(NamedSerializer):
    pass


class DistrictSerializer(NamedSerializer):
    code = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
    division = serializers.IntegerField(source="division_id", read_only=True)


class UpazilaSerializer(NamedSerializer):
    district = serializers.IntegerField(source="district_id", read_only=True)


class OfficeSerializer(NamedSerializer):
    code = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    division = serializers.IntegerField(source="division_id", read_only=True)
    district = serializers.IntegerField(source="district_id", read_only=True, allow_null=True)
    upazila = serializers.IntegerField(source="upazila_id", read_only=True, allow_null=True)
    appeal_office = serializers.IntegerField(
        source="parent_id", read_only=True, allow_null=True, help_text="Where appeals go."
    )


class CategorySerializer(NamedSerializer):
    slug = serializers.CharField(read_only=True)


class OfficeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name_bn = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)


# --- grievances ------------------------------------------------------------------------------


class GrievanceListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    tracking_code = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=GrievanceStatus.choices, read_only=True)
    tier = serializers.IntegerField(read_only=True)
    channel = serializers.ChoiceField(choices=GrievanceChannel.choices, read_only=True)
    priority = serializers.ChoiceField(choices=GrievancePriority.choices, read_only=True)
    subject = serializers.CharField(read_only=True)
    office = OfficeRefSerializer(read_only=True)
    district = serializers.IntegerField(source="district_id", read_only=True, allow_null=True)
    upazila = serializers.IntegerField(source="upazila_id", read_only=True, allow_null=True)
    category = serializers.IntegerField(source="category_id", read_only=True, allow_null=True)
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)
    received_at = serializers.DateTimeField(read_only=True)
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    first_response_due_at = serializers.DateTimeField(read_only=True)
    is_overdue = serializers.SerializerMethodField()
    last_activity_at = serializers.DateTimeField(read_only=True)
    escalation_level = serializers.IntegerField(read_only=True)

    def get_is_overdue(self, grievance: Any) -> bool:
        """`Grievance.is_overdue_at`: the one definition, at the request's time."""
        return bool(grievance.is_overdue_at(self.context["now"]))


def _iso(value: Any) -> str | None:
    """DateTimeField's output: ISO 8601 in the current time zone (Dhaka), or None."""
    if value is None:
        return None
    return str(serializers.DateTimeField().to_representation(value))


def list_item(grievance: Any, now: Any) -> dict[str, Any]:
    """`GrievanceListItemSerializer(grievance).data`, built directly: a page has 25 of them and
    DRF's field machinery costs more than the page's SQL. A test holds the two equal."""
    g = grievance
    office, assignee = g.office, g.assigned_to
    return {
        "id": g.pk,
        "tracking_code": g.tracking_code,
        "status": g.status,
        "tier": g.tier,
        "channel": g.channel,
        "priority": g.priority,
        "subject": g.subject,
        "office": {
            "id": office.pk,
            "code": office.code,
            "name_bn": office.name_bn,
            "name_en": office.name_en,
        },
        "district": g.district_id,
        "upazila": g.upazila_id,
        "category": g.category_id,
        "assigned_to": None
        if assignee is None
        else {"id": assignee.pk, "username": assignee.username, "name": assignee.display_name},
        "received_at": _iso(g.received_at),
        "due_at": _iso(g.due_at),
        "first_response_due_at": _iso(g.first_response_due_at),
        "is_overdue": bool(g.is_overdue_at(now)),
        "last_activity_at": _iso(g.last_activity_at),
        "escalation_level": g.escalation_level,
    }


class GrievanceListSerializer(serializers.Serializer):
    results = GrievanceListItemSerializer(many=True, read_only=True)
    next_cursor = serializers.CharField(
        read_only=True, allow_null=True, help_text="Pass as `cursor` for the next page; null: none."
    )
    next = serializers.CharField(read_only=True, allow_null=True, help_text="The next page's URL.")


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    from_office = serializers.IntegerField(source="from_office_id", read_only=True, allow_null=True)
    to_office = serializers.IntegerField(source="to_office_id", read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True)
    is_public = serializers.BooleanField(read_only=True)


class StaffEventSerializer(EventSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True)


class ReplySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    body = serializers.CharField(read_only=True)
    to_facebook = serializers.BooleanField(read_only=True)
    to_citizen = serializers.BooleanField(read_only=True)
    state = serializers.CharField(read_only=True)
    attempts = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    sent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    author = UserRefSerializer(read_only=True, allow_null=True)


class FacebookItemSerializer(serializers.Serializer):
    graph_id = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    post_id = serializers.CharField(read_only=True)
    parent_id = serializers.CharField(read_only=True)
    author_name = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    created_time = serializers.DateTimeField(read_only=True, allow_null=True)
    is_edited = serializers.BooleanField(read_only=True)
    is_hidden = serializers.BooleanField(read_only=True)
    is_removed = serializers.BooleanField(read_only=True)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    masked = serializers.BooleanField(read_only=True)
    is_anonymous = serializers.BooleanField(read_only=True)


class PermissionsSerializer(serializers.Serializer):
    may_act = serializers.BooleanField(read_only=True)
    may_manage = serializers.BooleanField(read_only=True)


class GrievanceDetailSerializer(GrievanceListItemSerializer):
    description = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    outcome_note = serializers.CharField(read_only=True)
    referred_to = serializers.CharField(read_only=True)
    not_grievance_reason = serializers.CharField(read_only=True)
    duplicate_of = serializers.IntegerField(
        source="duplicate_of_id", read_only=True, allow_null=True
    )
    intake_via = serializers.CharField(read_only=True)
    accepted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    contact = ContactSerializer(read_only=True)
    permissions = PermissionsSerializer(read_only=True)
    public_timeline = EventSerializer(many=True, read_only=True)
    internal_events = StaffEventSerializer(
        many=True, read_only=True, help_text="Internal notes and events: staff of the office only."
    )
    replies = ReplySerializer(many=True, read_only=True)
    facebook_source = FacebookItemSerializer(many=True, read_only=True)


# --- actions: bodies -------------------------------------------------------------------------

_CONFIRM = serializers.BooleanField(
    required=False,
    default=False,
    help_text="Send true after the privacy check refused the text, to publish it anyway.",
)


class EmptySerializer(StrictSerializer):
    """No fields: an empty JSON object, or no body."""


class AcceptSerializer(StrictSerializer):
    note = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


class AssignSerializer(StrictSerializer):
    assignee = serializers.IntegerField(
        help_text="A user id: a colleague in the office.", max_value=MAX_ID, min_value=1
    )


class TransferSerializer(StrictSerializer):
    office = serializers.IntegerField(
        help_text="The id of the office to transfer to.", max_value=MAX_ID, min_value=1
    )
    reason = serializers.CharField(max_length=2000)


class CategoriseSerializer(StrictSerializer):
    category = serializers.IntegerField(
        help_text="A category id (`/api/v1/categories/`).", min_value=1, max_value=MAX_ID
    )


class PrioritiseSerializer(StrictSerializer):
    priority = serializers.ChoiceField(choices=GrievancePriority.choices)


class NoteSerializer(StrictSerializer):
    note = serializers.CharField(max_length=4000)


class NotGrievanceSerializer(StrictSerializer):
    reason = serializers.ChoiceField(choices=NotGrievanceReason.choices)
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class DuplicateSerializer(StrictSerializer):
    original = serializers.CharField(max_length=30, help_text="The original's tracking code.")
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class ReplyCreateSerializer(StrictSerializer):
    body = serializers.CharField(max_length=2000)
    to_facebook = serializers.BooleanField(required=False, default=False)
    confirm_privacy = serializers.BooleanField(
        required=False, default=False, help_text=_CONFIRM.help_text
    )


class ResolveSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=GrievanceOutcome.choices)
    note = serializers.CharField(max_length=4000, help_text="The answer the citizen will see.")
    referred_to = serializers.CharField(
        max_length=300, allow_blank=True, required=False, default=""
    )
    confirm_privacy = serializers.BooleanField(
        required=False, default=False, help_text=_CONFIRM.help_text
    )


class CloseSerializer(StrictSerializer):
    note = serializers.CharField(max_length=4000, help_text="Why: the citizen will see this.")
    confirm_privacy = serializers.BooleanField(
        required=False, default=False, help_text=_CONFIRM.help_text
    )


class ReopenSerializer(NoteSerializer):
    pass


class OfficerEntrySerializer(StrictSerializer):
    office = serializers.IntegerField(
        help_text="One of your offices.", max_value=MAX_ID, min_value=1
    )
    intake_via = serializers.ChoiceField(choices=IntakeVia.choices)
    received_on = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[_sensible_date]
    )
    subject = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    description = serializers.CharField(max_length=10000)
    category = serializers.IntegerField(
        required=False, allow_null=True, default=None, max_value=MAX_ID, min_value=1
    )
    upazila = serializers.IntegerField(
        required=False, allow_null=True, default=None, max_value=MAX_ID, min_value=1
    )
    citizen_name = serializers.CharField(
        max_length=200, allow_blank=True, required=False, default=""
    )
    citizen_phone = serializers.CharField(
        max_length=20, allow_blank=True, required=False, default=""
    )
    citizen_email = serializers.CharField(
        max_length=254, allow_blank=True, required=False, default=""
    )
    is_anonymous = serializers.BooleanField(required=False, default=False)


# --- citizens --------------------------------------------------------------------------------


class CitizenFileSerializer(StrictSerializer):
    district = serializers.SlugField(help_text="The district's slug (`/api/v1/districts/`).")
    upazila = serializers.IntegerField(
        required=False, allow_null=True, default=None, max_value=MAX_ID, min_value=1
    )
    category = serializers.IntegerField(
        help_text="A category id (`/api/v1/categories/`).", min_value=1, max_value=MAX_ID
    )
    description = serializers.CharField(max_length=5000)
    citizen_name = serializers.CharField(
        max_length=200, allow_blank=True, required=False, default=""
    )
    citizen_phone = serializers.CharField(
        max_length=30, allow_blank=True, required=False, default=""
    )
    citizen_email = serializers.CharField(
        max_length=254, allow_blank=True, required=False, default=""
    )
    is_anonymous = serializers.BooleanField(required=False, default=False)
    show_name_publicly = serializers.BooleanField(required=False, default=False)


class CitizenFiledSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(read_only=True)
    access_key = serializers.CharField(
        read_only=True, help_text="The citizen's private key: shown once, never stored."
    )
    private_url = serializers.CharField(read_only=True)
    sms = serializers.BooleanField(read_only=True, help_text="The code was sent by SMS.")
    email = serializers.BooleanField(read_only=True, help_text="The code was sent by e-mail.")


class PublicEventSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    to_office = OfficeRefSerializer(read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True)


class CitizenOwnSerializer(serializers.Serializer):
    description = serializers.CharField(read_only=True)
    citizen_name = serializers.CharField(read_only=True)
    citizen_phone = serializers.CharField(read_only=True)
    citizen_email = serializers.CharField(read_only=True)
    is_anonymous = serializers.BooleanField(read_only=True)


class TrackSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    tier = serializers.IntegerField(read_only=True)
    office = OfficeRefSerializer(read_only=True)
    district = serializers.IntegerField(source="district_id", read_only=True, allow_null=True)
    upazila = serializers.IntegerField(source="upazila_id", read_only=True, allow_null=True)
    category = serializers.IntegerField(source="category_id", read_only=True, allow_null=True)
    received_at = serializers.DateTimeField(read_only=True)
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    first_response_due_at = serializers.DateTimeField(read_only=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    public_name = serializers.CharField(read_only=True)
    timeline = PublicEventSerializer(many=True, read_only=True)
    private = serializers.BooleanField(read_only=True)
    yours = CitizenOwnSerializer(
        read_only=True,
        allow_null=True,
        help_text="With the right key: what the citizen wrote and gave. Null without it.",
    )


# --- errors ----------------------------------------------------------------------------------


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class MessagesSerializer(serializers.Serializer):
    bn = serializers.CharField()
    en = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Every 4xx of /api/v1/."""

    code = serializers.CharField(help_text="Machine-readable: see the API's error codes.")
    message = serializers.CharField(help_text="The specific reason, in the request's language.")
    messages = MessagesSerializer(help_text="The code's meaning in Bangla and English.")
    fields = serializers.DictField(  # type: ignore[assignment]  # the JSON key "fields"
        child=FieldErrorSerializer(many=True),
        required=False,
        help_text="Per field (dotted for nested ones); `non_field_errors` for the whole body.",
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds to wait (429 only; also the Retry-After header)."
    )


# --- list query --------------------------------------------------------------------------------


class GrievanceFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=GrievanceStatus.choices, required=False)
    category = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    channel = serializers.ChoiceField(choices=GrievanceChannel.choices, required=False)
    upazila = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    district = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    division = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    assignee = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    overdue = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: only overdue; false: none."
    )
    received_from = serializers.DateField(
        required=False, help_text="YYYY-MM-DD, Dhaka time.", validators=[_sensible_date]
    )
    received_to = serializers.DateField(
        required=False, help_text="YYYY-MM-DD, inclusive.", validators=[_sensible_date]
    )
    q = serializers.CharField(
        required=False,
        max_length=200,
        allow_blank=True,
        help_text="Words of the code, subject or description; a mobile number.",
    )
    sort = serializers.ChoiceField(
        choices=[("due", "due"), ("priority", "priority"), ("activity", "activity")],
        required=False,
        default="due",
    )
    cursor = serializers.CharField(required=False, max_length=500, allow_blank=True)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=25)
