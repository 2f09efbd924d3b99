"""The demo's months of history: many districts, several months, summaries rebuilt, once."""

import pytest
from django.core.management import call_command

from dashboards.metrics import Filters, counts_by, today
from dashboards.models import RefreshState
from demo.history import demo_seed_history
from grievances.models import Grievance

pytestmark = pytest.mark.django_db


def test_the_history_fills_the_dashboards_once():
    made = demo_seed_history(per_month=4)
    by_district = counts_by(
        Filters(start=today().replace(day=1).replace(month=1, year=today().year - 1), end=today()),
        "district_id",
    )
    months = {d.strftime("%Y-%m") for d in Grievance.objects.values_list("received_at", flat=True)}

    assert made == Grievance.objects.count()
    assert len([c for c in by_district.values() if c.received]) == 64
    assert len(months) >= 6
    assert sum(c.resolved for c in by_district.values()) > 0
    assert sum(c.feedback for c in by_district.values()) > 0
    assert sum(c.appealed for c in by_district.values()) > 0
    assert sum(c.reopened for c in by_district.values()) > 0
    assert RefreshState.objects.get().finished_at is not None
    assert demo_seed_history(per_month=4) == 0  # a rerun adds nothing
    assert Grievance.objects.count() == made


def test_seed_demo_seeds_the_history_unless_told_not_to(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", "--without-history")
    assert not Grievance.objects.exists()

    call_command("seed_demo", "--history-per-month", "2")
    assert Grievance.objects.exists()
    assert "Dashboard history" in capsys.readouterr().out
