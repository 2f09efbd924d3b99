"""List edges: cursor and time paging, `paging.next` links like Meta's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from integrations.facebook.fake.errors import graph_error
from integrations.facebook.fake.exchange_base import Answer, ExchangeBase
from integrations.facebook.fake.fields import decode_cursor, encode_cursor, parse_fields
from integrations.facebook.fake.render import render_comment, render_post
from integrations.facebook.graph import MAX_PAGE_SIZE

_POST_EDGES = ("feed", "posts", "published_posts")


_PAGING_PARAMS = {
    "access_token",
    "appsecret_proof",
    "after",
    "before",
    "limit",
    "pretty",
    "__paging_token",
    "__previous",
}
_TIME_PAGING_PARAMS = _PAGING_PARAMS | {"since", "until"}


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        if value.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(value), tz=UTC)
        return datetime.fromisoformat(value).astimezone(UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise graph_error(100, f"(#100) Invalid time {value!r}") from exc


class ListsExchange(ExchangeBase):
    """List edges of one request: limits, filters, cursor and time paging."""

    def _limit(self, *, strict: bool) -> int:
        try:
            limit = int(self.params.get("limit") or 25)
        except ValueError as exc:
            raise graph_error(100, "(#100) Param limit must be a number") from exc
        if limit > MAX_PAGE_SIZE and strict:
            # F36; exact Graph text UNCONFIRMED.
            raise graph_error(100, "(#100) The limit parameter cannot exceed 100")
        return max(1, min(limit, MAX_PAGE_SIZE))

    def _posts(self, page_id: str, edge: str) -> Answer:
        state, ctx = self.state, self.ctx
        since = _parse_time(self.params.get("since"))
        until = _parse_time(self.params.get("until"))
        limit = self._limit(strict=True)
        fields = parse_fields(self.params.get("fields") or "created_time,message,id")
        posts = state.list_posts(page_id, edge, since=since, until=None)
        page = state.pages[page_id]
        if page.paging_mode == "time":
            return self._time_paged(posts, limit, until, fields)
        if until is not None:
            posts = [p for p in posts if p.created_time <= until]
        ids = [p.id for p in posts]
        return self._paged(ids, lambda i: render_post(state, state.posts[i], fields, ctx))

    def _time_paged(
        self, posts: list[Any], limit: int, until: datetime | None, fields: Any
    ) -> Answer:
        """graph-api.md §2.1 example B: `until`/`since` links with `__paging_token`."""
        token = self.params.get("__paging_token")
        start = 0
        if token:
            item_id, offset = decode_cursor(token.removeprefix("enc_"))
            ids = [p.id for p in posts]
            start = ids.index(item_id) + 1 if item_id in ids else offset
        elif until is not None:
            posts = [p for p in posts if p.created_time <= until]
        chunk = posts[start : start + limit]
        data = [render_post(self.state, p, fields, self.ctx) for p in chunk]
        body: dict[str, Any] = {"data": data}
        if chunk:
            first, last = chunk[0], chunk[-1]
            paging: dict[str, str] = {}
            base = {k: v for k, v in self.params.items() if k not in _TIME_PAGING_PARAMS}
            paging["previous"] = self._link(
                {
                    **base,
                    "__previous": "1",
                    "since": str(int(first.created_time.timestamp())),
                    "until": "",
                    "__paging_token": "enc_" + encode_cursor(first.id, start),
                }
            )
            if start + limit < len(posts):
                paging["next"] = self._link(
                    {
                        **base,
                        "until": str(int(last.created_time.timestamp()) - 1),
                        "since": self.params.get("since", ""),  # keep the lower bound
                        "__paging_token": "enc_" + encode_cursor(last.id, start + len(chunk) - 1),
                        "__previous": "",
                    }
                )
            body["paging"] = paging
        return Answer(body=body)

    def _comments(self, object_id: str) -> Answer:
        state, ctx = self.state, self.ctx
        stream = self.params.get("filter", "toplevel") == "stream"
        order = self.params.get("order", "chronological")
        if order not in ("chronological", "reverse_chronological"):
            raise graph_error(100, "(#100) Param order must be one of {CHRONOLOGICAL, ...}")
        since = _parse_time(self.params.get("since"))
        found = state.list_comments(object_id, ctx, stream=stream, order=order, since=since)
        fields = parse_fields(self.params.get("fields") or "created_time,from,message,id")
        ids = [c.id for c in found]
        answer = self._paged(ids, lambda i: render_comment(state, state.comments[i], fields, ctx))
        if self.params.get("summary") in ("true", "1"):
            total = state.comment_total(object_id, stream=stream)
            if self.action("inflate_total_count"):
                total += int(self.param("extra", 3))
            answer.body["summary"] = {"order": order, "total_count": total, "can_comment": True}
        return answer

    def _paged(self, ids: list[str], render: Callable[[str], dict[str, Any]]) -> Answer:
        """Cursor paging (graph-api.md §2.1 example A, §2.5) plus the paging faults."""
        limit = self._limit(strict=False)
        start = 0
        after, before = self.params.get("after"), self.params.get("before")
        if after or before:
            item_id, offset = decode_cursor(after or before or "")
            if self.action("invalid_cursor"):
                return Answer(body={"data": []})  # F28 in "empty" mode
            if item_id in ids:
                position = ids.index(item_id)
                start = position + 1 if after else max(0, position - limit)
            else:
                start = offset if after else max(0, offset - limit)  # the window shifts (F27)
        window = ids[start : start + limit]  # what the cursors describe
        has_next = start + limit < len(ids)
        base = {k: v for k, v in self.params.items() if k not in _PAGING_PARAMS}
        base["limit"] = str(limit)
        if self.action("empty_page_with_next"):
            # F21: nothing this time, but `next` continues from the same place.
            again = {**base, **({"after": after} if after else {})}
            return Answer(body={"data": [], "paging": {"next": self._link(again)}})
        if self.action("short_page") and len(window) > 1:
            # F22: fewer than `limit` (filtered), `next` resumes after the last one sent.
            window = window[: max(1, int(self.param("keep", 1)))]
            has_next = True
        chunk = list(window)
        if self.action("duplicate_item") and start > 0:
            chunk = [ids[start - 1], *chunk]  # F26
        if self.action("skip_item") and chunk:
            chunk = chunk[1:]  # F27
        data = [render(i) for i in chunk]
        if self.action("omit_ids"):
            for item in data:
                item.pop("id", None)
        if self.action("omit_from"):
            for item in data:
                item.pop("from", None)
        body: dict[str, Any] = {"data": data}
        if self.action("no_paging") or not window:
            return Answer(body=body)  # F23, or an empty result
        cursors = {
            "before": encode_cursor(window[0], start),
            "after": encode_cursor(window[-1], start + len(window) - 1),
        }
        paging: dict[str, Any] = {"cursors": cursors}
        if has_next:
            paging["next"] = self._link({**base, "after": cursors["after"]})
        if start > 0:
            paging["previous"] = self._link({**base, "before": cursors["before"]})
        body["paging"] = paging
        return Answer(body=body)

    def _link(self, params: Mapping[str, str]) -> str:
        """Like Meta's: access_token, pretty=0, the original parameters, the cursor; never
        appsecret_proof (graph-api.md §1.3)."""
        base = f"{self.server.links().rstrip('/')}/{self.version}{self.path}"
        if self.action("next_other_host"):
            base = f"{self.param('base', 'https://graph.facebook.com/v20.0')}{self.path}"  # F25
        ordered: list[tuple[str, str]] = []
        token = self.params.get("access_token", "")
        if not self.action("next_without_token"):  # F24
            ordered.append(("access_token", token))
        ordered.append(("pretty", "0"))
        ordered += [(k, v) for k, v in params.items() if k not in ("access_token", "pretty")]
        return f"{base}?{urlencode(ordered)}"
