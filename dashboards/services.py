"""The dashboards' writes besides the summaries (those are `dashboards/summaries.py`'s):
the export log."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from dashboards.metrics import Filters
from dashboards.models import ExportLog


def export_filters_record(filters: Filters) -> dict[str, Any]:
    """What an export selected, as the log keeps it."""
    return {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "district_ids": None if filters.district_ids is None else list(filters.district_ids),
        "category_id": filters.category_id,
        "channel": filters.channel,
    }


@transaction.atomic
def export_log_start(*, user: User, kind: str, format: str, filters: Filters) -> ExportLog:
    """Logged before the first byte leaves: an interrupted download is still on record."""
    return ExportLog.objects.create(
        user=user, kind=kind, format=format, filters=export_filters_record(filters)
    )


@transaction.atomic
def export_log_finish(*, log: ExportLog, rows: int) -> ExportLog:
    log.finished_at = timezone.now()
    log.row_count = rows
    log.save(update_fields=["finished_at", "row_count"])
    return log
