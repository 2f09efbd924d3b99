from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from api.keys import api_key_revoke, key_assign_secret
from api.models import ApiKey

_RAW_ATTR = "_raw_key_shown_once"


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "owner",
        "scope",
        "national_read",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("scope", "national_read")
    search_fields = ("name", "prefix", "owner__username")
    readonly_fields = ("prefix", "last_used_at", "created_at")
    filter_horizontal = ("offices",)
    autocomplete_fields = ("owner",)
    fields = (
        "name",
        "owner",
        "scope",
        "offices",
        "national_read",
        "expires_at",
        "revoked_at",
        "prefix",
        "last_used_at",
        "created_at",
    )
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: object, change: bool) -> None:
        if not change:
            setattr(obj, _RAW_ATTR, key_assign_secret(obj))
        super().save_model(request, obj, form, change)

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The key, once: it is stored hashed and can never be shown again. Not in a message
        (messages may travel in a cookie)."""
        return TemplateResponse(
            request,
            "admin/api/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "key": obj,
                "raw_key": getattr(obj, _RAW_ATTR, ""),
                "title": _("API key created"),
            },
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_key_revoke(key=key)
        self.message_user(request, _("%(count)s key(s) revoked.") % {"count": queryset.count()})
