from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Holiday(models.Model):
    """A public holiday: not a working day for deadlines. Seeded from core/data/holidays.json."""

    date = models.DateField(unique=True)
    name_en = models.CharField(max_length=200)
    name_bn = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = "holiday"
        verbose_name_plural = "holidays"

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name_bn}"
