from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management import call_command
from django.utils.translation.reloader import translation_file_changed

from config.celery import app
from core.models import Holiday
from core.seeding import seed_holidays
from core.tasks import broker_pause_reset
from grievances.models import Category
from grievances.seeding import seed_categories
from offices.models import Office, OfficeRole
from offices.seeding import seed_geography
from tests.offices.factories import OfficeMembershipFactory, UserFactory, district_office


def pytest_configure(config: pytest.Config) -> None:
    # The Bangla UI needs compiled catalogues; compile them in pure Python like `make run` does.
    import django

    django.setup()
    call_command("compile_translations", verbosity=0)
    # A catalogue read before it was compiled stays cached empty; drop the cache as Django's
    # autoreloader does when a .mo file changes.
    translation_file_changed(sender=None, file_path=Path("django.mo"))


def _ensure_reference_data() -> None:
    """Offices, holidays and categories come from data migrations. A transactional test's flush
    (and a reused test database after one) empties them, so put them back when missing."""
    if not Office.objects.exists():
        seed_geography(django_apps)
    if not Holiday.objects.exists():
        seed_holidays(django_apps)
    if not Category.objects.exists():
        seed_categories(django_apps)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _ensure_reference_data()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        _ensure_reference_data()


@pytest.fixture(autouse=True)
def _force_login_includes_two_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """`client.force_login(user)` means "signed in, every step passed": for a user who must use
    two-factor that includes a verified device, as the sign-in pages would leave it. Tests of
    the steps themselves pass `otp_verified=False` or sign in through the pages."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.selectors import user_must_use_otp

    force_login = Client.force_login

    def force_login_verified(self, user, backend=None, *, otp_verified=True):  # type: ignore[no-untyped-def]
        force_login(self, user, backend)
        if otp_verified and user_must_use_otp(user=user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture(autouse=True)
def _broker_not_paused() -> None:
    """A test that took the broker away must not leave later tests' enqueues paused."""
    broker_pause_reset()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate-limit counters live in the real Redis: start every test from zero."""
    cache.clear()


@pytest.fixture
def office(db):
    return district_office("DHA")


@pytest.fixture
def other_office(db):
    return district_office("CTG")


@pytest.fixture
def officer(office):
    """A user who works in `office`."""
    return OfficeMembershipFactory(office=office, role=OfficeRole.OFFICER).user


@pytest.fixture
def gro(office):
    return OfficeMembershipFactory(office=office, role=OfficeRole.GRO).user


@pytest.fixture
def other_officer(other_office):
    return OfficeMembershipFactory(office=other_office, role=OfficeRole.OFFICER).user


@pytest.fixture
def national_user(db):
    return UserFactory(is_national=True)


# --- outages: real clients against a port nobody listens on, never mocks -----------------------

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }


def _reset_broker_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None
    broker_pause_reset()


@pytest.fixture
def broker_down(monkeypatch) -> Iterator[None]:
    """Tasks are published for real (not run eagerly) to a broker nobody listens on."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", CLOSED_PORT)
    _reset_broker_pools()
    yield
    _reset_broker_pools()
