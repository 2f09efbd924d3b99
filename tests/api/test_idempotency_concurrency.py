"""Two identical POSTs with one Idempotency-Key at the same moment: the action applies once
and both get its answer (the second waits on the key's row, then replays it)."""

import json
import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from api.keys import api_key_create
from api.models import ApiKeyScope
from grievances.models import GrievanceEvent
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_twins_apply_once(officer, office):
    raw, _ = api_key_create(name="t", owner=officer, scope=ApiKeyScope.WRITE, offices=[office])
    grievance = GrievanceFactory(office=office)
    url = reverse("api:grievance-note", args=[grievance.pk])
    start = threading.Barrier(4)
    answers = []

    def post() -> None:
        client = APIClient()
        start.wait()
        try:
            response = client.post(
                url,
                json.dumps({"note": "once"}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Api-Key {raw}",
                HTTP_IDEMPOTENCY_KEY="twin-1",
            )
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in answers] == [200] * 4
    assert all(body == answers[0][1] for _, body in answers)
    assert GrievanceEvent.objects.filter(grievance=grievance, kind="note").count() == 1
