from django.contrib import admin

from offices.models import District, Division, Office, OfficeMembership, Upazila


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_bn", "geo_id")
    search_fields = ("name_en", "name_bn")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_bn", "code", "division")
    list_filter = ("division",)
    search_fields = ("name_en", "name_bn", "code")


@admin.register(Upazila)
class UpazilaAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_bn", "district")
    list_filter = ("district__division",)
    search_fields = ("name_en", "name_bn")
    list_select_related = ("district",)


class MembershipInline(admin.TabularInline):
    model = OfficeMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_bn", "kind", "code", "parent", "is_active")
    list_filter = ("kind", "division", "is_active")
    search_fields = ("name_en", "name_bn", "code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent", "district", "upazila")
    inlines = [MembershipInline]


@admin.register(OfficeMembership)
class OfficeMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "office", "role")
    list_filter = ("role", "office__kind")
    search_fields = ("user__username", "office__name_en", "office__name_bn")
    autocomplete_fields = ("user", "office")
    list_select_related = ("user", "office")
