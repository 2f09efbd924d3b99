"""Read-only: the outbox adapter's messages are read here; delivery belongs to tasks.

The private link (`secret`) is never shown, and the text is shown with the link hidden.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from integrations.notifications.models import Notification
from integrations.notifications.services import notification_text


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "recipient", "state", "attempts", "backend")
    list_filter = ("channel", "state", "backend")
    exclude = ("body", "secret")
    readonly_fields = [
        *(f.name for f in Notification._meta.fields if f.name not in ("body", "secret")),
        "text",
    ]
    search_fields = ("recipient",)
    date_hierarchy = "created_at"

    @admin.display(description=_("text"))
    def text(self, obj: Notification) -> str:
        return notification_text(obj, external=False)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
