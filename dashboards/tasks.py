from celery import shared_task

from dashboards.summaries import summaries_refresh


@shared_task
def dashboards_refresh_task() -> bool:
    """Beat, every few minutes: the summaries of what changed since the last run."""
    return summaries_refresh()
