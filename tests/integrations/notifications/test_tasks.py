from django.conf import settings

from config.celery import app


def test_the_sweeper_is_scheduled_and_names_a_real_task():
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-sweep"]

    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= 30 * 60  # a stuck message waits at most this much longer
