"""The HTTP adapter of the Graph port: the only Facebook module that imports `requests`, and the
only module that imports `facebook` (facebook-sdk). Graph's JSON is decoded by `wire.py`.

`HttpGraphApi` talks to graph.facebook.com in production and to the fake server
(`integrations.facebook.fake`) locally and in contract tests; only `base_url` differs. facebook-sdk 3.1.0's
`GraphAPI.request` is the transport, wrapped for every quirk listed in graph-api.md §9:

- the SDK reads its base URL from a module global, so a session subclass re-targets each
  request at *our* `base_url` (several adapters, several base URLs, one process);
- its version check rejects "25.0" (§7.1), so the version is set after construction;
- it has no default timeout: every call passes ours;
- it ignores HTTP status and raises on HTML (F3), `text/javascript` (F51) and a missing
  Content-Type (`KeyError`, F4): a response hook keeps the raw response so we can decide;
- it hides headers: the same hook reads the usage headers (`last_usage`) and the served
  `facebook-api-version` (F50, logged when it differs from ours);
- its `get_all_connections` drops `appsecret_proof` and trusts `paging.next`: our pager
  follows `next` on our base URL and version, re-adding `access_token` and `appsecret_proof`
  on every page, with `limit` capped at 100 and items de-duplicated by id.

Network failures (timeouts, resets, refused connections) become `GraphTransientError`.
Tokens travel in query strings, so nothing here logs a URL, and exceptions raised from
`requests` errors are re-raised without them (`from None`): their text contains the URL.

OAuth helpers (`oauth_dialog_url`, `oauth_exchange_code`, `oauth_extend_token`) and
`parse_signed_request` (Meta's data-deletion callback) wrap facebook-sdk here so no other
module imports it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import facebook
import requests

from integrations.facebook.graph import (
    GRAPH_VERSION,
    MAX_PAGE_SIZE,
    CommentOrder,
    GraphComment,
    GraphError,
    GraphPage,
    GraphPermanentError,
    GraphPost,
    GraphPrivateReply,
    GraphReply,
    GraphTokenInfo,
    GraphTransientError,
    PostsEdge,
    Usage,
    comments_since,
)
from integrations.facebook.wire import (
    COMMENT_FIELDS,
    PAGE_FIELDS,
    POST_FIELDS,
    REPLY_FIELDS,
    comment_from_graph,
    error_from_graph,
    page_from_graph,
    post_from_graph,
    reply_from_graph,
    success_from_graph,
    token_info_from_graph,
    usage_from_headers,
)

logger = logging.getLogger(__name__)

_VERSION = re.compile(r"v\d+\.\d+")
_AUTH_PARAMS = ("access_token", "appsecret_proof")
DEFAULT_TIMEOUT = 10.0  # seconds; Celery's soft limit is minutes, one call must not eat it
DEFAULT_MAX_PAGES = 200  # per listing; graph-api.md §2.5 "cap the number of pages per run"


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """graph-api.md §1.3."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def split_base_url(base_url: str, version: str | None = None) -> tuple[str, str]:
    """`http://host:8088/v25.0` -> (`http://host:8088/`, `v25.0`); a bare root keeps `version`."""
    root = base_url.rstrip("/")
    head, _, last = root.rpartition("/")
    if _VERSION.fullmatch(last) and head.count("/") >= 2:
        return head + "/", last
    return root + "/", version or GRAPH_VERSION


class _RoutingSession(requests.Session):
    """Sends facebook-sdk's requests to our base URL instead of its module-global one."""

    def __init__(self, root: str) -> None:
        super().__init__()
        self.root = root

    def request(  # type: ignore[override]  # same call shape as the SDK uses
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        prefix = facebook.FACEBOOK_GRAPH_URL
        if url.startswith(prefix):
            url = self.root + url[len(prefix) :]
        return super().request(method, url, *args, **kwargs)


class _Transport:
    """facebook-sdk's `GraphAPI.request` with our base URL, timeout, version and errors."""

    def __init__(
        self, *, base_url: str, access_token: str | None, version: str | None, timeout: float
    ) -> None:
        self.root, self.version = split_base_url(base_url, version)
        self.timeout = timeout
        self.session = _RoutingSession(self.root)
        self.session.hooks["response"].append(self._on_response)
        self.sdk = facebook.GraphAPI(
            access_token=access_token, timeout=timeout, session=self.session
        )
        self.sdk.version = self.version  # after construction: the SDK rejects "25.0" (§7.1)
        self.last_usage: Usage | None = None
        self.last_api_version: str | None = None
        self._local = threading.local()

    def _on_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._local.response = response
        self.last_usage = usage_from_headers(response.headers)
        served = response.headers.get("facebook-api-version")
        self.last_api_version = served
        if served and served != self.version:
            # F50: Graph upgraded us; calls still work but field semantics may have changed.
            logger.warning("Graph served API version %s instead of %s", served, self.version)

    def request(
        self,
        path: str,
        args: dict[str, Any] | None = None,
        post_args: dict[str, Any] | None = None,
        method: str | None = None,
    ) -> Any:
        self._local.response = None
        try:
            result = self.sdk.request(
                f"{self.version}/{path}", args=args, post_args=post_args, method=method
            )
        except facebook.GraphAPIError as exc:
            if isinstance(exc.result, dict) and isinstance(exc.result.get("error"), dict):
                raise self._error(exc.result["error"]) from None
            # "Maintype was not text, image, or querystring", or an OAuth-style string error.
            return self._from_raw()
        except requests.Timeout:
            raise GraphTransientError(f"Graph did not answer within {self.timeout}s") from None
        except requests.JSONDecodeError:
            return self._from_raw()
        except requests.RequestException as exc:
            # The text of requests' errors includes the URL, and with it the token.
            raise GraphTransientError(f"Graph connection failed ({type(exc).__name__})") from None
        except KeyError:
            return self._from_raw()  # no Content-Type header at all (F4)
        response = self._response()
        if response is not None and response.status_code >= 400:
            raise error_from_graph(None, http_status=response.status_code, usage=self.last_usage)
        return result

    def _response(self) -> requests.Response | None:
        return getattr(self._local, "response", None)

    def _error(self, error: Mapping[str, Any]) -> GraphError:
        response = self._response()
        status = response.status_code if response is not None else None
        return error_from_graph(error, http_status=status, usage=self.last_usage)

    def _from_raw(self) -> Any:
        """Decide on a body the SDK would not parse: JSON under another type, or an outage."""
        response = self._response()
        if response is None:
            raise GraphTransientError("Graph sent no response")
        try:
            body = json.loads(response.content) if response.content else None
        except ValueError:
            body = None
        if isinstance(body, dict) and "error" in body:
            error = body["error"]
            raise self._error(error if isinstance(error, dict) else {"message": str(error)})
        if body is not None and response.status_code < 400:
            return body  # F51: valid JSON labelled text/javascript
        raise error_from_graph(None, http_status=response.status_code, usage=self.last_usage)


class HttpGraphApi:
    """`GraphApi` over HTTP, acting with one access token (normally one page's token)."""

    def __init__(
        self,
        *,
        base_url: str = "https://graph.facebook.com/",
        access_token: str,
        app_secret: str | None = None,
        version: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        page_size: int = 25,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        self._transport = _Transport(
            base_url=base_url, access_token=access_token, version=version, timeout=timeout
        )
        self._access_token = access_token
        self._app_secret = app_secret
        self.page_size = max(1, min(page_size, MAX_PAGE_SIZE))  # F36: Graph rejects > 100
        self.max_pages = max_pages

    def __repr__(self) -> str:  # never the token
        return f"HttpGraphApi(base_url={self.base_url!r})"

    @property
    def base_url(self) -> str:
        return f"{self._transport.root}{self.version}"

    @property
    def version(self) -> str:
        return self._transport.version

    @property
    def last_usage(self) -> Usage | None:
        return self._transport.last_usage

    @last_usage.setter
    def last_usage(self, value: Usage | None) -> None:
        self._transport.last_usage = value

    @property
    def last_api_version(self) -> str | None:
        return self._transport.last_api_version

    # -- plumbing ------------------------------------------------------------------------

    def _auth(self) -> dict[str, str]:
        auth = {"access_token": self._access_token}
        if self._app_secret:  # graph-api.md §1.3: on every call, including later pages
            auth["appsecret_proof"] = appsecret_proof(self._app_secret, self._access_token)
        return auth

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._transport.request(path, args={**(params or {}), **self._auth()})

    def _post(self, path: str, data: Mapping[str, Any]) -> Any:
        return self._transport.request(path, post_args={**data, **self._auth()})

    def _paged(self, path: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Follow `paging.next` on our base URL, version and credentials (graph-api.md §2.5)."""
        first = (path, {**params, "limit": self.page_size})
        current = first
        seen: set[str] = set()
        pages = 0
        restarted = False
        while True:
            try:
                payload = self._get(*current)
            except GraphPermanentError as exc:
                # F28: a cursor naming a deleted item is refused; start again from page 1 once,
                # the id de-dup below hides what we already yielded.
                if type(exc) is not GraphPermanentError or current is first or restarted:
                    raise
                restarted, current = True, first
                continue
            if not isinstance(payload, dict):
                return
            for item in payload.get("data") or []:
                item_id = item.get("id") if isinstance(item, dict) else None
                if item_id:
                    if item_id in seen:
                        continue  # F26: repeated across pages
                    seen.add(item_id)
                yield item
            next_url = (payload.get("paging") or {}).get("next")
            if not next_url:
                return
            pages += 1
            if pages >= self.max_pages:
                logger.warning("Stopped paging %s after %d pages", path.split("/")[-1], pages)
                return
            current = self._follow(next_url)

    def _follow(self, next_url: str) -> tuple[str, dict[str, Any]]:
        """The path and query of a `next` link, minus its host, version and credentials."""
        parts = urlsplit(next_url)
        segments = [s for s in parts.path.split("/") if s]
        root_path = [s for s in urlsplit(self._transport.root).path.split("/") if s]
        if segments[: len(root_path)] == root_path:
            segments = segments[len(root_path) :]
        if segments and _VERSION.fullmatch(segments[0]):
            segments = segments[1:]  # F25: keep our configured version, not theirs
        params = {
            k: v
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k not in _AUTH_PARAMS  # F24: ours are re-added, present or not
        }
        if "limit" in params:
            params["limit"] = str(min(int(params["limit"] or MAX_PAGE_SIZE), MAX_PAGE_SIZE))
        return "/".join(segments), params

    # -- the port ------------------------------------------------------------------------

    def page_posts(
        self, page_id: str, since: datetime | None = None, *, edge: PostsEdge = "feed"
    ) -> Iterator[GraphPost]:
        params: dict[str, Any] = {"fields": POST_FIELDS}
        if since is not None:
            params["since"] = int(since.timestamp())
        for raw in self._paged(f"{page_id}/{edge}", params):
            yield post_from_graph(raw)

    def post_get(self, post_id: str) -> GraphPost:
        return post_from_graph(self._get(post_id, {"fields": POST_FIELDS}))

    def object_comments(
        self,
        object_id: str,
        *,
        filter_stream: bool = True,
        order: CommentOrder = "chronological",
        since: datetime | None = None,
    ) -> Iterator[GraphComment]:
        params: dict[str, Any] = {
            "fields": COMMENT_FIELDS,
            "filter": "stream" if filter_stream else "toplevel",
            "order": order,
        }
        if since is not None:
            params["since"] = int(since.timestamp())
        parsed = (
            comment_from_graph(raw, object_id=object_id)
            for raw in self._paged(f"{object_id}/comments", params)
        )
        return comments_since(parsed, since=since, order=order)

    def comment_get(self, comment_id: str) -> GraphComment:
        return comment_from_graph(self._get(comment_id, {"fields": COMMENT_FIELDS}))

    def comment_reply(self, comment_id: str, message: str) -> GraphReply:
        # Not idempotent (graph-api.md §3.1): callers run recent_page_replies before a retry.
        raw = self._post(f"{comment_id}/comments", {"message": message, "fields": REPLY_FIELDS})
        return reply_from_graph(raw, message=message)

    def comment_set_hidden(self, comment_id: str, hidden: bool) -> None:
        # "true"/"false", not Python's True (graph-api.md §9.9).
        raw = self._post(comment_id, {"is_hidden": "true" if hidden else "false"})
        if not success_from_graph(raw):
            raise GraphError("Graph did not confirm the hide/unhide")

    def comment_delete(self, comment_id: str) -> None:
        raw = self._transport.request(comment_id, args=self._auth(), method="DELETE")
        if not success_from_graph(raw):
            raise GraphError("Graph did not confirm the delete")

    def recent_page_replies(
        self, comment_id: str, page_id: str, limit: int = 25
    ) -> list[GraphComment]:
        raw = self._get(
            f"{comment_id}/comments",
            {
                "filter": "stream",
                "order": "reverse_chronological",
                "fields": "id,message,from{id},created_time,parent{id}",
                "limit": max(1, min(limit, MAX_PAGE_SIZE)),
            },
        )
        replies = [comment_from_graph(item, object_id=comment_id) for item in raw.get("data") or []]
        return [r for r in replies if r.from_id == page_id]

    def private_reply(self, page_id: str, comment_id: str, message: str) -> GraphPrivateReply:
        raw = self._post(
            f"{page_id}/messages",
            {
                "recipient": json.dumps({"comment_id": comment_id}),
                "message": json.dumps({"text": message}),
            },
        )
        return GraphPrivateReply(str(raw["message_id"]), str(raw.get("recipient_id") or ""))

    def subscribe_app(self, page_id: str, fields: Sequence[str] = ("feed",)) -> None:
        raw = self._post(f"{page_id}/subscribed_apps", {"subscribed_fields": ",".join(fields)})
        if not success_from_graph(raw):
            raise GraphError("Graph did not confirm the subscription")

    def subscribed_apps(self, page_id: str) -> list[str]:
        raw = self._get(f"{page_id}/subscribed_apps")
        return [str(app.get("name") or app.get("id")) for app in raw.get("data") or []]

    def me_accounts(self) -> list[GraphPage]:
        return [page_from_graph(raw) for raw in self._paged("me/accounts", {"fields": PAGE_FIELDS})]

    def debug_token(self, input_token: str) -> GraphTokenInfo:
        return token_info_from_graph(self._get("debug_token", {"input_token": input_token}))


# --------------------------------------------------------------------------- OAuth helpers


@dataclass(frozen=True, slots=True)
class OAuthToken:
    access_token: str
    expires_in: int | None = None  # seconds; None when Graph did not say


def oauth_dialog_url(
    *,
    app_id: str,
    redirect_uri: str,
    scopes: Sequence[str],
    state: str,
    version: str = GRAPH_VERSION,
    www_url: str | None = None,
) -> str:
    """The Facebook Login dialog an administrator is sent to when connecting pages.

    `www_url` replaces https://www.facebook.com/ (the fake server serves the dialog too)."""
    sdk = facebook.GraphAPI()
    sdk.version = version
    url: str = sdk.get_auth_url(app_id, redirect_uri, perms=list(scopes), state=state)
    if www_url:
        url = www_url.rstrip("/") + "/" + url[len(facebook.FACEBOOK_WWW_URL) :]
    return url


def oauth_exchange_code(
    *,
    code: str,
    redirect_uri: str,
    app_id: str,
    app_secret: str,
    base_url: str = "https://graph.facebook.com/",
    timeout: float = DEFAULT_TIMEOUT,
) -> OAuthToken:
    """Code from the login redirect -> short-lived user token."""
    transport = _Transport(base_url=base_url, access_token=None, version=None, timeout=timeout)
    raw = transport.request(
        "oauth/access_token",
        args={
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app_id,
            "client_secret": app_secret,
        },
    )
    return _oauth_token(raw)


def oauth_extend_token(
    *,
    access_token: str,
    app_id: str,
    app_secret: str,
    base_url: str = "https://graph.facebook.com/",
    timeout: float = DEFAULT_TIMEOUT,
) -> OAuthToken:
    """Short-lived user token -> long-lived one (page tokens read with it do not expire)."""
    transport = _Transport(base_url=base_url, access_token=None, version=None, timeout=timeout)
    raw = transport.request(
        "oauth/access_token",
        args={
            "grant_type": "fb_exchange_token",
            "client_id": app_id,
            "client_secret": app_secret,
            "fb_exchange_token": access_token,
        },
    )
    return _oauth_token(raw)


def _oauth_token(raw: Any) -> OAuthToken:
    if not isinstance(raw, dict) or not raw.get("access_token"):
        raise GraphError("Graph returned no access token")
    expires = raw.get("expires_in") or raw.get("expires")
    return OAuthToken(str(raw["access_token"]), int(expires) if expires else None)


# A data-deletion request is refused once older than this, or from further ahead than the
# clocks of Meta and of this server may disagree: a captured request cannot be replayed later.
SIGNED_REQUEST_MAX_AGE = timedelta(days=1)
SIGNED_REQUEST_MAX_SKEW = timedelta(minutes=5)


def parse_signed_request(signed_request: str, app_secret: str) -> dict[str, Any] | None:
    """Verify and decode Meta's `signed_request` (data-deletion callback); None if forged.

    `<base64url HMAC-SHA256 of the payload part>.<base64url JSON payload>`. The signature is
    compared in constant time and checked before the payload is decoded. (facebook-sdk's
    version compares with `!=` and parses the JSON first.)
    """
    try:
        encoded_sig, payload = signed_request.split(".", 1)
        signature = _b64url_decode(encoded_sig)
        expected = hmac.new(app_secret.encode(), payload.encode("ascii"), hashlib.sha256)
        if not hmac.compare_digest(signature, expected.digest()):
            return None
        data = json.loads(_b64url_decode(payload))
    except (ValueError, UnicodeError, AttributeError, TypeError):
        return None  # not two parts, not base64, not ASCII, not JSON
    if not isinstance(data, dict) or str(data.get("algorithm", "")).upper() != "HMAC-SHA256":
        return None
    return data


def signed_request_is_fresh(data: Mapping[str, Any], *, now: datetime) -> bool:
    """`issued_at` (Unix seconds) is within SIGNED_REQUEST_MAX_AGE before `now` and at most
    SIGNED_REQUEST_MAX_SKEW after it. A request without it is not fresh."""
    issued = data.get("issued_at")
    if isinstance(issued, bool) or not isinstance(issued, int):
        return False
    try:
        issued_at = datetime.fromtimestamp(issued, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return False
    return now - SIGNED_REQUEST_MAX_AGE <= issued_at <= now + SIGNED_REQUEST_MAX_SKEW


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
