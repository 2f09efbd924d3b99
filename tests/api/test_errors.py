"""One JSON shape for every 4xx; malformed, mistyped, unknown and oversized input is a 4xx."""

import json

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.views import API_MAX_BODY_BYTES
from grievances.models import GrievanceEvent, GrievanceStatus
from tests.api.conftest import key_header
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grievance(office):
    return GrievanceFactory(office=office)


def _post(api, url, body, key, **extra):
    return api.post(url, body, content_type="application/json", **key_header(key), **extra)


def _assert_shape(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert set(body["messages"]) == {"bn", "en"}
    assert body["messages"]["bn"] != body["messages"]["en"]
    return body


def test_malformed_json_is_a_400(api, grievance, write_key):
    url = reverse("api:grievance-note", args=[grievance.pk])
    _assert_shape(_post(api, url, '{"note": ', write_key), 400, "parse_error")


def test_a_body_that_is_not_an_object_is_a_400(api, grievance, write_key):
    url = reverse("api:grievance-note", args=[grievance.pk])
    body = _assert_shape(_post(api, url, "[1, 2]", write_key), 400, "validation_error")
    assert "non_field_errors" in body["fields"]


def test_wrong_types_are_field_errors(api, grievance, write_key):
    url = reverse("api:grievance-assign", args=[grievance.pk])
    body = _assert_shape(
        _post(api, url, json.dumps({"assignee": "someone"}), write_key), 400, "validation_error"
    )
    assert body["fields"]["assignee"][0]["code"] == "invalid"


def test_a_huge_id_is_a_400_not_a_database_error(api, grievance, write_key):
    url = reverse("api:grievance-assign", args=[grievance.pk])
    response = _post(api, url, json.dumps({"assignee": 10**12}), write_key)
    _assert_shape(response, 400, "validation_error")


def test_unknown_fields_are_refused_by_name(api, grievance, write_key):
    url = reverse("api:grievance-note", args=[grievance.pk])
    body = _assert_shape(
        _post(api, url, json.dumps({"note": "x", "status": "closed"}), write_key),
        400,
        "validation_error",
    )
    assert body["fields"]["status"][0]["code"] == "unknown_field"
    assert GrievanceEvent.objects.filter(grievance=grievance, kind="note").count() == 0


def test_a_body_over_the_api_limit_is_a_json_413(api, grievance, write_key):
    url = reverse("api:grievance-note", args=[grievance.pk])
    big = json.dumps({"note": "x" * (API_MAX_BODY_BYTES + 10)})
    _assert_shape(_post(api, url, big, write_key), 413, "request_too_large")


def test_a_body_over_the_site_limit_is_a_json_413_too(api, grievance, write_key, settings):
    """core/request_limits.py answers before Django reads the body: in JSON on the API."""
    settings.REQUEST_BODY_MAX_BYTES = 1024
    url = reverse("api:grievance-note", args=[grievance.pk])
    response = _post(api, url, json.dumps({"note": "x" * 2000}), write_key)
    _assert_shape(response, 413, "request_too_large")


def test_the_site_limit_still_answers_html_elsewhere(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024
    response = client.post("/grievances/new/", {"description": "x" * 2000})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")


def test_a_workflow_rule_is_a_400_with_the_services_reason(api, grievance, write_key):
    url = reverse("api:grievance-reopen", args=[grievance.pk])  # a new grievance is open
    body = _assert_shape(
        _post(api, url, json.dumps({"note": "done"}), write_key), 400, "rule_violation"
    )
    assert body["message"] != body["messages"]["en"]


def test_no_credentials_is_a_401_and_a_bad_key_too(api, grievance):
    _assert_shape(api.get(reverse("api:grievance-list")), 401, "not_authenticated")
    response = api.get(reverse("api:grievance-list"), HTTP_AUTHORIZATION="Api-Key shk_x_y")
    _assert_shape(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Api-Key"


def test_another_offices_grievance_is_a_404(api, other_office, write_key):
    theirs = GrievanceFactory(office=other_office)
    _assert_shape(
        api.get(reverse("api:grievance-detail", args=[theirs.pk]), **key_header(write_key)),
        404,
        "not_found",
    )


def test_a_read_key_cannot_post(api, grievance, read_key):
    url = reverse("api:grievance-note", args=[grievance.pk])
    _assert_shape(_post(api, url, json.dumps({"note": "x"}), read_key), 403, "read_only_key")
    assert api.get(url.replace("note/", ""), **key_header(read_key)).status_code == 200


def test_the_session_needs_the_csrf_token(api, officer, grievance):
    api.force_login(officer)
    url = reverse("api:grievance-note", args=[grievance.pk])

    refused = api.post(url, {"note": "x"}, format="json")

    _assert_shape(refused, 403, "permission_denied")
    assert "CSRF" in refused.json()["message"]
    api.get(reverse("api:grievance-list"))  # a GET sets no token: take it from the cookie
    token = api.cookies.get("csrftoken")
    if token is None:
        from django.middleware.csrf import _get_new_csrf_string

        api.cookies["csrftoken"] = token = _get_new_csrf_string()
    else:
        token = token.value
    accepted = api.post(url, {"note": "x"}, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200, accepted.content


def test_a_session_without_its_second_factor_gets_a_json_403(api, gro, grievance):
    TOTPDevice.objects.create(user=gro, name="phone", confirmed=True)
    api.force_login(gro, otp_verified=False)

    _assert_shape(api.get(reverse("api:grievance-list")), 403, "two_factor_required")


def test_two_factor_does_not_apply_to_keys(api, gro, office, grievance):
    """The key's owner must use two-factor on the pages; the key works without a code."""
    from api.keys import api_key_create

    TOTPDevice.objects.create(user=gro, name="phone", confirmed=True)
    raw, _ = api_key_create(name="k", owner=gro, offices=[office])

    assert api.get(reverse("api:grievance-list"), **key_header(raw)).status_code == 200


def test_throttled_per_key_with_retry_after(api, grievance, write_key, settings):
    settings.API_RATE_LIMITS = {"api-key": (2, 60)}
    url = reverse("api:grievance-list")
    assert [api.get(url, **key_header(write_key)).status_code for _ in range(2)] == [200, 200]

    refused = api.get(url, **key_header(write_key))

    body = _assert_shape(refused, 429, "throttled")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert body["retry_after"] == int(refused["Retry-After"])


def test_throttled_per_client_on_public_endpoints(api, settings):
    settings.API_RATE_LIMITS = {"api-client": (1, 60)}
    url = reverse("api:category-list")
    assert api.get(url).status_code == 200
    _assert_shape(api.get(url), 429, "throttled")
    # Another client is not affected.
    assert api.get(url, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_a_retried_post_with_an_idempotency_key_applies_once(api, grievance, write_key):
    url = reverse("api:grievance-note", args=[grievance.pk])
    body = json.dumps({"note": "called the UNO"})

    first = _post(api, url, body, write_key, HTTP_IDEMPOTENCY_KEY="abc-123")
    again = _post(api, url, body, write_key, HTTP_IDEMPOTENCY_KEY="abc-123")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert GrievanceEvent.objects.filter(grievance=grievance, kind="note").count() == 1
    other = _post(api, url, json.dumps({"note": "else"}), write_key, HTTP_IDEMPOTENCY_KEY="abc-123")
    _assert_shape(other, 422, "idempotency_key_reused")
    _post(api, url, body, write_key, HTTP_IDEMPOTENCY_KEY="abc-124")
    assert GrievanceEvent.objects.filter(grievance=grievance, kind="note").count() == 2


def test_a_refused_request_keeps_its_idempotency_key_free(api, grievance, write_key):
    url = reverse("api:grievance-accept", args=[grievance.pk])
    bad = _post(api, url, json.dumps({"note": 5, "x": 1}), write_key, HTTP_IDEMPOTENCY_KEY="k1")
    assert bad.status_code == 400
    good = _post(api, url, json.dumps({"note": ""}), write_key, HTTP_IDEMPOTENCY_KEY="k1")
    assert good.status_code == 200
    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.ACCEPTED


def test_an_unusable_idempotency_key_is_a_400(api, grievance, write_key):
    url = reverse("api:grievance-note", args=[grievance.pk])
    response = _post(api, url, json.dumps({"note": "x"}), write_key, HTTP_IDEMPOTENCY_KEY="a b")
    _assert_shape(response, 400, "idempotency_key_invalid")


def test_far_dates_are_a_400_not_an_overflow(api, write_key):
    for day in ("9999-12-31", "0001-01-01"):
        response = api.get(
            reverse("api:grievance-list"), {"received_to": day}, **key_header(write_key)
        )
        body = _assert_shape(response, 400, "validation_error")
        assert body["fields"]["received_to"][0]["code"] == "date_out_of_range"
