from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import user_disable


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Shunani"), {"fields": ("full_name_bn", "is_national")}),
    )
    list_display = ("username", "get_full_name", "email", "is_national", "is_staff", "is_active")
    list_filter = ("is_national", "is_staff", "is_active")

    actions = ["disable_and_sign_out"]

    @admin.action(description=_("Disable and end their sessions"))
    def disable_and_sign_out(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_disable(user=user)
        self.message_user(request, _("%(count)s user(s) disabled.") % {"count": queryset.count()})
