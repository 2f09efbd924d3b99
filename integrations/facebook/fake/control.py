"""The control API (project-defined, not Meta's): `/__fake/...`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from integrations.facebook.fake.adapter import FakeGraphApi
from integrations.facebook.fake.faults import FaultRule
from integrations.facebook.fake.seed import dump_state
from integrations.facebook.fake.state import FakeGraphState, comment_change, post_change
from integrations.facebook.fake.webhooks import WebhookSender

if TYPE_CHECKING:
    from integrations.facebook.fake.server import FakeGraphServer


def control_action(
    server: FakeGraphServer, name: str, method: str, body: Any, query: Mapping[str, str]
) -> Any:
    """Answer `/__fake/{name}`; None when there is no such endpoint."""
    fake = server.fake
    state = server.state
    if name == "reset" and method == "POST":
        reset_state(state)
        server.request_log.clear()
        if body.get("seed") and server.seed:
            fake.load_seed(server.seed)
        return {"ok": True}
    if name == "seed" and method == "POST":
        fake.load_seed(body, shift_to=_parse_iso(body.get("shift_to")))
        return {"ok": True, "pages": len(state.pages), "comments": len(state.comments)}
    if name == "dump" and method == "GET":
        return dump_state(state)
    if name == "events" and method == "POST":
        return apply_events(server, body)
    if name == "faults":
        if method == "POST":
            rules = body if isinstance(body, list) else [body]
            added = [server.add_fault(_rule_from_json(r)) for r in rules]
            return {"ok": True, "ids": [r.id for r in added]}
        if method == "DELETE":
            state.faults.clear()
            return {"ok": True}
        return {"faults": [asdict(r) for r in state.faults if isinstance(r, FaultRule)]}
    if name == "requests":
        if method == "DELETE":
            server.request_log.clear()
            return {"ok": True}
        entries = list(server.request_log)
        if query.get("path"):
            entries = [e for e in entries if re.search(query["path"], e["path"])]
        return {"requests": entries}
    if name == "clock" and method == "POST":
        if body.get("real"):
            state.clock.unfreeze()
        if "freeze" in body:
            state.clock.freeze(_parse_iso(body["freeze"]))
        if body.get("advance"):
            state.clock.advance(float(body["advance"]))
        return {"now": state.clock.now().isoformat()}
    if name == "config" and method == "POST":
        apply_config(server, body)
        return {"ok": True}
    if name == "webhooks":
        return _control_webhooks(server, method, body)
    return None


def _control_webhooks(server: FakeGraphServer, method: str, body: Mapping[str, Any]) -> Any:
    sender = server.webhooks
    if sender is None:
        raise ValueError("no webhook URL configured")
    if method == "GET":
        return {
            "deliveries": [
                {
                    "id": d.id,
                    "attempts": d.attempts,
                    "status": d.status,
                    "delivered": d.delivered,
                    "signature": d.signature,
                    "body": d.body.decode("ascii"),
                }
                for d in sender.deliveries
            ]
        }
    action = body.get("action")
    if action == "handshake":
        status, echoed = sender.handshake(body.get("verify_token"))
        return {"status": status, "challenge_echoed": echoed}
    if action == "send":
        sent = sender.send(
            body["payload"],
            copies=int(body.get("copies", 1)),
            signature=body.get("signature", "ok"),
        )
        return {"ids": [d.id for d in sent]}
    if action == "flush":
        return {"idle": sender.wait_idle(float(body.get("timeout", 5)))}
    raise ValueError(f"unknown webhook action {action!r}")


def _parse_iso(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _rule_from_json(data: Mapping[str, Any]) -> FaultRule:
    allowed = {"action", "method", "path", "page_id", "query_has", "times", "nth", "probability"}
    kwargs = {k: v for k, v in data.items() if k in allowed}
    kwargs["params"] = dict(data.get("params") or {})
    if "times" not in data and data.get("nth") is None and data.get("probability") is not None:
        kwargs["times"] = None  # a probability alone means "on every match, sometimes"
    return FaultRule(**kwargs)


def reset_state(state: FakeGraphState) -> None:
    with state.lock:
        for store in (
            state.pages,
            state.users,
            state.tokens,
            state.posts,
            state.comments,
            state.comments_by_post,
            state.private_replies,
            state.subscriptions,
            state.page_calls,
        ):
            store.clear()
        state.faults.clear()
        state.next_error = None
        state.app_calls = 0
        state.clock.unfreeze()


def apply_config(server: FakeGraphServer, body: Mapping[str, Any]) -> None:
    state = server.state
    if "require_appsecret_proof" in body:
        state.require_appsecret_proof = bool(body["require_appsecret_proof"])
    if "served_version" in body:
        state.served_version = body["served_version"] or None
    if "app_secret" in body:
        state.app_secret = str(body["app_secret"])
    if "page_usage_header" in body:
        server.page_usage_header = bool(body["page_usage_header"])
    if "link_base" in body:
        server.link_base = body["link_base"] or None
    for page_id, mode in (body.get("paging_mode") or {}).items():
        state.pages[page_id].paging_mode = mode
    for token, moderate in (body.get("moderate") or {}).items():
        state.tokens[token].moderate = bool(moderate)
    for token, subcode in (body.get("revoke") or {}).items():
        server.fake.revoke_token(token, subcode=subcode)
    if "webhook_url" in body:
        if server.webhooks is not None:
            server.webhooks.stop()
        server.webhooks = None
        if body["webhook_url"]:
            server.webhooks = WebhookSender(
                state,
                str(body["webhook_url"]),
                verify_token=str(body.get("verify_token", "")),
                escape_slashes=bool(body.get("escape_slashes", False)),
                duplicate_probability=float(body.get("duplicate_probability", 0.0)),
                require_subscription=bool(body.get("require_subscription", False)),
            )


def apply_events(server: FakeGraphServer, body: Mapping[str, Any]) -> dict[str, Any]:
    """Citizen actions from the control API; optionally batched into one webhook (F45/F46)."""
    events = body.get("events")
    if events is None:
        return {"ids": [_apply_event(server, body)]}
    sender = server.webhooks
    if body.get("batch") and sender is not None:
        options = {"copies": int(body.get("copies", 1)), "signature": body.get("signature", "ok")}
        with sender.batch(order=body.get("order", "given"), **options):
            ids = [_apply_event(server, e) for e in events]
    else:
        ids = [_apply_event(server, e) for e in events]
    return {"ids": ids}


def _apply_event(server: FakeGraphServer, event: Mapping[str, Any]) -> str:
    kind = str(event["type"])
    notify = bool(event.get("webhook", True))
    sender = server.webhooks
    copies = int(event.get("copies", 1))
    signature = str(event.get("signature", "ok"))
    delay = float(event.get("delay", 0))
    special = copies != 1 or signature != "ok" or delay > 0
    if sender is None or not notify or not special or sender.batching:
        return _do_event(server.fake, kind, event, notify=notify)
    # F43/F44/F45 for one event: a bad or missing signature, several copies, a late delivery.
    result = _do_event(server.fake, kind, event, notify=False)
    change = _change_for(server.fake, kind, result)
    if change is not None:
        sender.send(sender.payload([change]), copies=copies, signature=signature, delay=delay)
    return result


def _do_event(fake: FakeGraphApi, kind: str, event: Mapping[str, Any], *, notify: bool) -> str:
    author = event.get("from") or {}
    when = _parse_iso(event.get("created_time"))
    if kind in ("comment", "reply"):
        target = event.get("parent_id") or event["post_id"]
        return fake.add_comment(
            str(target),
            message=str(event.get("message", "")),
            from_id=str(author.get("id", "")),
            from_name=str(author.get("name", "")),
            created_time=when,
            hide_from=event.get("from_hidden"),
            notify=notify,
        )
    if kind == "edit":
        fake.edit_comment(event["comment_id"], str(event["message"]), notify=notify)
        return str(event["comment_id"])
    if kind == "delete":
        fake.delete_comment(event["comment_id"], notify=notify)
        return str(event["comment_id"])
    if kind in ("hide", "unhide"):
        fake.set_hidden(event["comment_id"], kind == "hide", notify=notify)
        return str(event["comment_id"])
    if kind == "post":
        return fake.add_post(
            str(event["page_id"]),
            message=str(event.get("message", "")),
            from_id=str(author.get("id", "")),
            from_name=str(author.get("name", "")),
            created_time=when,
            is_published=bool(event.get("is_published", True)),
            notify=notify,
        )
    raise ValueError(f"unknown event type {kind!r}")


def _change_for(fake: FakeGraphApi, kind: str, object_id: str) -> tuple[str, dict[str, Any]] | None:
    state = fake.state
    if kind == "post":
        post = state.posts[object_id]
        return post.page_id, post_change(post, "add")
    comment = state.comments.get(object_id)
    if comment is None:
        return None
    verb = {"comment": "add", "reply": "add", "edit": "edited", "delete": "remove"}.get(kind, kind)
    return comment.page_id, comment_change(comment, verb, state)
