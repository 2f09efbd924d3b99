from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Shunani"), {"fields": ("full_name_bn", "is_national")}),
    )
    list_display = ("username", "get_full_name", "email", "is_national", "is_staff", "is_active")
    list_filter = ("is_national", "is_staff", "is_active")
