"""Page health for administrators and national staff, and connecting pages with Facebook Login.

Read-only lists (changes go through services): pages needing attention come first. Tokens are
never shown: the admin has no form field for them and the user token of a login is kept
encrypted in the session between the steps.
"""

import secrets
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import ApplicationError
from core.tasks import enqueue_after_commit
from integrations.facebook import crypto
from integrations.facebook.models import (
    FacebookComment,
    FacebookPage,
    FacebookPageState,
    FacebookPrivateReply,
    WebhookDelivery,
)
from integrations.facebook.services.connect import (
    facebook_login_pages,
    facebook_login_url,
    facebook_login_user_token,
    page_connect_from_login,
)
from offices.models import Office

_STATE_SALT = "facebook-login"
_SESSION_KEY = "facebook_login"


class ConnectStartForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.districts().order_by("name_en")
    )


class ChoosePageForm(forms.Form):
    page_id = forms.ChoiceField(label=_("Page"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, pages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["page_id"].choices = pages  # type: ignore[attr-defined]  # a ChoiceField


@admin.register(FacebookPage)
class FacebookPageAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "page_id",
        "office",
        "state",
        "paused_until",
        "last_synced_at",
        "last_webhook_at",
        "usage_peak",
        "short_error",
    ]
    list_filter = ["state"]
    search_fields = ["name", "page_id", "office__name_en", "office__name_bn"]
    readonly_fields = [
        "page_id",
        "office",
        "name",
        "state",
        "paused_until",
        "usage",
        "usage_peak",
        "last_synced_at",
        "synced_until",
        "last_webhook_at",
        "last_error",
        "last_error_at",
    ]
    fields = list(readonly_fields)
    actions = ["sync_now"]
    change_list_template = "facebook/admin/page_changelist.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[FacebookPage]:
        # Pages that need a person first: dead tokens, then throttled, then any error.
        return (
            super()
            .get_queryset(request)
            .select_related("office")
            .annotate(
                attention=Case(
                    When(state=FacebookPageState.NEEDS_REAUTH, then=Value(0)),
                    When(state=FacebookPageState.PAUSED, then=Value(1)),
                    When(~Q(last_error=""), then=Value(2)),
                    default=Value(3),
                    output_field=IntegerField(),
                )
            )
            .order_by("attention", "name")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # pages are connected through Facebook Login (below) or the command

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("last error"))
    def short_error(self, page: FacebookPage) -> str:
        return page.last_error[:80]

    @admin.action(description=_("Sync the selected pages now"))
    def sync_now(self, request: HttpRequest, queryset: QuerySet[FacebookPage]) -> None:
        from integrations.facebook.tasks import facebook_page_sync_task

        pages = list(FacebookPage.objects.syncable().filter(pk__in=queryset.values("pk")))
        for page in pages:
            # With the broker down the beat's next round syncs the page anyway: no error page.
            enqueue_after_commit(facebook_page_sync_task, page_id=page.pk)
        self.message_user(
            request, gettext("%(count)d page(s) queued for a sync.") % {"count": len(pages)}
        )

    # -- connecting pages with Facebook Login -------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "connect/",
                self.admin_site.admin_view(self.connect_start),
                name="facebook_facebookpage_connect",
            ),
            path(
                "connect/callback/",
                self.admin_site.admin_view(self.connect_callback),
                name="facebook_facebookpage_connect_callback",
            ),
        ]
        return own + super().get_urls()

    def _callback_url(self, request: HttpRequest) -> str:
        return request.build_absolute_uri(reverse("admin:facebook_facebookpage_connect_callback"))

    def _may_connect(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def connect_start(self, request: HttpRequest) -> HttpResponse:
        if not self._may_connect(request):
            return HttpResponse(status=403)
        form = ConnectStartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            nonce = secrets.token_urlsafe(16)
            request.session[_SESSION_KEY] = {"nonce": nonce}
            state = signing.dumps(
                {"office": form.cleaned_data["office"].pk, "nonce": nonce}, salt=_STATE_SALT
            )
            try:
                url = facebook_login_url(redirect_uri=self._callback_url(request), state=state)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Connect a Facebook page"),
        }
        return render(request, "facebook/admin/connect.html", context)

    def connect_callback(self, request: HttpRequest) -> HttpResponse:
        if not self._may_connect(request):
            return HttpResponse(status=403)
        session = request.session.get(_SESSION_KEY) or {}
        if request.method == "GET":
            try:
                state = signing.loads(
                    request.GET.get("state", ""), salt=_STATE_SALT, max_age=15 * 60
                )
            except signing.BadSignature:
                state = None
            if not state or state.get("nonce") != session.get("nonce"):
                messages.error(request, gettext("The Facebook login expired; start again."))
                return redirect("admin:facebook_facebookpage_connect")
            code = request.GET.get("code", "")
            try:
                user_token = facebook_login_user_token(
                    code=code, redirect_uri=self._callback_url(request)
                )
                pages = facebook_login_pages(user_token=user_token)
            except ApplicationError as exc:
                messages.error(request, exc.message)
                return redirect("admin:facebook_facebookpage_connect")
            request.session[_SESSION_KEY] = {
                "office": state["office"],
                "token": crypto.encrypt(user_token),  # the session table is no place for it
                "pages": [(p.id, p.name) for p in pages],
            }
            form = ChoosePageForm(pages=[(p.id, f"{p.name} ({p.id})") for p in pages])
        else:
            if "token" not in session:
                return redirect("admin:facebook_facebookpage_connect")
            form = ChoosePageForm(
                request.POST, pages=[(pid, f"{name} ({pid})") for pid, name in session["pages"]]
            )
            if form.is_valid():
                chosen_office = Office.objects.get(pk=session["office"])
                try:
                    page = page_connect_from_login(
                        office=chosen_office,
                        page_id=form.cleaned_data["page_id"],
                        user_token=crypto.decrypt(session["token"]),
                    )
                except ApplicationError as exc:
                    messages.error(request, exc.message)
                else:
                    del request.session[_SESSION_KEY]
                    messages.success(
                        request,
                        gettext("The page “%(page)s” is connected to %(office)s.")
                        % {"page": page.name or page.page_id, "office": chosen_office.name},
                    )
                    return redirect("admin:facebook_facebookpage_changelist")
        office = Office.objects.filter(pk=request.session[_SESSION_KEY]["office"]).first()
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "office": office,
            "title": _("Choose the page to connect"),
        }
        return render(request, "facebook/admin/choose_page.html", context)


@admin.register(FacebookComment)
class FacebookCommentAdmin(admin.ModelAdmin):
    list_display = [
        "graph_id",
        "page",
        "kind",
        "is_top_level",
        "is_page_reply",
        "is_edited",
        "is_removed",
        "is_hidden",
        "grievance",
        "created_time",
    ]
    list_filter = ["kind", "is_page_reply", "is_removed", "is_hidden", "is_edited"]
    search_fields = ["graph_id", "post_id", "grievance__tracking_code"]
    list_select_related = ["page", "grievance"]
    show_full_result_count = False  # millions of rows: no COUNT(*) on every page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing read from Facebook is thrown away


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["pk", "received_at", "processed_at", "parked_at", "attempts", "error"]
    list_filter = [
        ("processed_at", admin.EmptyFieldListFilter),
        ("parked_at", admin.EmptyFieldListFilter),
    ]
    exclude = ["body"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FacebookPrivateReply)
class FacebookPrivateReplyAdmin(admin.ModelAdmin):
    """The private links by Messenger and why any failed (read-only: sent at most once)."""

    list_display = ["pk", "comment", "state", "sent_at", "error", "created_at"]
    list_filter = ["state"]
    readonly_fields = ["comment", "state", "message_id", "sent_at", "error"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
