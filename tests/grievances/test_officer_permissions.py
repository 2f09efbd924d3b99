"""Every officer page and action, as each kind of visitor.

Anonymous: sent to sign-in. Another office: 404 (the grievance's existence is not revealed).
National viewers: read, never write (403). The office's own staff: allowed.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from grievances.models import Grievance, Reply
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db

ACTIONS = [
    "accept",
    "assign",
    "transfer",
    "categorise",
    "priority",
    "note",
    "not-grievance",
    "duplicate",
    "resolve",
    "reopen",
    "close",
]


@pytest.fixture
def grievance(office):
    return GrievanceFactory(office=office)


@pytest.fixture
def reply(grievance):
    return Reply.objects.create(grievance=grievance, body="উত্তর", state="failed")


@pytest.fixture
def visitor(request, client, officer, other_officer, gro, national_user):
    users = {
        "anonymous": None,
        "officer_a": officer,
        "officer_b": other_officer,
        "gro_a": gro,
        "national": national_user,
    }
    user = users[request.param]
    if user is not None:
        client.force_login(user)
    return request.param


def _is_sign_in_redirect(response):
    login = resolve_url(settings.LOGIN_URL)
    return response.status_code == 302 and urlsplit(response["Location"]).path == login


READ_EXPECTED = {"officer_a": 200, "officer_b": 404, "gro_a": 200, "national": 200}
WRITE_EXPECTED = {"officer_b": 404, "national": 403}

VISITORS = ["anonymous", "officer_a", "officer_b", "gro_a", "national"]


@pytest.mark.parametrize("visitor", VISITORS, indirect=True)
def test_grievance_page(client, visitor, grievance):
    response = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))

    if visitor == "anonymous":
        assert _is_sign_in_redirect(response)
    else:
        assert response.status_code == READ_EXPECTED[visitor]


@pytest.mark.parametrize("visitor", VISITORS, indirect=True)
@pytest.mark.parametrize("page", ["officer-inbox", "officer-notifications"])
def test_lists_need_sign_in_and_show_only_what_the_user_may_read(client, visitor, page, grievance):
    response = client.get(reverse(f"grievances:{page}"))

    if visitor == "anonymous":
        assert _is_sign_in_redirect(response)
        return
    assert response.status_code == 200
    if page == "officer-inbox":
        shown = {g.pk for g in response.context["page"].rows}
        assert (grievance.pk in shown) is (visitor != "officer_b")


@pytest.mark.parametrize("visitor", VISITORS, indirect=True)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action(client, visitor, action, grievance, other_office):
    url = reverse("grievances:officer-action", args=[grievance.pk, action])
    data = {"note": "x", "reason": "spam", "priority": "high", "office": other_office.pk}

    response = client.post(url, data)

    if visitor == "anonymous":
        assert _is_sign_in_redirect(response)
    elif visitor in WRITE_EXPECTED:
        assert response.status_code == WRITE_EXPECTED[visitor]
    elif action in ("transfer", "close") and visitor == "officer_a":
        assert response.status_code == 403  # only the GRO or head transfers or closes
    elif action == "resolve":
        assert response.status_code == 200  # the form comes back with its errors (no outcome)
    else:
        assert response.status_code == 302  # done, or refused by the workflow with a message


@pytest.mark.parametrize("visitor", VISITORS, indirect=True)
def test_reply_and_retry(client, visitor, grievance, reply):
    urls = [
        reverse("grievances:officer-reply", args=[grievance.pk]),
        reverse("grievances:officer-reply-retry", args=[grievance.pk, reply.pk]),
    ]

    responses = [client.post(url, {"body": "ধন্যবাদ", "send": "1"}) for url in urls]

    for response in responses:
        if visitor == "anonymous":
            assert _is_sign_in_redirect(response)
        elif visitor in WRITE_EXPECTED:
            assert response.status_code == WRITE_EXPECTED[visitor]
        else:
            assert response.status_code == 302
    if visitor not in ("officer_a", "gro_a"):
        assert grievance.replies.count() == 1  # only the fixture's


@pytest.mark.parametrize("visitor", VISITORS, indirect=True)
def test_bulk_actions_touch_only_the_users_own_offices(client, visitor, grievance):
    response = client.post(
        reverse("grievances:officer-bulk"),
        {"ids": [grievance.pk], "action": "not_grievance", "reason": "spam"},
    )

    status = Grievance.objects.get(pk=grievance.pk).status
    if visitor == "anonymous":
        assert _is_sign_in_redirect(response)
    elif visitor == "national":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
    assert (status == "not_grievance") is (visitor in ("officer_a", "gro_a"))


@pytest.mark.parametrize("visitor", VISITORS, indirect=True)
def test_recording_a_complaint(client, visitor, office):
    url = reverse("grievances:officer-grievance-new")

    get = client.get(url)
    post = client.post(url, {"office": office.pk, "intake_via": "paper", "description": "অভিযোগ"})

    if visitor == "anonymous":
        assert _is_sign_in_redirect(get)
        assert _is_sign_in_redirect(post)
    elif visitor == "national":
        assert (get.status_code, post.status_code) == (403, 403)
    elif visitor == "officer_b":
        assert get.status_code == 200
        assert post.status_code == 200  # office A is not among B's choices: form error
    else:
        assert (get.status_code, post.status_code) == (200, 302)
    assert Grievance.objects.filter(channel="officer_entry").exists() is (
        visitor in ("officer_a", "gro_a")
    )
