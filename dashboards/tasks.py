from celery import shared_task

from dashboards.prerender import dashboards_prerender
from dashboards.summaries import summaries_refresh


@shared_task
def dashboards_refresh_task() -> bool:
    """Beat, every few minutes: the summaries of what changed since the last run, then the
    most-read pages drawn from them, before anyone asks."""
    refreshed = summaries_refresh()
    if refreshed:
        dashboards_prerender()
    return refreshed
