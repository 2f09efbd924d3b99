"""The export log in the admin: who exported what, when. A record, so nobody edits it."""

from django.contrib import admin
from django.http import HttpRequest

from dashboards.models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ("started_at", "user", "kind", "format", "row_count", "finished_at")
    list_filter = ("kind", "format")
    date_hierarchy = "started_at"
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
