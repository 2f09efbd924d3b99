import pytest
from rest_framework.test import APIClient

from api.keys import api_key_create
from api.models import ApiKeyScope


@pytest.fixture
def api():
    """A client that keeps CSRF checks on (like a browser's session would have)."""
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def write_key(officer, office):
    raw, _ = api_key_create(name="tool", owner=officer, scope=ApiKeyScope.WRITE, offices=[office])
    return raw


@pytest.fixture
def read_key(officer, office):
    raw, _ = api_key_create(name="reader", owner=officer, offices=[office])
    return raw


def key_header(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
