from django.contrib import admin
from django.http import HttpRequest

from triage.models import Correction, Suggestion, TriageSetting


@admin.register(TriageSetting)
class TriageSettingAdmin(admin.ModelAdmin):
    list_display = ("office", "auto_set_aside", "threshold", "updated_at")
    list_filter = ("auto_set_aside",)
    autocomplete_fields = ("office",)
    search_fields = ("office__name_en", "office__name_bn", "office__code")


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = (
        "grievance",
        "intent",
        "intent_confidence",
        "category",
        "category_confidence",
        "set_aside",
        "model_version",
    )
    list_filter = ("intent", "set_aside", "model_version")
    raw_id_fields = ("grievance",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "decision",
        "intent",
        "category",
        "suggested_intent",
        "model_version",
    )
    list_filter = ("decision", "intent", "model_version")
    raw_id_fields = ("grievance", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
