"""Behaviour only the HTTP adapter has: error mapping, the pager, credentials, transport."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from integrations.facebook.graph import (
    GraphAuthError,
    GraphCursorLimitError,
    GraphError,
    GraphNotFoundError,
    GraphPermanentError,
    GraphPolicyBlockError,
    GraphRateLimitError,
    GraphTransientError,
)
from integrations.facebook.graph_http import (
    HttpGraphApi,
    appsecret_proof,
    oauth_dialog_url,
    oauth_exchange_code,
    oauth_extend_token,
    parse_signed_request,
    split_base_url,
)

BASE = "http://graph.test/v25.0"
TOKEN = "EAAB-secret-page-token"
SECRET = "app-secret"
PROOF = hmac.new(SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()
PAGE = "104512345678901"
JSON = "application/json; charset=UTF-8"


def api(**kwargs: Any) -> HttpGraphApi:
    options: dict[str, Any] = {"access_token": TOKEN, "app_secret": SECRET, "timeout": 0.5}
    options.update(kwargs)
    return HttpGraphApi(base_url=BASE, **options)


def comment(n: int) -> dict[str, Any]:
    return {
        "id": f"122100000000002_99000000000000{n}",
        "message": f"c{n}",
        "created_time": f"2024-05-06T08:0{n}:00+0000",
    }


def query(call: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def error_body(code: int, subcode: int | None = None, **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"message": f"(#{code}) boom", "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    return {"error": error}


# --------------------------------------------------------------------------- pager


@responses.activate
def test_pager_stays_on_our_base_url_and_version_and_readds_credentials() -> None:
    # F24 (no access_token in next), F25 (next on another host and version), §1.3 (no proof)
    post = "104512345678901_122100000000002"
    responses.get(
        f"{BASE}/{post}/comments",
        json={"data": [comment(3)]},
        match=[responses.matchers.query_param_matcher({"after": "QVFI"}, strict_match=False)],
    )
    responses.get(
        f"{BASE}/{post}/comments",
        json={
            "data": [comment(1), comment(2)],
            "paging": {
                "next": f"https://graph.facebook.com/v20.0/{post}/comments?pretty=0&limit=2"
                "&filter=stream&after=QVFI&until&fields=id%2Cmessage"
            },
        },
    )

    items = list(api().object_comments(post))

    assert [c.message for c in items] == ["c1", "c2", "c3"]
    assert len(responses.calls) == 2
    assert all(call.request.url.startswith(f"{BASE}/{post}/") for call in responses.calls)
    for call in responses.calls:
        params = query(call)
        assert params["access_token"] == [TOKEN]
        assert params["appsecret_proof"] == [PROOF]
    follow = query(responses.calls[1])
    assert follow["after"] == ["QVFI"]
    assert follow["until"] == [""]  # blank parameters survive (facebook-sdk would drop them)


@responses.activate
def test_pager_replaces_a_foreign_token_in_next() -> None:
    responses.get(
        f"{BASE}/{PAGE}/feed",
        json={"data": []},
        match=[responses.matchers.query_param_matcher({"after": "X"}, strict_match=False)],
    )
    responses.get(
        f"{BASE}/{PAGE}/feed",
        json={"data": [], "paging": {"next": f"{BASE}/{PAGE}/feed?access_token=OTHER&after=X"}},
    )

    list(api().page_posts(PAGE))

    assert [query(call)["access_token"] for call in responses.calls] == [[TOKEN], [TOKEN]]


@responses.activate
def test_page_size_is_capped_at_100_also_in_next_links() -> None:
    # F36
    responses.get(
        f"{BASE}/{PAGE}/feed",
        json={"data": []},
        match=[responses.matchers.query_param_matcher({"after": "A"}, strict_match=False)],
    )
    responses.get(
        f"{BASE}/{PAGE}/feed",
        json={"data": [], "paging": {"next": f"{BASE}/{PAGE}/feed?limit=150&after=A"}},
    )

    list(api(page_size=500).page_posts(PAGE))

    assert [query(call)["limit"] for call in responses.calls] == [["100"], ["100"]]


@responses.activate
def test_pager_de_duplicates_items_repeated_across_pages() -> None:
    # F26
    post = {"id": f"{PAGE}_1", "created_time": "2024-05-06T08:00:00+0000", "message": "x"}
    responses.get(
        f"{BASE}/{PAGE}/feed",
        json={"data": [post]},
        match=[responses.matchers.query_param_matcher({"after": "B"}, strict_match=False)],
    )
    responses.get(
        f"{BASE}/{PAGE}/feed",
        json={"data": [post], "paging": {"next": f"{BASE}/{PAGE}/feed?after=B"}},
    )

    assert len(list(api().page_posts(PAGE))) == 1
    assert len(responses.calls) == 2


@responses.activate
def test_pager_stops_at_max_pages(caplog: pytest.LogCaptureFixture) -> None:
    responses.get(
        f"{BASE}/{PAGE}/feed",
        json={"data": [], "paging": {"next": f"{BASE}/{PAGE}/feed?after=again"}},
    )

    with caplog.at_level(logging.WARNING):
        list(api(max_pages=3).page_posts(PAGE))

    assert len(responses.calls) == 3
    assert TOKEN not in caplog.text


# --------------------------------------------------------------------------- error mapping


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected", "attrs"),
    [
        (500, error_body(2, is_transient=True), {}, GraphTransientError, {"code": 2}),
        (500, error_body(1, 99), {}, GraphTransientError, {"subcode": 99}),
        (403, error_body(4, is_transient=True), {}, GraphRateLimitError, {"scope": "app"}),
        (400, error_body(17), {}, GraphRateLimitError, {"scope": "user"}),
        (400, error_body(32), {}, GraphRateLimitError, {"scope": "page", "retry_after": 300}),
        (
            400,
            error_body(80001),
            {
                "x-business-use-case-usage": json.dumps(
                    {
                        PAGE: [
                            {
                                "type": "pages",
                                "call_count": 100,
                                "estimated_time_to_regain_access": 12,
                            }
                        ]
                    }
                )
            },
            GraphRateLimitError,
            {"scope": "page", "retry_after": 720},
        ),
        (400, error_body(613, 1996), {}, GraphRateLimitError, {"code": 613}),
        (400, error_body(190, 463), {}, GraphAuthError, {"kind": "token", "subcode": 463}),
        (400, error_body(190), {}, GraphAuthError, {"kind": "token", "subcode": None}),
        (400, error_body(190, 492), {}, GraphAuthError, {"kind": "role"}),
        (400, error_body(102), {}, GraphAuthError, {"kind": "token"}),
        (403, error_body(10), {}, GraphAuthError, {"kind": "permission"}),
        (403, error_body(200), {}, GraphAuthError, {"kind": "permission"}),
        (400, error_body(283), {}, GraphAuthError, {"kind": "permission"}),
        (400, error_body(368, 1390008), {}, GraphPolicyBlockError, {"retry_after": 21600}),
        (400, error_body(100, 33), {}, GraphNotFoundError, {"http_status": 400}),
        (400, error_body(100), {}, GraphPermanentError, {"code": 100}),
        (400, error_body(10900), {}, GraphPermanentError, {"code": 10900}),
        (
            400,
            {
                "error": {
                    "message": "(#100) The After Cursor specified exceeds the max limit "
                    "supported by this endpoint",
                    "code": 100,
                }
            },
            {},
            GraphCursorLimitError,
            {},
        ),
        (503, {"error": {"message": "odd"}}, {}, GraphTransientError, {"http_status": 503}),
        (400, {"error": {"message": "no code at all"}}, {}, GraphError, {"code": None}),
    ],
)
@responses.activate
def test_graph_errors_map_to_our_exceptions(
    status: int,
    body: dict[str, Any],
    headers: dict[str, str],
    expected: type,
    attrs: dict[str, Any],
) -> None:
    responses.get(f"{BASE}/c1", json=body, status=status, headers=headers)

    with pytest.raises(expected) as excinfo:
        api().comment_get("c1")

    assert type(excinfo.value) is expected
    for name, value in attrs.items():
        assert getattr(excinfo.value, name) == value


@pytest.mark.parametrize("status", [502, 503, 504])
@responses.activate
def test_html_error_page_is_transient_not_a_crash(status: int) -> None:
    # F3: facebook-sdk raises "Maintype was not text, image, or querystring" here.
    responses.get(
        f"{BASE}/c1",
        body="<html><body>Sorry, something went wrong.</body></html>",
        status=status,
        content_type="text/html; charset=utf-8",
    )

    with pytest.raises(GraphTransientError) as excinfo:
        api().comment_get("c1")

    assert excinfo.value.http_status == status


@responses.activate
def test_empty_500_without_content_type_is_transient_not_a_key_error() -> None:
    # F4: facebook-sdk reads headers["content-type"] and would leak KeyError.
    responses.get(f"{BASE}/c1", body=b"", status=500, content_type=None)

    with pytest.raises(GraphTransientError):
        api().comment_get("c1")


@responses.activate
def test_html_on_a_4xx_is_an_unclassified_error() -> None:
    responses.get(f"{BASE}/c1", body="<html>no</html>", status=404, content_type="text/html")

    with pytest.raises(GraphError) as excinfo:
        api().comment_get("c1")

    assert type(excinfo.value) is GraphError


@responses.activate
def test_javascript_content_type_is_tolerated() -> None:
    # F51
    responses.get(f"{BASE}/c1", body=json.dumps(comment(1)), content_type="text/javascript")
    responses.get(
        f"{BASE}/c2",
        body=json.dumps(error_body(100, 33)),
        status=400,
        content_type="text/javascript",
    )

    assert api().comment_get("c1").message == "c1"
    with pytest.raises(GraphNotFoundError):
        api().comment_get("c2")


@responses.activate
def test_invalid_json_with_json_content_type_is_transient_on_5xx() -> None:
    responses.get(f"{BASE}/c1", body="{not json", status=500, content_type=JSON)

    with pytest.raises(GraphTransientError):
        api().comment_get("c1")


@pytest.mark.parametrize(
    "exc",
    [
        requests.exceptions.ReadTimeout(f"read timed out: {BASE}/c1?access_token={TOKEN}"),
        requests.exceptions.ConnectTimeout(f"{BASE}/c1?access_token={TOKEN}"),
        requests.exceptions.ConnectionError(f"reset: {BASE}/c1?access_token={TOKEN}"),
        requests.exceptions.ChunkedEncodingError(f"{BASE}/c1?access_token={TOKEN}"),
    ],
)
@responses.activate
def test_network_failures_are_transient_and_never_carry_the_token(exc: Exception) -> None:
    # F5, F6
    responses.get(f"{BASE}/c1", body=exc)

    with pytest.raises(GraphTransientError) as excinfo:
        api().comment_get("c1")

    error = excinfo.value
    assert TOKEN not in str(error)
    assert error.__cause__ is None
    assert error.__suppress_context__


@responses.activate
def test_http_error_status_with_a_json_body_without_error_is_not_success() -> None:
    responses.get(f"{BASE}/c1", json={"data": []}, status=502)

    with pytest.raises(GraphTransientError):
        api().comment_get("c1")


# --------------------------------------------------------------------------- transport


@responses.activate
def test_usage_headers_are_parsed_and_missing_ones_are_unknown() -> None:
    # F13/F14
    usage = {
        "x-app-usage": '{"call_count":28,"total_time":25,"total_cputime":25}',
        "x-page-usage": "{'call_count' : 85, 'total_cputime' : 56, 'total_time' : 60}",
        "x-business-use-case-usage": json.dumps(
            {PAGE: [{"type": "pages", "call_count": 97, "total_cputime": 23, "total_time": 23}]}
        ),
    }
    responses.get(f"{BASE}/c1", json=comment(1), headers=usage)
    responses.get(f"{BASE}/c2", json=comment(2))
    graph = api()

    graph.comment_get("c1")
    first = graph.last_usage
    graph.comment_get("c2")

    assert first is not None
    assert first.app is not None
    assert first.app.call_count == 28
    assert first.page is not None
    assert first.page.peak == 85
    assert first.peak_for(PAGE) == 97
    assert graph.last_usage is not None
    assert graph.last_usage.app is None
    assert graph.last_usage.peak_for(PAGE) is None


@responses.activate
def test_served_version_mismatch_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    # F50
    responses.get(f"{BASE}/c1", json=comment(1), headers={"facebook-api-version": "v26.0"})
    graph = api()

    with caplog.at_level(logging.WARNING, logger="integrations.facebook.graph_http"):
        graph.comment_get("c1")

    assert graph.last_api_version == "v26.0"
    assert "v26.0" in caplog.text
    assert "v25.0" in caplog.text
    assert TOKEN not in caplog.text


def test_base_url_and_version_are_split() -> None:
    assert split_base_url("http://fake-graph:8088/v25.0") == ("http://fake-graph:8088/", "v25.0")
    assert split_base_url("https://graph.facebook.com/", "v24.0") == (
        "https://graph.facebook.com/",
        "v24.0",
    )
    assert split_base_url("https://graph.facebook.com") == ("https://graph.facebook.com/", "v25.0")


@responses.activate
def test_versions_facebook_sdk_would_reject_work() -> None:
    # graph-api.md §7.1: GraphAPI(version="21.0") raises; we set it after construction.
    responses.get("https://graph.facebook.com/v21.0/c1", json=comment(1))
    graph = HttpGraphApi(access_token=TOKEN, version="v21.0")

    assert graph.comment_get("c1").id == comment(1)["id"]
    assert graph.base_url == "https://graph.facebook.com/v21.0"


def test_repr_never_shows_the_token() -> None:
    assert TOKEN not in repr(api())


@responses.activate
def test_writes_send_form_fields_with_credentials() -> None:
    responses.post(f"{BASE}/c1/comments", json={"id": "c1_r1", "message": "hi"})
    responses.post(f"{BASE}/c1", json={"success": True})
    responses.post(f"{BASE}/{PAGE}/subscribed_apps", json={"success": "true"})
    responses.post(f"{BASE}/{PAGE}/messages", json={"message_id": "m_1"})
    graph = api()

    reply = graph.comment_reply("c1", "hi")
    graph.comment_set_hidden("c1", True)
    graph.subscribe_app(PAGE)
    private = graph.private_reply(PAGE, "c1", "text")

    bodies = [parse_qs(call.request.body) for call in responses.calls]
    assert reply.id == "c1_r1"
    assert all(b["access_token"] == [TOKEN] and b["appsecret_proof"] == [PROOF] for b in bodies)
    assert bodies[0]["message"] == ["hi"]
    assert bodies[1]["is_hidden"] == ["true"]  # not Python's "True"
    assert bodies[2]["subscribed_fields"] == ["feed"]
    assert json.loads(bodies[3]["recipient"][0]) == {"comment_id": "c1"}
    assert (private.message_id, private.recipient_id) == ("m_1", "")


@responses.activate
def test_unconfirmed_write_is_an_error() -> None:
    responses.post(f"{BASE}/c1", json={"success": False})

    with pytest.raises(GraphError):
        api().comment_set_hidden("c1", False)


# --------------------------------------------------------------------------- OAuth helpers


def test_oauth_dialog_url() -> None:
    url = oauth_dialog_url(
        app_id="880",
        redirect_uri="https://shunani.example/cb",
        scopes=["pages_show_list", "pages_manage_engagement"],
        state="xyz",
    )

    parts = urlsplit(url)
    params = parse_qs(parts.query)
    assert parts.path == "/v25.0/dialog/oauth"
    assert params["client_id"] == ["880"]
    assert params["scope"] == ["pages_show_list,pages_manage_engagement"]
    assert params["state"] == ["xyz"]


@responses.activate
def test_oauth_code_exchange_and_extension() -> None:
    responses.get(
        f"{BASE}/oauth/access_token",
        json={"access_token": "short", "token_type": "bearer", "expires_in": 3600},
        match=[responses.matchers.query_param_matcher({"code": "abc"}, strict_match=False)],
    )
    responses.get(
        f"{BASE}/oauth/access_token",
        json={"access_token": "long", "token_type": "bearer"},
        match=[
            responses.matchers.query_param_matcher(
                {"fb_exchange_token": "short"}, strict_match=False
            )
        ],
    )

    short = oauth_exchange_code(
        code="abc", redirect_uri="https://x/cb", app_id="880", app_secret="s", base_url=BASE
    )
    long = oauth_extend_token(
        access_token=short.access_token, app_id="880", app_secret="s", base_url=BASE
    )

    assert (short.access_token, short.expires_in) == ("short", 3600)
    assert (long.access_token, long.expires_in) == ("long", None)


@responses.activate
def test_oauth_error_is_mapped() -> None:
    responses.get(f"{BASE}/oauth/access_token", json=error_body(100), status=400)

    with pytest.raises(GraphPermanentError):
        oauth_exchange_code(code="bad", redirect_uri="x", app_id="1", app_secret="s", base_url=BASE)


def _signed(payload: dict[str, Any], secret: str) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    sig = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(sig).decode().rstrip("=") + "." + body


def test_parse_signed_request() -> None:
    good = _signed({"algorithm": "HMAC-SHA256", "user_id": "42"}, "s")

    assert parse_signed_request(good, "s") == {"algorithm": "HMAC-SHA256", "user_id": "42"}
    assert parse_signed_request(good, "other") is None
    assert parse_signed_request("garbage", "s") is None
    assert parse_signed_request("a.b", "s") is None
    assert parse_signed_request(_signed({"algorithm": "none"}, "s"), "s") is None


def test_appsecret_proof_matches_the_documented_formula() -> None:
    assert appsecret_proof(SECRET, TOKEN) == PROOF


@responses.activate
def test_string_error_under_an_odd_content_type_is_still_an_error() -> None:
    responses.get(f"{BASE}/c1", body='{"error": "invalid_request"}', content_type="text/plain")

    with pytest.raises(GraphError, match="invalid_request"):
        api().comment_get("c1")


def test_refused_connection_is_transient() -> None:
    # F6, "stop listening": nothing listens on a port we just released.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    graph = HttpGraphApi(base_url=f"http://127.0.0.1:{port}/v25.0", access_token=TOKEN)

    with pytest.raises(GraphTransientError) as excinfo:
        graph.comment_get("c1")

    assert TOKEN not in str(excinfo.value)
