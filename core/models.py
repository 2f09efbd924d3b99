from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class BilingualName(models.Model):
    """English and Bangla names; `name` follows the active language."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_bn = models.CharField(_("name (Bangla)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "bn").startswith("en") else self.name_bn


class Holiday(BilingualName):
    """A public holiday: not a working day for deadlines. Seeded from core/data/holidays.json."""

    date = models.DateField(unique=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "holiday"
        verbose_name_plural = "holidays"

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name_bn}"
