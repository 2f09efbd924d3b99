import io

import pytest
from django.core.management import call_command, get_commands

from grievances.inbox import InboxFilters
from grievances.models import Grievance
from grievances.selectors import grievance_inbox_for_user
from offices.models import Office
from tests.offices.factories import OfficeMembershipFactory

pytestmark = pytest.mark.django_db


def test_generate_load_copies_valid_grievances_the_inbox_can_page(db):
    office = Office.objects.districts().order_by("pk").first()  # `--offices 1` fills this one
    officer = OfficeMembershipFactory(office=office).user

    call_command("generate_load", 120, offices=1, chunk=50, stdout=io.StringIO())

    generated = Grievance.objects.filter(tracking_code__startswith="LD")
    assert generated.count() == 120
    assert set(generated.values_list("office_id", flat=True)) == {office.pk}
    seen, cursor = [], ""
    while True:
        page = grievance_inbox_for_user(
            user=officer, filters=InboxFilters(tab="all", sort="priority"), cursor=cursor
        )
        seen.extend(g.pk for g in page.rows)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(generated.values_list("pk", flat=True))


def test_generate_load_is_the_benchmarks_command_not_the_grievance_apps():
    assert get_commands()["generate_load"] == "benchmarks"
