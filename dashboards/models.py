"""Summary tables the dashboards read: never `grievances_grievance` per request.

- `EventSummary`: what *happened* (received, first responded, resolved, ...) per time bucket ×
  office × district × category × channel. Each row is kept at three grains, the day, the week
  within its month (Sunday to Saturday, cut at the month's ends) and the month, so a period is
  answered from whole months, then whole weeks, then the days left at its edges: a few dozen
  buckets whatever its length. Each is kept at three levels of detail: every category and
  channel apart, channels summed (per category), and both summed (per office), so a page
  without those filters reads one row per office and bucket.
- `DurationSummary`: how many grievances took N working days to first response / resolution,
  in the same buckets, at the full and the per-office levels (a row per working day: a
  per-category level would be two fifths of the table; a category is read from the full
  level). Medians and p90s come from these histograms.
- The summary rows are derived, written in bulk and rebuilt at will: their foreign keys are not
  constraints in the database (checked row by row at commit, they cost minutes per rebuild)
  and have no index of their own (the tables' read and key indexes serve every query).
- `SummarisedGrievance`: each grievance as the summaries last counted it (its office, category,
  dates, the last event and feedback counted), so a refresh takes out what a changed grievance
  counted before and adds what it counts now, whatever happened to it in between.
- `CurrentSnapshot`: open and overdue now per office × district × category × channel.
- `BacklogHistory`: open and overdue at the end of each day, per office × district, as the
  current snapshot said at the day's last refresh (overdue history cannot be rebuilt from the
  events: deadlines move with reopenings, appeals and holiday edits).
- `RefreshState`: the one row saying when the summaries were computed and up to where.

All are written only by `dashboards/summaries.py`.
"""

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    DAY = "d", "day"
    WEEK = "w", "week within its month"  # bucket: its first day (a Sunday, or the 1st)
    MONTH = "m", "month"


class Level(models.IntegerChoices):
    FULL = 0, "every category and channel apart"
    CATEGORY = 1, "channels summed"  # channel ""
    OFFICE = 2, "categories and channels summed"  # category NULL, channel ""


def _key(to: str, *, null: bool = False) -> models.ForeignKey:
    """A summary row's key column: no database constraint and no index of its own."""
    return models.ForeignKey(
        to,
        on_delete=models.CASCADE,
        null=null,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )


class EventSummary(models.Model):
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    grain = models.CharField(max_length=1, choices=Grain.choices)
    bucket = models.DateField()  # the day, or the first of its week or month (Dhaka dates)
    office = _key("offices.Office")
    district = _key("offices.District")
    category = _key("grievances.Category", null=True)
    channel = models.CharField(max_length=20)

    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    not_grievance = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    transferred_in = models.PositiveIntegerField(default=0)
    transferred_out = models.PositiveIntegerField(default=0)
    first_responded = models.PositiveIntegerField(default=0)
    first_responded_on_time = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    appealed = models.PositiveIntegerField(default=0)
    appeals_resolved = models.PositiveIntegerField(default=0)
    appeals_resolved_on_time = models.PositiveIntegerField(default=0)
    feedback = models.PositiveIntegerField(default=0)
    feedback_fixed = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    facebook_received = models.PositiveIntegerField(default=0)
    facebook_answered_publicly = models.PositiveIntegerField(default=0)
    facebook_ignored = models.PositiveIntegerField(default=0)
    appeals_received = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    # Resolved by outcome (grievances.models.GrievanceOutcome: one column each).
    resolved_service_provided = models.PositiveIntegerField(default=0)
    resolved_information_provided = models.PositiveIntegerField(default=0)
    resolved_action_taken = models.PositiveIntegerField(default=0)
    resolved_allegation_proved = models.PositiveIntegerField(default=0)
    resolved_allegation_not_proved = models.PositiveIntegerField(default=0)
    resolved_referred = models.PositiveIntegerField(default=0)
    resolved_other = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["level", "grain", "bucket", "district"], name="dash_event_read"),
            # The refresh finds a row by its whole key (a category may be NULL: compared as 0).
            models.Index(
                "office",
                "bucket",
                "level",
                "grain",
                "channel",
                Coalesce("category", 0),
                name="dash_event_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grain}{self.bucket} {self.office_id}"


class DurationSummary(models.Model):
    FIRST_RESPONSE = "f"
    RESOLUTION = "r"

    measure = models.CharField(max_length=1)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    grain = models.CharField(max_length=1, choices=Grain.choices)
    bucket = models.DateField()
    office = _key("offices.Office")
    district = _key("offices.District")
    category = _key("grievances.Category", null=True)
    channel = models.CharField(max_length=20)
    working_days = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["level", "grain", "bucket", "district"], name="dash_duration_read"
            ),
            models.Index(
                "office",
                "bucket",
                "level",
                "grain",
                "measure",
                "working_days",
                "channel",
                Coalesce("category", 0),
                name="dash_duration_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}{self.grain}{self.bucket} {self.office_id}: {self.working_days}"


class CurrentSnapshot(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("offices.District", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        "grievances.Category", on_delete=models.CASCADE, null=True, related_name="+"
    )
    channel = models.CharField(max_length=20)
    open = models.PositiveIntegerField(default=0)
    untriaged = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    facebook_unanswered_overdue = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.office_id}: {self.open} open, {self.overdue} overdue"


class RefreshState(models.Model):
    """One row (pk=1): the watermark of the incremental refresh."""

    last_event_id = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(null=True)  # the `now` of the last refresh
    finished_at = models.DateTimeField(null=True)
    # A rebuild in progress: the next of its steps to run (resumable); None when none.
    rebuild_step = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"refresh {self.started_at}"


class SummarisedGrievance(models.Model):
    """A grievance as the summaries counted it: what `dashboards/summaries.py` needs to take
    its facts out again. Dates are Dhaka days; working days are counted as at that time."""

    grievance_id = models.BigIntegerField(primary_key=True)
    office_id = models.BigIntegerField()
    district_id = models.BigIntegerField(null=True)  # the grievance's own
    upazila_id = models.BigIntegerField(null=True)
    category_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=20)
    tier = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=30, blank=True)
    received_day = models.DateField()
    accepted_day = models.DateField(null=True)
    first_responded_day = models.DateField(null=True)
    first_responded_on_time = models.BooleanField(default=False)
    first_response_days = models.PositiveSmallIntegerField(null=True)
    resolved_day = models.DateField(null=True)
    resolved_on_time = models.BooleanField(default=False)
    resolution_days = models.PositiveSmallIntegerField(null=True)
    closed_day = models.DateField(null=True)
    finished_day = models.DateField(null=True)  # left the open statuses (as it stands)
    facebook = models.BooleanField(default=False)
    answered_publicly = models.BooleanField(default=False)
    ignored_day = models.DateField(null=True)  # its first-response deadline, when ignored
    # For the current snapshot (open and overdue at the moment it was counted).
    open = models.BooleanField(default=False)
    untriaged = models.BooleanField(default=False)
    sort_due_at = models.DateTimeField(null=True)
    first_response_due_at = models.DateTimeField(null=True)
    # The grievance's events and feedback counted: those up to these ids.
    last_event_id = models.BigIntegerField(default=0)
    last_feedback_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"grievance {self.grievance_id} as summarised"


class UpazilaSummary(models.Model):
    """The main counts per upazila (the one the grievance is about), for a district's page;
    written with `EventSummary`, from the same facts."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    bucket = models.DateField()
    office = _key("offices.Office")
    district = _key("offices.District")
    upazila = _key("offices.Upazila", null=True)
    received = models.PositiveIntegerField(default=0)
    first_responded = models.PositiveIntegerField(default=0)
    first_responded_on_time = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    feedback = models.PositiveIntegerField(default=0)
    feedback_fixed = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["district", "grain", "bucket"], name="dash_upazila_district"),
            models.Index(
                "office", "bucket", "grain", Coalesce("upazila", 0), name="dash_upazila_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grain}{self.bucket} {self.upazila_id}"


class BacklogHistory(models.Model):
    """Open and overdue per Dhaka day × office × district: the current snapshot's totals as the
    last refresh of that day left them. Recorded, not rebuilt; a day before the first refresh
    has no row."""

    day = models.DateField()
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("offices.District", on_delete=models.CASCADE, related_name="+")
    open = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "office", "district"], name="dash_backlog_one_per_day"
            )
        ]
        indexes = [models.Index(fields=["day", "district"], name="dash_backlog_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id}: {self.open} open, {self.overdue} overdue"


class ExportLog(models.Model):
    """Who exported which grievance rows, when (written by `dashboards/services.py`)."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    kind = models.CharField(_("export"), max_length=30)  # "grievances"
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The filters as the export applied them: period, districts (None: all), category, channel.
    filters = models.JSONField(_("filters"), default=dict)
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    # Set when the last row was sent; empty when the download was interrupted.
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(format__in=["csv", "xlsx"]), name="export_log_format_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}.{self.format} {self.started_at:%Y-%m-%d %H:%M}"
