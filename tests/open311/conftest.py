from datetime import timedelta

import pytest
from django.utils import timezone

from api.keys import api_key_create, api_key_revoke
from api.models import ApiKeyScope
from grievances.models import Category
from tests.offices.factories import UserFactory

BASE = "/open311/v2"


@pytest.fixture
def key_owner(db):
    return UserFactory(username="civic-app")


@pytest.fixture
def write_key(key_owner) -> str:
    raw, _key = api_key_create(name="civic app", owner=key_owner, scope=ApiKeyScope.WRITE)
    return raw


@pytest.fixture
def read_key(key_owner) -> str:
    raw, _key = api_key_create(name="open data", owner=key_owner, scope=ApiKeyScope.READ)
    return raw


@pytest.fixture
def revoked_key(key_owner) -> str:
    raw, key = api_key_create(name="old", owner=key_owner, scope=ApiKeyScope.WRITE)
    api_key_revoke(key=key)
    return raw


@pytest.fixture
def expired_key(key_owner) -> str:
    raw, _key = api_key_create(
        name="stale",
        owner=key_owner,
        scope=ApiKeyScope.WRITE,
        expires_at=timezone.now() - timedelta(days=1),
    )
    return raw


@pytest.fixture
def land(db) -> Category:
    return Category.objects.get(slug="land")


def filing(**overrides: str) -> dict[str, str]:
    """A valid GeoReport v2 POST: a point in Dhaka, a category and a description."""
    return {
        "service_code": "land",
        "lat": "23.8103",
        "long": "90.4125",
        "description": "নামজারির আবেদন ছয় মাস ধরে পড়ে আছে",
        **overrides,
    }
