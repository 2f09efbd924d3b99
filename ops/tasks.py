from celery import shared_task

from ops.erasure import personal_data_erase


@shared_task
def personal_data_erase_task() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): the retention rule of ops/erasure.py."""
    return personal_data_erase().grievances
