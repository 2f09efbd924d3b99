"""Read-only: the outbox adapter's messages are read here; delivery belongs to tasks."""

from django.contrib import admin

from integrations.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "recipient", "state", "attempts", "backend")
    list_filter = ("channel", "state", "backend")
    readonly_fields = [field.name for field in Notification._meta.fields]
    search_fields = ("recipient",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
