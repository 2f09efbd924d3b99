"""Read-mostly: the life cycle changes only through services (officer pages and the API)."""

from django.contrib import admin
from django.http import HttpRequest

from grievances.models import Category, Feedback, Grievance, GrievanceEvent, Reply


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_bn", "name_en", "slug", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    prepopulated_fields = {"slug": ("name_en",)}


class EventInline(admin.TabularInline):
    model = GrievanceEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "is_public", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Grievance | None = None) -> bool:
        return False


# Fields only services may change: the workflow, deadlines, ownership and the citizen's words.
WORKFLOW_FIELDS = (
    "tracking_code",
    "office",
    "district",
    "upazila",
    "channel",
    "status",
    "tier",
    "outcome",
    "outcome_note",
    "referred_to",
    "not_grievance_reason",
    "duplicate_of",
    "assigned_to",
    "description",
    "received_at",
    "accepted_at",
    "due_at",
    "first_response_due_at",
    "first_responded_at",
    "last_public_update_at",
    "last_activity_at",
    "resolved_at",
    "closed_at",
    "escalation_level",
)


@admin.register(Grievance)
class GrievanceAdmin(admin.ModelAdmin):
    list_display = ("tracking_code", "office", "status", "tier", "channel", "due_at", "created_at")
    list_filter = ("status", "tier", "channel", "office__division")
    search_fields = ("tracking_code",)
    list_select_related = ("office",)
    readonly_fields = WORKFLOW_FIELDS
    exclude = ("access_key_hash",)
    inlines = [EventInline]
    show_full_result_count = False  # no COUNT(*) over every grievance on each page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Grievance | None = None) -> bool:
        # View only: every field that may change has a service that records an event
        # (category, priority, assignment, publicity of the name), and the citizen's contact
        # details are the citizen's, not support staff's, to edit.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Grievance | None = None) -> bool:
        return False


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: the admin shows them and changes nothing."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Reply)
class ReplyAdmin(ViewOnlyAdmin):
    list_display = ("grievance", "state", "to_facebook", "to_citizen", "attempts", "created_at")
    list_filter = ("state", "to_facebook")
    readonly_fields = (
        "grievance",
        "author",
        "body",
        "to_facebook",
        "to_citizen",
        "state",
        "external_id",
        "attempts",
        "last_error",
        "first_attempt_at",
        "sent_at",
    )
    list_select_related = ("grievance",)


@admin.register(Feedback)
class FeedbackAdmin(ViewOnlyAdmin):
    list_display = ("grievance", "is_fixed", "rating", "created_at")
    readonly_fields = ("grievance", "is_fixed", "rating", "comment")
