"""The fake Graph server itself: wire format, headers, cursors, control API, webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socketserver
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from integrations.facebook.fake_seed_gen import generate
from integrations.facebook.fake_server import (
    FakeGraphServer,
    FaultRule,
    LiveCitizens,
    WebhookSender,
    main,
)
from integrations.facebook.graph_fake import FakeGraphApi
from tests.integrations.facebook.conftest import (
    APP_SECRET,
    CITIZEN,
    PAGE_ID,
    PAGE_TOKEN,
    T0,
    USER_TOKEN,
    seed_thread,
)


def get(url: str, path: str, **params: Any) -> requests.Response:
    params.setdefault("access_token", PAGE_TOKEN)
    return requests.get(f"{url}{path}", params=params, timeout=3)


def post(url: str, path: str, **data: Any) -> requests.Response:
    data.setdefault("access_token", PAGE_TOKEN)
    return requests.post(f"{url}{path}", data=data, timeout=3)


def control(server: FakeGraphServer, method: str, name: str, body: Any = None) -> Any:
    response = requests.request(method, f"{server.base_url}/__fake/{name}", json=body, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


# --------------------------------------------------------------------------- wire format


def test_every_response_carries_graphs_headers(fake_graph_url: str) -> None:
    ok = get(fake_graph_url, f"/{PAGE_ID}/feed")
    bad = get(fake_graph_url, f"/{PAGE_ID}/feed", access_token="nope")

    for response in (ok, bad):
        for name in (
            "facebook-api-version",
            "x-fb-rev",
            "x-fb-trace-id",
            "x-fb-request-id",
            "X-FB-Debug",
            "Cache-Control",
            "Pragma",
            "Expires",
            "Access-Control-Allow-Origin",
            "x-app-usage",
        ):
            assert name in response.headers, name
        assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert ok.headers["facebook-api-version"] == "v25.0"
    assert "ETag" in ok.headers
    assert json.loads(ok.headers["x-business-use-case-usage"])[PAGE_ID][0]["type"] == "pages"
    assert bad.status_code == 400
    assert bad.headers["WWW-Authenticate"].startswith('OAuth "Facebook Platform" "invalid_token"')
    assert bad.json()["error"]["code"] == 190


def test_unversioned_and_other_version_paths_are_served(fake_server: FakeGraphServer) -> None:
    plain = get(fake_server.base_url, f"/{PAGE_ID}")
    older = get(fake_server.base_url, f"/v21.0/{PAGE_ID}")

    assert plain.json() == {"name": "DC Office 12", "id": PAGE_ID}
    assert older.headers["facebook-api-version"] == "v21.0"


def test_cursor_paging_links_are_built_like_metas(
    fake_graph: FakeGraphApi, fake_graph_url: str
) -> None:
    post_id = seed_thread(fake_graph, comments=3)

    first = get(
        fake_graph_url,
        f"/{post_id}/comments",
        fields="id,message,from{id,name}",
        filter="stream",
        summary="true",
        limit=2,
        appsecret_proof="abc",
    ).json()
    next_url = first["paging"]["next"]
    params = parse_qs(urlsplit(next_url).query, keep_blank_values=True)
    last = requests.get(next_url, timeout=3).json()

    assert [c["message"] for c in first["data"]] == ["complaint 0", "complaint 1"]
    assert first["data"][0]["from"] == {"id": CITIZEN[0], "name": CITIZEN[1]}
    assert first["summary"] == {"order": "chronological", "total_count": 3, "can_comment": True}
    assert list(params)[:2] == ["access_token", "pretty"]
    assert params["access_token"] == [PAGE_TOKEN]
    assert params["pretty"] == ["0"]
    assert params["fields"] == ["id,message,from{id,name}"]
    assert params["filter"] == ["stream"]
    assert params["limit"] == ["2"]
    assert "appsecret_proof" not in params
    assert "%2C" in next_url
    after = params["after"][0]
    assert "=" not in after
    assert json.loads(base64.urlsafe_b64decode(after + "==").decode())["id"]
    assert [c["message"] for c in last["data"]] == ["complaint 2"]
    assert "next" not in last["paging"]
    assert "after" in last["paging"]["cursors"]
    assert "previous" in last["paging"]
    back = requests.get(last["paging"]["previous"], timeout=3).json()
    assert [c["message"] for c in back["data"]] == ["complaint 0", "complaint 1"]


def test_time_paging_mode(fake_graph: FakeGraphApi, fake_graph_url: str) -> None:
    fake_graph.state.pages[PAGE_ID].paging_mode = "time"
    for hour in range(3):
        fake_graph.add_post(PAGE_ID, message=f"p{hour}", created_time=T0 + timedelta(hours=hour))

    first = get(fake_graph_url, f"/{PAGE_ID}/posts", limit=2).json()
    params = parse_qs(urlsplit(first["paging"]["next"]).query, keep_blank_values=True)
    second = requests.get(first["paging"]["next"], timeout=3).json()

    assert [p["message"] for p in first["data"]] == ["p2", "p1"]
    assert "cursors" not in first["paging"]
    assert params["__paging_token"][0].startswith("enc_")
    assert params["since"] == [""]
    assert params["__previous"] == [""]
    assert params["until"] == [str(int((T0 + timedelta(hours=1)).timestamp()) - 1)]
    assert [p["message"] for p in second["data"]] == ["p0"]
    assert "next" not in second["paging"]


def test_one_page_results_and_empty_lists(fake_graph: FakeGraphApi, fake_graph_url: str) -> None:
    fake_graph.add_post(PAGE_ID, message="only")

    one = get(fake_graph_url, f"/{PAGE_ID}/feed").json()
    empty = get(fake_graph_url, f"/{PAGE_ID}/published_posts", since=str(2**33)).json()
    absurd = get(fake_graph_url, f"/{PAGE_ID}/feed", since=str(2**80))

    assert "next" not in one["paging"]
    assert one["data"][0]["message"] == "only"
    assert one["data"][0]["created_time"].endswith("+0000")
    assert empty == {"data": []}
    assert absurd.json()["error"]["code"] == 100


def test_field_expansion_on_a_post(fake_graph: FakeGraphApi, fake_graph_url: str) -> None:
    post_id = seed_thread(fake_graph, comments=3)

    body = get(
        fake_graph_url,
        f"/{post_id}",
        fields="id,message,comments.limit(1).summary(true){id,message},from{name}",
    ).json()

    assert body["id"] == post_id
    assert body["from"] == {"name": "DC Office 12"}
    assert body["comments"]["data"] == [
        {"id": next(iter(fake_graph.state.comments)), "message": "complaint 0"}
    ]
    assert body["comments"]["summary"]["total_count"] == 3
    assert "after" in body["comments"]["paging"]["cursors"]


def test_nested_stream_edge_with_order(fake_graph: FakeGraphApi, fake_graph_url: str) -> None:
    post_id = seed_thread(fake_graph, comments=2)
    first = next(iter(fake_graph.state.comments))
    fake_graph.add_comment(first, message="reply", from_id=CITIZEN[0])

    body = get(
        fake_graph_url,
        f"/{post_id}",
        fields="comments.filter(stream).order(reverse_chronological){message,parent{id}}",
    ).json()

    assert [c["message"] for c in body["comments"]["data"]] == [
        "reply",
        "complaint 1",
        "complaint 0",
    ]
    assert body["comments"]["data"][0]["parent"] == {"id": first}
    assert "parent" not in body["comments"]["data"][1]


def test_unknown_field_and_bad_syntax_are_code_100(
    fake_graph: FakeGraphApi, fake_graph_url: str
) -> None:
    post_id = seed_thread(fake_graph, comments=1)

    unknown = get(fake_graph_url, f"/{post_id}", fields="id,colour")
    broken = get(fake_graph_url, f"/{post_id}", fields="id,comments{id")

    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"] == (
        "(#100) Tried accessing nonexisting field (colour) on node type (Post)"
    )
    assert broken.json()["error"]["code"] == 100


def test_writes_on_the_wire(fake_graph: FakeGraphApi, fake_graph_url: str) -> None:
    seed_thread(fake_graph, comments=1)
    comment_id = next(iter(fake_graph.state.comments))

    created = post(fake_graph_url, f"/{comment_id}/comments", message="hello").json()
    with_fields = post(
        fake_graph_url,
        f"/{comment_id}/comments",
        message="again",
        fields="id,message,created_time,permalink_url",
    ).json()
    python_bool = post(fake_graph_url, f"/{comment_id}", is_hidden="True")
    hidden = post(fake_graph_url, f"/{comment_id}", is_hidden="true").json()
    deleted = requests.delete(
        f"{fake_graph_url}/{created['id']}", params={"access_token": PAGE_TOKEN}, timeout=3
    ).json()
    subscribed = post(fake_graph_url, f"/{PAGE_ID}/subscribed_apps", subscribed_fields="feed")

    assert list(created) == ["id"]
    assert with_fields["message"] == "again"
    assert with_fields["created_time"].endswith("+0000")
    assert python_bool.status_code == 400  # send "true", not Python's True (§9.9)
    assert hidden == {"success": True}
    assert fake_graph.state.comments[comment_id].is_hidden
    assert deleted == {"success": True}
    assert subscribed.json() == {"success": True}
    assert get(fake_graph_url, f"/{PAGE_ID}/subscribed_apps").json()["data"][0]["name"] == (
        "Shunani"
    )


def test_private_reply_accepts_a_json_body(fake_graph: FakeGraphApi, fake_graph_url: str) -> None:
    seed_thread(fake_graph, comments=1)
    comment_id = next(iter(fake_graph.state.comments))

    response = requests.post(
        f"{fake_graph_url}/{PAGE_ID}/messages",
        params={"access_token": PAGE_TOKEN},
        json={"recipient": {"comment_id": comment_id}, "message": {"text": "hi"}},
        timeout=3,
    )

    assert response.status_code == 200
    assert response.json()["message_id"].startswith("m_")


def test_me_accounts_and_debug_token_on_the_wire(fake_graph_url: str) -> None:
    accounts = get(fake_graph_url, "/me/accounts", access_token=USER_TOKEN).json()
    debug = get(fake_graph_url, "/debug_token", input_token=PAGE_TOKEN).json()

    assert accounts["data"][0]["access_token"] == PAGE_TOKEN
    assert debug["data"]["is_valid"] is True
    assert debug["data"]["profile_id"] == PAGE_ID


def test_appsecret_proof_mode_messages(fake_graph: FakeGraphApi, fake_graph_url: str) -> None:
    fake_graph.state.require_appsecret_proof = True
    proof = hmac.new(APP_SECRET.encode(), PAGE_TOKEN.encode(), hashlib.sha256).hexdigest()

    missing = get(fake_graph_url, f"/{PAGE_ID}").json()["error"]
    wrong = get(fake_graph_url, f"/{PAGE_ID}", appsecret_proof="0" * 64).json()["error"]
    right = get(fake_graph_url, f"/{PAGE_ID}", appsecret_proof=proof)

    assert missing["message"] == "API calls from the server require an appsecret_proof argument"
    assert missing["type"] == "GraphMethodException"
    assert wrong["message"] == "Invalid appsecret_proof provided in the API argument"
    assert right.status_code == 200


def test_deleted_object_is_100_33(fake_graph: FakeGraphApi, fake_graph_url: str) -> None:
    seed_thread(fake_graph, comments=1)
    comment_id = next(iter(fake_graph.state.comments))
    fake_graph.delete_comment(comment_id)

    read = get(fake_graph_url, f"/{comment_id}").json()["error"]
    write = post(fake_graph_url, f"/{comment_id}/comments", message="x").json()["error"]

    assert (read["code"], read["error_subcode"]) == (100, 33)
    assert read["message"].startswith(f"Unsupported get request. Object with ID '{comment_id}'")
    assert write["message"].startswith("Unsupported post request.")


# --------------------------------------------------------------------------- control API


def test_control_api_seed_events_dump_and_reset(fake_server: FakeGraphServer) -> None:
    seed = generate()

    control(fake_server, "POST", "reset")
    seeded = control(fake_server, "POST", "seed", seed)
    post_id = seed["posts"][0]["id"]
    added = control(
        fake_server,
        "POST",
        "events",
        {"type": "comment", "post_id": post_id, "message": "নতুন অভিযোগ", "from": {"id": "7"}},
    )
    control(
        fake_server,
        "POST",
        "events",
        {"type": "edit", "comment_id": added["ids"][0], "message": "সম্পাদিত"},
    )
    dump = control(fake_server, "GET", "dump")
    control(fake_server, "POST", "reset")

    assert seeded["pages"] == 6
    assert dump["comments"][-1]["message"] == "সম্পাদিত"
    assert len(dump["comments"]) == len(seed["comments"]) + 1
    assert control(fake_server, "GET", "dump")["pages"] == []


def test_control_api_faults_and_request_log(fake_server: FakeGraphServer) -> None:
    url = f"{fake_server.base_url}/v25.0"
    control(fake_server, "POST", "faults", {"action": "transient_500", "path": "/feed$"})

    listed = control(fake_server, "GET", "faults")
    failed = get(url, f"/{PAGE_ID}/feed")
    passed = get(url, f"/{PAGE_ID}/feed")
    log = control(fake_server, "GET", "requests?path=feed")
    control(fake_server, "DELETE", "faults")
    control(fake_server, "DELETE", "requests")

    assert listed["faults"][0]["action"] == "transient_500"
    assert failed.status_code == 500
    assert failed.json()["error"]["is_transient"] is True
    assert passed.status_code == 200
    assert [entry["query"]["access_token"] for entry in log["requests"]] == [PAGE_TOKEN] * 2
    assert control(fake_server, "GET", "faults") == {"faults": []}
    assert control(fake_server, "GET", "requests") == {"requests": []}


def test_control_api_rejects_unknown_fault_actions(fake_server: FakeGraphServer) -> None:
    response = requests.post(
        f"{fake_server.base_url}/__fake/faults", json={"action": "explode"}, timeout=3
    )

    assert response.status_code == 400


def test_control_api_clock_and_config(
    fake_server: FakeGraphServer, fake_graph: FakeGraphApi
) -> None:
    url = f"{fake_server.base_url}/v25.0"

    frozen = control(fake_server, "POST", "clock", {"freeze": "2026-01-01T00:00:00Z"})
    advanced = control(fake_server, "POST", "clock", {"advance": 90})
    control(fake_server, "POST", "config", {"served_version": "v26.0", "page_usage_header": True})
    response = get(url, f"/{PAGE_ID}")

    assert frozen["now"] == "2026-01-01T00:00:00+00:00"
    assert advanced["now"] == "2026-01-01T00:01:30+00:00"
    assert response.headers["facebook-api-version"] == "v26.0"
    assert "x-page-usage" in response.headers


# --------------------------------------------------------------------------- fault rules


def test_rule_fires_on_the_nth_match_for_n_times() -> None:
    import random

    rule = FaultRule(action="transient_500", nth=2, times=2, path="/feed")
    rng = random.Random(0)

    fired = [rule.try_fire("GET", "/p/feed", "p", {}, rng) for _ in range(5)]

    assert fired == [False, True, True, False, False]


def test_rule_filters_on_method_page_query_and_probability() -> None:
    import random

    rng = random.Random(0)
    post_only = FaultRule(action="reset", method="POST", times=None)
    page_only = FaultRule(action="reset", page_id="A", times=None)
    follow_ups = FaultRule(action="reset", query_has=["after"], times=None)
    never = FaultRule(action="reset", probability=0.0, times=None)
    always = FaultRule(action="reset", probability=1.0, times=None)

    assert not post_only.try_fire("GET", "/x", "", {}, rng)
    assert post_only.try_fire("post", "/x", "", {}, rng)
    assert not page_only.try_fire("GET", "/x", "B", {}, rng)
    assert page_only.try_fire("GET", "/x", "A", {}, rng)
    assert not follow_ups.try_fire("GET", "/x", "", {}, rng)
    assert follow_ups.try_fire("GET", "/x", "", {"after": "c"}, rng)
    assert not any(never.try_fire("GET", "/x", "", {}, rng) for _ in range(20))
    assert all(always.try_fire("GET", "/x", "", {}, rng) for _ in range(20))


def test_probability_alone_means_every_match_sometimes(fake_server: FakeGraphServer) -> None:
    control(fake_server, "POST", "faults", {"action": "transient_500", "probability": 0.5})
    url = f"{fake_server.base_url}/v25.0"

    statuses = {get(url, f"/{PAGE_ID}").status_code for _ in range(30)}

    assert statuses == {200, 500}


# --------------------------------------------------------------------------- webhooks


class _QuickServer(ThreadingHTTPServer):
    def server_bind(self) -> None:  # no reverse DNS lookup of the host name
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]


class Receiver:
    """A webhook endpoint recording the exact bytes and headers it was sent."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.statuses: list[int] = []  # answers to give, then 200
        self.verify_token = "meatyhamhock"
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                params = parse_qs(urlsplit(self.path).query)
                ok = params.get("hub.verify_token") == [receiver.verify_token]
                body = params["hub.challenge"][0].encode() if ok else b"forbidden"
                self.send_response(200 if ok else 403)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.bodies.append(body)
                receiver.headers.append(dict(self.headers.items()))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = _QuickServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/integrations/facebook/webhook/"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(body) for body in self.bodies]

    def wait_for(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.bodies) < count and time.monotonic() < deadline:
            time.sleep(0.01)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def webhooks(fake_server: FakeGraphServer, receiver: Receiver) -> WebhookSender:
    sender = WebhookSender(
        fake_server.state,
        receiver.url,
        verify_token=receiver.verify_token,
        retry_delays=(0.05, 0.1, 0.2),
    )
    fake_server.webhooks = sender
    return sender


def verifies(body: bytes, header: str) -> bool:
    expected = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header, f"sha256={expected}")


def test_webhook_signature_is_over_the_exact_escaped_bytes(
    fake_graph: FakeGraphApi, webhooks: WebhookSender, receiver: Receiver
) -> None:
    # F48
    post_id = fake_graph.add_post(PAGE_ID, message="Notice")
    message = "রাস্তা ভাঙা ❤️ see https://example.org/a"

    comment_id = fake_graph.add_comment(post_id, message=message, from_id=CITIZEN[0])
    receiver.wait_for(1)

    body = receiver.bodies[0]
    headers = receiver.headers[0]
    value = json.loads(body)["entry"][0]["changes"][0]["value"]
    assert body.isascii()
    assert b"\\u09b0" in body  # lower-case hex escapes, like Meta's
    assert b"\\u2764\\ufe0f" in body
    assert verifies(body, headers["X-Hub-Signature-256"])
    assert headers["X-Hub-Signature"].startswith("sha1=")
    assert headers["User-Agent"] == "facebookexternalua"
    assert value["message"] == message
    assert value["comment_id"] == comment_id
    assert (value["verb"], value["item"], value["parent_id"]) == ("add", "comment", post_id)
    assert isinstance(value["created_time"], int)
    assert value["post"]["id"] == post_id


def test_escaped_slashes_change_the_bytes_and_the_signature_still_verifies(
    fake_server: FakeGraphServer, fake_graph: FakeGraphApi, receiver: Receiver
) -> None:
    sender = WebhookSender(fake_server.state, receiver.url, escape_slashes=True)
    post_id = fake_graph.add_post(PAGE_ID, message="Notice")

    fake_graph.add_comment(post_id, message="a/b", from_id=CITIZEN[0])
    receiver.wait_for(1)
    sender.stop()

    body = receiver.bodies[0]
    assert b"a\\/b" in body
    assert b"https:\\/\\/www.facebook.com" in body
    assert verifies(body, receiver.headers[0]["X-Hub-Signature-256"])
    reserialised = json.dumps(json.loads(body), separators=(",", ":")).encode()
    assert not verifies(reserialised, receiver.headers[0]["X-Hub-Signature-256"])


def test_failed_delivery_is_retried_until_200(
    fake_graph: FakeGraphApi, webhooks: WebhookSender, receiver: Receiver
) -> None:
    # F44: a retry after the receiver's 500 is a duplicate the receiver must absorb
    receiver.statuses = [500, 503]
    post_id = fake_graph.add_post(PAGE_ID, message="Notice")

    fake_graph.add_comment(post_id, message="x", from_id=CITIZEN[0])
    receiver.wait_for(3)
    webhooks.wait_idle()

    assert len(receiver.bodies) == 3
    assert len(set(receiver.bodies)) == 1
    assert webhooks.deliveries[0].attempts == 3
    assert webhooks.deliveries[0].delivered


def test_bad_and_missing_signatures_and_duplicates(
    fake_server: FakeGraphServer,
    fake_graph: FakeGraphApi,
    webhooks: WebhookSender,
    receiver: Receiver,
) -> None:
    # F43, F44
    post_id = fake_graph.add_post(PAGE_ID, message="Notice")

    control(
        fake_server,
        "POST",
        "events",
        {"type": "comment", "post_id": post_id, "message": "bad", "signature": "bad"},
    )
    control(
        fake_server,
        "POST",
        "events",
        {"type": "comment", "post_id": post_id, "message": "none", "signature": "missing"},
    )
    control(
        fake_server,
        "POST",
        "events",
        {"type": "comment", "post_id": post_id, "message": "thrice", "copies": 3},
    )
    receiver.wait_for(5)

    signatures = [h.get("X-Hub-Signature-256") for h in receiver.headers]
    messages = [p["entry"][0]["changes"][0]["value"]["message"] for p in receiver.payloads()]
    assert messages == ["bad", "none", "thrice", "thrice", "thrice"]
    assert not verifies(receiver.bodies[0], signatures[0] or "")
    assert signatures[1] is None
    assert all(
        verifies(b, s or "") for b, s in zip(receiver.bodies[2:], signatures[2:], strict=True)
    )


def test_batched_out_of_order_delivery(
    fake_server: FakeGraphServer,
    fake_graph: FakeGraphApi,
    webhooks: WebhookSender,
    receiver: Receiver,
) -> None:
    # F45, F46
    from tests.integrations.facebook.conftest import OTHER_PAGE_ID

    post_id = fake_graph.add_post(PAGE_ID, message="Notice")
    other_post = fake_graph.add_post(OTHER_PAGE_ID, message="Other")
    comment_id = fake_graph.add_comment(post_id, message="v1", from_id=CITIZEN[0], notify=False)

    control(
        fake_server,
        "POST",
        "events",
        {
            "batch": True,
            "order": "reverse",
            "events": [
                {"type": "edit", "comment_id": comment_id, "message": "v2"},
                {"type": "delete", "comment_id": comment_id},
                {"type": "comment", "post_id": other_post, "message": "elsewhere"},
            ],
        },
    )
    receiver.wait_for(1)

    (payload,) = receiver.payloads()
    verbs = [
        (entry["id"], change["value"]["verb"])
        for entry in payload["entry"]
        for change in entry["changes"]
    ]
    assert verbs == [(OTHER_PAGE_ID, "add"), (PAGE_ID, "remove"), (PAGE_ID, "edited")]
    assert len(payload["entry"]) == 2
    assert "message" not in payload["entry"][1]["changes"][0]["value"]


def test_own_reply_comes_back_as_an_echo(
    fake_graph: FakeGraphApi, fake_graph_url: str, webhooks: WebhookSender, receiver: Receiver
) -> None:
    # F47
    post_id = seed_thread(fake_graph, comments=1)
    comment_id = next(iter(fake_graph.state.comments))

    post(fake_graph_url, f"/{comment_id}/comments", message="Thanks, forwarded")
    receiver.wait_for(1)

    entry = receiver.payloads()[0]["entry"][0]
    value = entry["changes"][0]["value"]
    assert value["from"]["id"] == entry["id"] == PAGE_ID
    assert (value["parent_id"], value["post_id"]) == (comment_id, post_id)


def test_handshake_right_and_wrong_token(webhooks: WebhookSender) -> None:
    # F49
    assert webhooks.handshake() == (200, True)
    assert webhooks.handshake("wrong") == (403, False)


def test_handshake_through_the_control_api(
    fake_server: FakeGraphServer, webhooks: WebhookSender
) -> None:
    result = control(fake_server, "POST", "webhooks", {"action": "handshake"})

    assert result == {"status": 200, "challenge_echoed": True}


def test_subscription_gate(
    fake_server: FakeGraphServer, fake_graph: FakeGraphApi, receiver: Receiver
) -> None:
    sender = WebhookSender(fake_server.state, receiver.url, require_subscription=True)
    post_id = fake_graph.add_post(PAGE_ID, message="Notice")

    fake_graph.add_comment(post_id, message="before", from_id=CITIZEN[0])
    fake_graph.state.subscriptions[PAGE_ID] = ["feed"]
    fake_graph.add_comment(post_id, message="after", from_id=CITIZEN[0])
    receiver.wait_for(1)
    sender.wait_idle()
    sender.stop()

    messages = [p["entry"][0]["changes"][0]["value"]["message"] for p in receiver.payloads()]
    assert messages == ["after"]


def test_live_mode_posts_new_citizen_comments(
    fake_graph: FakeGraphApi, webhooks: WebhookSender, receiver: Receiver
) -> None:
    fake_graph.load_seed(generate())
    live = LiveCitizens(fake_graph, interval=60)
    before = len(fake_graph.state.comments)

    comment_id = live.tick()
    receiver.wait_for(1)

    assert comment_id is not None
    assert len(fake_graph.state.comments) == before + 1
    assert receiver.payloads()[0]["entry"][0]["changes"][0]["value"]["comment_id"] == comment_id


# --------------------------------------------------------------------------- seed and CLI


def test_seed_is_deterministic_and_covers_the_demo_cases() -> None:
    seed = generate()
    texts = " ".join(c["message"] for c in seed["comments"])

    assert generate() == seed
    assert [p["id"] for p in seed["pages"]] == [f"1045100000000{n:02d}" for n in range(1, 7)]
    assert any("\u0980" <= ch <= "\u09ff" for ch in texts)  # Bangla
    assert "Please" in texts or "please" in texts  # English
    assert "kono" in texts or "ekhono" in texts.lower()  # romanised Bangla
    assert any(c["is_hidden"] for c in seed["comments"])
    assert any(c["from_hidden"] for c in seed["comments"])
    assert any(c["parent_id"] and c["from"]["id"].startswith("1045") for c in seed["comments"])
    assert any(not p["is_published"] for p in seed["posts"])


def test_committed_seed_matches_the_generator() -> None:
    from pathlib import Path

    import integrations.facebook as package

    committed = json.loads(
        (Path(package.__file__).parent / "fake_seed.json").read_text(encoding="utf-8")
    )

    assert committed == generate()


def test_command_line_serves_the_seed(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(generate()), encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    captured: dict[str, FakeGraphServer] = {}
    from integrations.facebook.fake import cli as module

    real_make = module.make_server

    def spy(*args: Any, **kwargs: Any) -> FakeGraphServer:
        captured["server"] = real_make(*args, **kwargs)
        return captured["server"]

    monkeypatch.setattr(module, "make_server", spy)
    thread = threading.Thread(
        target=main, args=(["--port", str(port), "--seed", str(seed_file)],), daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 5
    while "server" not in captured and time.monotonic() < deadline:
        time.sleep(0.01)

    response = requests.get(
        f"http://127.0.0.1:{port}/v25.0/me/accounts",
        params={"access_token": "EAAShunaniFakeAdminUserToken"},
        timeout=3,
    )
    captured["server"].shutdown()

    assert response.status_code == 200
    assert len(response.json()["data"]) == 6


def test_login_flow_against_the_fake(
    fake_server: FakeGraphServer, fake_graph: FakeGraphApi
) -> None:
    from integrations.facebook.graph_http import (
        HttpGraphApi,
        oauth_dialog_url,
        oauth_exchange_code,
        oauth_extend_token,
    )

    app_id = fake_graph.state.app_id
    dialog = oauth_dialog_url(
        app_id=app_id,
        redirect_uri="http://127.0.0.1:9/cb",
        scopes=["pages_show_list"],
        state="s1",
        www_url=fake_server.base_url,
    )

    redirect = requests.get(dialog, allow_redirects=False, timeout=3)
    location = parse_qs(urlsplit(redirect.headers["Location"]).query)
    short = oauth_exchange_code(
        code=location["code"][0],
        redirect_uri="http://127.0.0.1:9/cb",
        app_id=app_id,
        app_secret=APP_SECRET,
        base_url=fake_server.base_url,
    )
    long = oauth_extend_token(
        access_token=short.access_token,
        app_id=app_id,
        app_secret=APP_SECRET,
        base_url=fake_server.base_url,
    )
    pages = HttpGraphApi(
        base_url=fake_server.base_url, access_token=long.access_token
    ).me_accounts()

    assert redirect.status_code == 302
    assert location["state"] == ["s1"]
    assert short.access_token == USER_TOKEN
    assert long.expires_in is not None
    assert [(p.id, p.access_token) for p in pages] == [(PAGE_ID, PAGE_TOKEN)]


def test_oauth_rejects_a_wrong_client_secret(fake_server: FakeGraphServer) -> None:
    from integrations.facebook.graph import GraphTransientError
    from integrations.facebook.graph_http import oauth_exchange_code

    # Graph answers a wrong secret with code 1 ("unknown"), which we classify as transient.
    with pytest.raises(GraphTransientError, match="client secret"):
        oauth_exchange_code(
            code="fake-code-x",
            redirect_uri="x",
            app_id=fake_server.state.app_id,
            app_secret="wrong",
            base_url=fake_server.base_url,
        )


def test_webhook_sender_can_be_configured_at_runtime(
    fake_server: FakeGraphServer, fake_graph: FakeGraphApi, receiver: Receiver
) -> None:
    control(fake_server, "POST", "config", {"webhook_url": receiver.url, "verify_token": "t"})
    post_id = fake_graph.add_post(PAGE_ID, message="Notice")

    fake_graph.add_comment(post_id, message="configured", from_id=CITIZEN[0])
    receiver.wait_for(1)
    control(fake_server, "POST", "config", {"webhook_url": None})

    assert receiver.payloads()[0]["entry"][0]["changes"][0]["value"]["message"] == "configured"
    assert fake_server.webhooks is None


def test_concurrent_reads_while_citizens_write(
    fake_graph: FakeGraphApi, fake_graph_url: str
) -> None:
    post_id = seed_thread(fake_graph, comments=20)
    statuses: list[int] = []

    def reader() -> None:
        with requests.Session() as session:
            for _ in range(15):
                response = session.get(
                    f"{fake_graph_url}/{post_id}/comments",
                    params={"access_token": PAGE_TOKEN, "filter": "stream", "limit": 100},
                    timeout=5,
                )
                statuses.append(response.status_code)

    readers = [threading.Thread(target=reader) for _ in range(6)]
    for thread in readers:
        thread.start()
    for n in range(200):
        fake_graph.add_comment(post_id, message=f"live {n}", from_id=CITIZEN[0])
    for thread in readers:
        thread.join()

    assert statuses == [200] * 90
    assert len(list(fake_graph.object_comments(post_id))) == 220


def test_batches_are_split_at_1000_changes(
    fake_server: FakeGraphServer, fake_graph: FakeGraphApi, receiver: Receiver
) -> None:
    sender = WebhookSender(fake_server.state, receiver.url)
    post_id = fake_graph.add_post(PAGE_ID, message="Notice")

    with sender.batch():
        for n in range(1001):
            fake_graph.add_comment(post_id, message=f"c{n}", from_id=CITIZEN[0])
    receiver.wait_for(2)
    sender.stop()

    sizes = sorted(sum(len(e["changes"]) for e in p["entry"]) for p in receiver.payloads())
    assert sizes == [1, 1000]


def test_spontaneous_duplicate_deliveries(
    fake_server: FakeGraphServer, fake_graph: FakeGraphApi, receiver: Receiver
) -> None:
    # F44 without any receiver failure
    sender = WebhookSender(fake_server.state, receiver.url, duplicate_probability=1.0)
    post_id = fake_graph.add_post(PAGE_ID, message="Notice")

    fake_graph.add_comment(post_id, message="twice", from_id=CITIZEN[0])
    receiver.wait_for(2)
    sender.stop()

    assert len(receiver.bodies) == 2
    assert receiver.bodies[0] == receiver.bodies[1]


def test_a_delayed_event_arrives_after_later_ones(
    fake_server: FakeGraphServer,
    fake_graph: FakeGraphApi,
    webhooks: WebhookSender,
    receiver: Receiver,
) -> None:
    # F45: the `add` reaches the receiver after the `edited`
    post_id = fake_graph.add_post(PAGE_ID, message="Notice")

    added = control(
        fake_server,
        "POST",
        "events",
        {"type": "comment", "post_id": post_id, "message": "v1", "delay": 0.3},
    )["ids"][0]
    control(fake_server, "POST", "events", {"type": "edit", "comment_id": added, "message": "v2"})
    receiver.wait_for(2)

    verbs = [p["entry"][0]["changes"][0]["value"]["verb"] for p in receiver.payloads()]
    assert verbs == ["edited", "add"]


def fault_response(server: FakeGraphServer, action: str, **params: Any) -> requests.Response:
    server.add_fault(FaultRule(action=action, params=params))
    return get(f"{server.base_url}/v25.0", f"/{PAGE_ID}/feed")


def test_fault_wire_shapes(fake_server: FakeGraphServer, fake_graph: FakeGraphApi) -> None:
    for n in range(3):
        fake_graph.add_post(PAGE_ID, message=f"p{n}", created_time=T0 + timedelta(hours=n))

    unknown = fault_response(fake_server, "unknown_500")
    html = fault_response(fake_server, "html_5xx", status=503)
    empty = fault_response(fake_server, "empty_500")
    app = fault_response(fake_server, "app_limit")
    buc = fault_response(fake_server, "buc_limit", minutes=9)
    js = fault_response(fake_server, "javascript_content_type")
    upgraded = fault_response(fake_server, "version", served="v26.0")
    tokenless = get(f"{fake_server.base_url}/v25.0", f"/{PAGE_ID}/feed", limit=1)
    fake_server.add_fault(FaultRule(action="next_without_token"))
    no_token_next = get(f"{fake_server.base_url}/v25.0", f"/{PAGE_ID}/feed", limit=1).json()
    fake_server.add_fault(FaultRule(action="next_other_host"))
    foreign_next = get(f"{fake_server.base_url}/v25.0", f"/{PAGE_ID}/feed", limit=1).json()

    assert unknown.status_code == 500
    assert unknown.json()["error"]["error_subcode"] == 99
    assert '"unknown_error"' in unknown.headers["WWW-Authenticate"]
    assert (html.status_code, html.headers["Content-Type"]) == (503, "text/html; charset=utf-8")
    assert "Sorry, something went wrong." in html.text
    assert (empty.status_code, empty.content) == (500, b"")
    assert "Content-Type" not in empty.headers
    assert app.status_code == 403
    assert json.loads(app.headers["x-app-usage"])["call_count"] == 100
    assert app.json()["error"]["is_transient"] is True
    regain = json.loads(buc.headers["x-business-use-case-usage"])[PAGE_ID][0]
    assert (buc.json()["error"]["code"], regain["estimated_time_to_regain_access"]) == (80001, 9)
    assert js.headers["Content-Type"] == "text/javascript; charset=UTF-8"
    assert len(js.json()["data"]) == 3
    assert upgraded.headers["facebook-api-version"] == "v26.0"
    assert "access_token=" in tokenless.json()["paging"]["next"]
    assert "access_token" not in no_token_next["paging"]["next"]
    assert foreign_next["paging"]["next"].startswith(
        f"https://graph.facebook.com/v20.0/{PAGE_ID}/feed?"
    )


def test_timeout_and_reset_faults_on_the_wire(fake_server: FakeGraphServer) -> None:
    url = f"{fake_server.base_url}/v25.0/{PAGE_ID}"
    fake_server.add_fault(FaultRule(action="timeout", params={"delay": 0.5}))
    fake_server.add_fault(FaultRule(action="reset"))

    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(url, params={"access_token": PAGE_TOKEN}, timeout=0.2)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(url, params={"access_token": PAGE_TOKEN}, timeout=2)
    assert requests.get(url, params={"access_token": PAGE_TOKEN}, timeout=2).status_code == 200
