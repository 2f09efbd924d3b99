import socket
import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from core.client_ip import client_ip, client_key
from core.ratelimit import ratelimit_hit


def test_fifty_parallel_hits_against_a_limit_of_ten_admit_exactly_ten():
    barrier = Barrier(50)

    def hit(_: int) -> bool:
        barrier.wait()  # all 50 threads reach Redis together
        return ratelimit_hit(scope="test", client="10.0.0.1", limit=10, window=60).allowed

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(hit, range(50)))

    assert results.count(True) == 10
    assert results.count(False) == 40


def test_the_counter_always_expires():
    ratelimit_hit(scope="test", client="10.0.0.2", limit=5, window=120)

    client = cache._cache.get_client(write=True)
    ttl = client.ttl(cache.make_and_validate_key("ratelimit:test:10.0.0.2"))

    assert 0 < ttl <= 120


def test_a_counter_that_lost_its_expiry_gets_it_back():
    key = cache.make_and_validate_key("ratelimit:test:10.0.0.3")
    client = cache._cache.get_client(write=True)
    client.set(key, 3)  # e.g. written without EXPIRE by an older version

    result = ratelimit_hit(scope="test", client="10.0.0.3", limit=5, window=60)

    assert result.count == 4
    assert 0 < client.ttl(key) <= 60


def test_clients_and_scopes_are_counted_separately():
    for _ in range(3):
        ratelimit_hit(scope="a", client="10.0.0.4", limit=3, window=60)

    assert not ratelimit_hit(scope="a", client="10.0.0.4", limit=3, window=60).allowed
    assert ratelimit_hit(scope="a", client="10.0.0.5", limit=3, window=60).allowed
    assert ratelimit_hit(scope="b", client="10.0.0.4", limit=3, window=60).allowed


def test_a_refusal_says_when_to_come_back():
    ratelimit_hit(scope="test", client="10.0.0.6", limit=1, window=90)

    refused = ratelimit_hit(scope="test", client="10.0.0.6", limit=1, window=90)

    assert not refused.allowed
    assert 0 < refused.retry_after <= 90


@pytest.fixture
def rf() -> RequestFactory:
    return RequestFactory()


def test_without_trusted_proxies_a_spoofed_forwarded_for_changes_nothing(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the real address.
    request = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")

    assert client_ip(request) == "203.0.113.7"


def test_behind_two_proxies_only_their_entries_count(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get(
        "/",
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 1.2.3.4, 203.0.113.7, 10.0.0.253",
    )

    assert client_ip(request) == "203.0.113.7"


@pytest.mark.parametrize("header", ["", "203.0.113.7", "not-an-address, 10.0.0.253"])
def test_a_short_or_malformed_header_falls_back_to_the_socket_address(rf, settings, header):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR=header)

    assert client_ip(request) == "10.0.0.254"


def test_ipv6_clients_are_counted_per_64_network(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    two = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")

    assert client_key(one) == client_key(two) == "2001:db8:1:2::/64"


def test_with_redis_down_the_limiter_fails_open_quickly_and_says_so(settings, caplog):
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }

    started = time.monotonic()
    result = ratelimit_hit(scope="test", client="10.0.0.7", limit=1, window=60)

    assert result.allowed
    assert time.monotonic() - started < 2
    assert "cache unavailable" in caplog.text


def test_a_hung_redis_costs_a_request_the_socket_timeout_not_half_a_minute(settings):
    """A server that accepts connections and never answers (a hung Redis)."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        host, port = hung.getsockname()
        settings.CACHES = {
            "default": {
                **settings.CACHES["default"],
                "LOCATION": f"redis://{host}:{port}/0",
            }
        }
        started = time.monotonic()
        result = ratelimit_hit(scope="test", client="10.0.0.8", limit=1, window=60)

    assert result.allowed
    assert time.monotonic() - started < 3


@pytest.fixture
def behind_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "fd00::/64"]


def test_a_forwarded_for_from_an_address_that_is_not_our_proxy_is_ignored(rf, behind_proxies):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "203.0.113.9"


def test_behind_our_proxy_the_client_is_the_first_address_that_is_not_a_proxy(rf, behind_proxies):
    # The client wrote "1.2.3.4"; proxy 10.0.0.5 saw 203.0.113.7 and passed it to 10.0.0.254.
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7, 10.0.0.5"
    )

    assert client_ip(request) == "203.0.113.7"


def test_behind_an_ipv6_proxy_the_header_is_read_too(rf, behind_proxies):
    request = rf.get("/", REMOTE_ADDR="fd00::1", HTTP_X_FORWARDED_FOR="2001:db8::7")

    assert client_ip(request) == "2001:db8::7"


def test_a_forwarded_for_without_any_trusted_proxy_is_logged_once(rf, settings, caplog):
    from core import client_ip as module

    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = []
    module._warned.clear()

    for n in range(3):
        client_ip(rf.get("/", REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"))

    assert caplog.text.count("TRUSTED_PROXIES is empty") == 1


def test_the_deploy_check_warns_when_only_a_proxy_count_is_set(settings):
    from core.client_ip import check_trusted_proxies

    settings.TRUSTED_PROXIES = []
    settings.TRUSTED_PROXY_COUNT = 1
    assert [w.id for w in check_trusted_proxies()] == ["core.W002"]

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert check_trusted_proxies() == []
    settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT = [], 0
    assert check_trusted_proxies() == []  # no proxy at all (CI): the deploy check stays clean
