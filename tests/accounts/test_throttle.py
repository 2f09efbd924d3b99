"""Failed sign-ins are paused per (username, client), exactly under concurrency, with growing
pauses and a much higher ceiling per username."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from accounts import throttle
from accounts.throttle import login_attempt_begin, login_attempt_failed

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests/offices/factories.py
STRANGER = "203.0.113.9"


def _login(client, username, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


class _Clock:
    """Stands in for the `time` module inside accounts.throttle, moved on by hand."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


def test_a_strangers_failures_from_another_address_do_not_lock_the_officer_out(client, gro):
    stranger = Client()
    answers = [_login(stranger, gro.username, "guess", STRANGER).status_code for _ in range(12)]

    response = _login(client, gro.username)

    assert answers[:5] == [200] * 5
    assert set(answers[5:]) == {429}
    assert response.status_code == 302


def test_a_burst_of_parallel_wrong_passwords_from_one_client_gets_exactly_five_tries(officer):
    attempts = 16
    start = threading.Barrier(attempts)
    answers: list[int] = []

    def guess(n: int) -> None:
        try:
            start.wait()
            answers.append(_login(Client(), officer.username, f"guess-{n}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [200] * 5 + [429] * (attempts - 5)
    assert _login(Client(), officer.username).status_code == 429  # paused, right password or not


@override_settings(LOGIN_FAILURES_PER_USERNAME=8)
def test_failures_from_many_addresses_reach_the_per_username_ceiling(client, officer):
    for n in range(4):
        for _ in range(2):
            assert _login(client, officer.username, "guess", f"198.51.100.{n}").status_code == 200

    elsewhere = _login(client, officer.username, address="192.0.2.200")

    assert elsewhere.status_code == 429
    assert "_auth_user_id" not in client.session


def test_pauses_grow_after_each_burst_of_failures(client, officer):
    clock = _Clock()
    with mock.patch("accounts.throttle.time", clock):
        for _ in range(5):
            assert _login(client, officer.username, "guess").status_code == 200
        assert _login(client, officer.username).status_code == 429

        clock.offset += 61  # the first pause: one minute
        for _ in range(5):
            assert _login(client, officer.username, "guess").status_code == 200
        assert _login(client, officer.username).status_code == 429

        clock.offset += 61  # the second pause is two minutes
        assert _login(client, officer.username).status_code == 429
        clock.offset += 60
        assert _login(client, officer.username).status_code == 302


def test_a_good_password_starts_the_count_afresh(client, officer):
    for _ in range(4):
        _login(client, officer.username, "guess")
    assert _login(client, officer.username).status_code == 302
    client.logout()

    answers = [_login(client, officer.username, "guess").status_code for _ in range(5)]

    assert answers == [200] * 5


def test_a_try_that_looks_before_a_pause_and_counts_after_it_is_refused(officer):
    """The race a parallel burst can hit: the fifth failure pauses the pair and starts its fresh
    count between a sixth try's look for a pause and its count."""
    for _ in range(4):
        login_attempt_failed(login_attempt_begin(username=officer.username, client="c1"))
    fifth = login_attempt_begin(username=officer.username, client="c1")
    real_state = throttle._state
    landed: list[bool] = []

    def fifth_fails_meanwhile(attempt):
        if not landed:
            landed.append(True)
            login_attempt_failed(fifth)
        return real_state(attempt)

    with mock.patch("accounts.throttle._state", fifth_fails_meanwhile):
        sixth = login_attempt_begin(username=officer.username, client="c1")

    assert landed
    assert not fifth.refused
    assert sixth.refused
