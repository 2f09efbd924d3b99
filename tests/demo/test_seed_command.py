import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_production_settings_and_creates_nobody(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--allow-without-debug"):
        call_command("seed_demo")

    assert not User.objects.filter(username="admin").exists()


def test_seed_demo_runs_with_debug_on(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo", "--without-history")  # the history: tests/demo/test_history.py

    assert User.objects.filter(username="admin", is_superuser=True).exists()
    assert "shunani-demo" in capsys.readouterr().out


def test_seed_demo_runs_without_debug_when_explicitly_allowed(settings):
    settings.DEBUG = False

    call_command("seed_demo", "--allow-without-debug", "--without-history")

    assert User.objects.filter(username="dha-gro").exists()
