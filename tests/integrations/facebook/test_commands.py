import io
import logging
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from grievances.models import Grievance
from integrations.facebook.models import FacebookPage
from tests.integrations.facebook.conftest import CITIZEN, PAGE_ID, PAGE_TOKEN, T0
from tests.offices.factories import district_office

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _graph_over_http(settings, fake_server):
    settings.FACEBOOK_GRAPH_URL = f"{fake_server.base_url}/"
    settings.FACEBOOK_GRAPH_TIMEOUT = 2.0


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.mark.parametrize("office_key", ["DHA", "dhaka"])
def test_connect_page_stores_the_token_encrypted_and_subscribes_the_app(db, fake_graph, office_key):
    output = run(
        "facebook_connect_page", "--office", office_key, "--page-id", PAGE_ID, "--token", PAGE_TOKEN
    )

    page = FacebookPage.objects.get()
    assert page.office == district_office("DHA")
    assert page.access_token == PAGE_TOKEN
    assert fake_graph.subscribed_apps(PAGE_ID) == [fake_graph.state.app_name]
    assert PAGE_ID in output
    assert PAGE_TOKEN not in output


def test_connect_page_with_a_bad_token_stores_nothing_and_never_prints_it(db, caplog):
    with caplog.at_level(logging.DEBUG), pytest.raises(CommandError) as excinfo:
        run(
            "facebook_connect_page",
            "--office",
            "DHA",
            "--page-id",
            PAGE_ID,
            "--token",
            "EAAB-wrong-secret",
        )

    assert not FacebookPage.objects.exists()
    assert "EAAB-wrong-secret" not in str(excinfo.value)
    assert "EAAB-wrong-secret" not in caplog.text


def test_connect_page_to_an_unknown_office_is_an_error(db):
    with pytest.raises(CommandError):
        run("facebook_connect_page", "--office", "XYZ", "--page-id", PAGE_ID, "--token", PAGE_TOKEN)


def test_sync_prints_what_it_ingested(db, fake_graph):
    run("facebook_connect_page", "--office", "DHA", "--page-id", PAGE_ID, "--token", PAGE_TOKEN)
    post = fake_graph.add_post(PAGE_ID, message="নোটিশ", created_time=T0)
    fake_graph.add_comment(
        post, message="রাস্তা ভাঙা", from_id=CITIZEN[0], created_time=T0 + timedelta(minutes=1)
    )

    output = run("facebook_sync", "--page", PAGE_ID)

    assert "1 new grievances" in output
    assert Grievance.objects.count() == 1
    assert "0 new grievances" in run("facebook_sync", "--all")


def test_sync_of_an_unknown_page_is_an_error(db):
    with pytest.raises(CommandError):
        run("facebook_sync", "--page", "404")


def test_sync_with_a_dead_token_says_so_without_the_token(db, fake_graph, caplog):
    run("facebook_connect_page", "--office", "DHA", "--page-id", PAGE_ID, "--token", PAGE_TOKEN)
    fake_graph.revoke_token(PAGE_TOKEN, subcode=463)

    with caplog.at_level(logging.DEBUG), pytest.raises(CommandError):
        run("facebook_sync", "--page", PAGE_ID)

    assert PAGE_TOKEN not in caplog.text
    assert FacebookPage.objects.get().state == "needs_reauth"


def test_no_token_reaches_the_logs_or_the_database_in_plaintext(db, fake_graph, caplog):
    with caplog.at_level(logging.DEBUG):
        run("facebook_connect_page", "--office", "DHA", "--page-id", PAGE_ID, "--token", PAGE_TOKEN)
        run("facebook_sync", "--all")

    assert PAGE_TOKEN not in caplog.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM facebook_facebookpage AS t")
        assert all(PAGE_TOKEN not in row[0] for row in cursor.fetchall())
