"""Filing is rate-limited per client, exactly, under real concurrency against a live server."""

import re
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import requests
from django.core.servers.basehttp import ThreadedWSGIServer

from grievances.models import Grievance
from tests.grievances.citizen_files import valid_form

LIMIT = 7
PARALLEL = 50

# Django's test server listens with a backlog of 10; 50 simultaneous connections would be
# reset before reaching the app. Set before the (session-wide) live server starts listening.
ThreadedWSGIServer.request_queue_size = 128


@pytest.fixture
def form_session(live_server):
    """A session holding the CSRF cookie and token a browser would have after step 1."""
    session = requests.Session()
    page = session.get(f"{live_server.url}/grievances/new/?district=dhaka", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session, token


def _post_all(live_server, session, token, headers_for) -> list[int]:
    barrier = Barrier(PARALLEL)
    data = {**valid_form(), "csrfmiddlewaretoken": token}

    def post(n: int) -> int:
        barrier.wait()  # every request leaves at the same moment
        response = session.post(
            f"{live_server.url}/grievances/new/",
            data=data,
            headers={"Referer": live_server.url, **headers_for(n)},
            allow_redirects=False,
            timeout=60,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(post, range(PARALLEL)))


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_filings_against_a_limit_of_seven_admit_exactly_seven(
    live_server, form_session, settings
):
    settings.RATE_LIMITS = {"grievance-file": (LIMIT, 3600)}
    session, token = form_session

    statuses = _post_all(live_server, session, token, lambda n: {})

    assert statuses.count(302) == LIMIT
    assert statuses.count(429) == PARALLEL - LIMIT
    assert Grievance.objects.count() == LIMIT


@pytest.mark.django_db(transaction=True)
def test_a_spoofed_forwarded_for_does_not_make_a_new_client(live_server, form_session, settings):
    settings.RATE_LIMITS = {"grievance-file": (LIMIT, 3600)}
    settings.TRUSTED_PROXY_COUNT = 0
    session, token = form_session

    statuses = _post_all(
        live_server, session, token, lambda n: {"X-Forwarded-For": f"203.0.113.{n}"}
    )

    assert statuses.count(302) == LIMIT
    assert Grievance.objects.count() == LIMIT


@pytest.mark.django_db(transaction=True)
def test_the_429_page_is_friendly_in_both_languages(live_server, form_session, settings):
    settings.RATE_LIMITS = {"grievance-file": (0, 3600)}
    session, token = form_session

    response = session.post(
        f"{live_server.url}/grievances/new/",
        data={**valid_form(), "csrfmiddlewaretoken": token},
        headers={"Referer": live_server.url},
        allow_redirects=False,
        timeout=10,
    )

    assert response.status_code == 429
    assert "অনেকবার চেষ্টা করা হয়েছে" in response.text
    assert "Too many attempts" in response.text
    assert int(response.headers["Retry-After"]) > 0
    assert Grievance.objects.count() == 0
