"""Facebook intake under chaos (DESIGN.md §7), scaled to 2,000 comments on 10 pages.

Comments are made on the fake Graph server through its control API. Their webhooks reach the
real web app 1-3 times, batched, shuffled or late; a tenth send no webhook at all, so only the
polling reconciler can find them. Meanwhile the fake fails a share of Graph reads (5xx, HTML
pages, empty bodies, timeouts, resets, throttling), the worker is SIGKILLed four times and
Redis (the broker) is restarted with nothing saved. Nobody steps in afterwards: beat's sync and
sweeper must bring the database to exactly one row per comment and one grievance per top-level
citizen comment.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from typing import Any

import pytest

from tests.system.harness import GRAPH_TIMEOUT_SECONDS, SystemStack, wait_for
from tests.system.helpers import connect_pages, seed_pages

pytestmark = pytest.mark.system

PAGES = 10
POSTS_PER_PAGE = 2
WAVES = 4
TOP_LEVEL_PER_PAGE_PER_WAVE = 30  # 1,200 top-level citizen comments in all
CITIZEN_REPLIES_PER_WAVE = 150  # 600 citizen replies
PAGE_REPLIES_PER_WAVE = 50  # 200 replies by the pages themselves (echo, never a grievance)
CHUNK = 20  # events per control call: one webhook delivery when batched
SINGLES_SHARE = 0.1  # control calls whose events are delivered one webhook each
POLL_ONLY_SHARE = 0.1
CONVERGE_SECONDS = 240

# Background failures on every Graph read, and one sure firing of each kind (`nth`), so the
# run always meets each of them at least once.
GET_FAULTS: list[dict[str, Any]] = [
    {"action": "timeout", "nth": 15, "params": {"delay": GRAPH_TIMEOUT_SECONDS + 1}},
    {"action": "user_limit", "nth": 25},
    {"action": "html_5xx", "nth": 35, "params": {"status": 503}},
    {"action": "transient_500", "probability": 0.015},
    {"action": "unknown_500", "probability": 0.005},
    {"action": "html_5xx", "probability": 0.01, "params": {"status": 502}},
    {"action": "empty_500", "probability": 0.005},
    {"action": "timeout", "probability": 0.005, "params": {"delay": GRAPH_TIMEOUT_SECONDS + 1}},
    {"action": "reset", "probability": 0.005},
    {"action": "user_limit", "probability": 0.005, "times": 2},
]


def _author(rng: random.Random) -> dict[str, str]:
    n = rng.randrange(10**9)
    return {"id": f"70{n:013d}", "name": rng.choice(["রহিম উদ্দিন", "Karima Begum", "Shafiq"])}


def _message(rng: random.Random, n: int) -> str:
    texts = [
        "রাস্তার কাজ ছয় মাস ধরে বন্ধ, দয়া করে ব্যবস্থা নিন",
        "Land record correction pending at the AC land office for 3 months",
        "amader gram e biddut nai 2 din dhore, please dekhen",
        "হাসপাতালে ওষুধ পাওয়া যাচ্ছে না 😞",
    ]
    return f"{rng.choice(texts)} (#{n})"


class IntakeRun:
    """Makes the comments in waves and remembers what exists on the fake."""

    def __init__(self, stack: SystemStack, pages: dict[str, dict[str, Any]]) -> None:
        self.stack = stack
        self.pages = pages
        self.rng = random.Random(2026)
        self.top_level: list[tuple[str, str, dict[str, str]]] = []  # (id, page, author)
        self.replies: list[str] = []
        self.page_replies: list[str] = []
        self.counter = 0

    def _send(self, events: list[dict[str, Any]]) -> list[str]:
        """One control call: a shuffled batch with 1-3 copies, or events one by one (some late
        or duplicated). A tenth of the events send no webhook: polling must find them."""
        for event in events:
            if self.rng.random() < POLL_ONLY_SHARE:
                event["webhook"] = False
        if self.rng.random() >= SINGLES_SHARE:
            body = {
                "events": events,
                "batch": True,
                "order": self.rng.choice(["shuffle", "reverse"]),
                "copies": self.rng.choice([1, 2, 3]),
            }
        else:
            for event in events:
                event["copies"] = self.rng.choice([1, 1, 2])
                if self.rng.random() < 0.2:
                    event["delay"] = self.rng.choice([1, 3, 6])  # out of order
            body = {"events": events}
        ids: list[str] = self.stack.fake("POST", "events", body)["ids"]
        assert len(ids) == len(events)
        return ids

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def wave(self) -> None:
        rng = self.rng
        tops: list[dict[str, Any]] = []
        owners: list[tuple[str, dict[str, str]]] = []
        for page_id, info in self.pages.items():
            for _ in range(TOP_LEVEL_PER_PAGE_PER_WAVE):
                author = _author(rng)
                tops.append(
                    {
                        "type": "comment",
                        "post_id": rng.choice(info["posts"]),
                        "from": author,
                        "message": _message(rng, self._next()),
                    }
                )
                owners.append((page_id, author))
        wave_tops: list[tuple[str, str, dict[str, str]]] = []
        for start in range(0, len(tops), CHUNK):
            ids = self._send(tops[start : start + CHUNK])
            for comment_id, (page_id, author) in zip(
                ids, owners[start : start + CHUNK], strict=True
            ):
                wave_tops.append((comment_id, page_id, author))
        self.top_level += wave_tops

        replies: list[dict[str, Any]] = []
        kinds: list[str] = []
        for _ in range(CITIZEN_REPLIES_PER_WAVE):
            parent, _page, author = rng.choice(wave_tops)
            who = author if rng.random() < 0.7 else _author(rng)  # the citizen, or a neighbour
            replies.append(
                {
                    "type": "reply",
                    "parent_id": parent,
                    "from": who,
                    "message": _message(rng, self._next()),
                }
            )
            kinds.append("citizen")
        for _ in range(PAGE_REPLIES_PER_WAVE):
            parent, page_id, _ = rng.choice(wave_tops)
            replies.append(
                {
                    "type": "reply",
                    "parent_id": parent,
                    "from": {"id": page_id, "name": f"DC Office {page_id}"},
                    "message": f"আমরা বিষয়টি দেখছি। ধন্যবাদ। ({self._next()})",
                }
            )
            kinds.append("page")
        order = list(range(len(replies)))
        rng.shuffle(order)
        for start in range(0, len(order), CHUNK):
            chunk = order[start : start + CHUNK]
            ids = self._send([replies[i] for i in chunk])
            for i, comment_id in zip(chunk, ids, strict=True):
                (self.replies if kinds[i] == "citizen" else self.page_replies).append(comment_id)


def _state(stack: SystemStack, page_pks: list[int], office_ids: list[int]) -> dict[str, int]:
    row = stack.sql(
        """
        SELECT
          count(*) FILTER (WHERE kind = 'comment'),
          count(*) FILTER (WHERE kind = 'post'),
          count(*) FILTER (WHERE kind = 'comment' AND is_top_level AND NOT is_page_reply),
          count(*) FILTER (WHERE kind = 'comment' AND is_top_level AND NOT is_page_reply
                           AND grievance_id IS NOT NULL),
          count(DISTINCT grievance_id) FILTER (WHERE is_top_level AND NOT is_page_reply),
          count(*) FILTER (WHERE kind = 'comment' AND is_page_reply)
        FROM facebook_facebookcomment WHERE page_id = ANY(%s)
        """,
        (page_pks,),
    )[0]
    grievances = stack.scalar(
        "SELECT count(*) FROM grievances_grievance WHERE office_id = ANY(%s)", (office_ids,)
    )
    unprocessed = stack.scalar(
        "SELECT count(*) FROM facebook_webhookdelivery WHERE processed_at IS NULL"
    )
    keys = ["comments", "posts", "top_level", "linked", "distinct_grievances", "page_replies"]
    return {
        **dict(zip(keys, row, strict=True)),
        "grievances": grievances,
        "unprocessed_deliveries": unprocessed,
    }


def _pages(stack: SystemStack) -> list[tuple[Any, ...]]:
    return stack.sql(
        "SELECT page_id, state, paused_until, usage_peak, last_synced_at, synced_until, "
        "left(last_error, 60) FROM facebook_facebookpage ORDER BY page_id"
    )


def test_intake_converges_to_exactly_one_row_per_comment_and_one_grievance_per_thread(
    system: SystemStack,
) -> None:
    stack = system
    stack.fake("POST", "reset", {})
    pages = seed_pages(stack, prefix="104610", pages=PAGES, posts_per_page=POSTS_PER_PAGE)
    page_pks = connect_pages(stack, pages, office_offset=0)
    office_ids = [
        office_id
        for (office_id,) in stack.sql(
            "SELECT office_id FROM facebook_facebookpage WHERE id = ANY(%s)",
            (list(page_pks.values()),),
        )
    ]
    assert len(set(office_ids)) == PAGES
    stack.fake(
        "POST",
        "config",
        {
            "webhook_url": stack.webhook_url,
            "verify_token": "",
            "duplicate_probability": 0.3,  # F44: spontaneous second copies
        },
    )
    stack.fake("POST", "faults", [{"method": "GET", **rule} for rule in GET_FAULTS])
    run = IntakeRun(stack, pages)
    started = time.monotonic()

    # Chaos while the comments arrive: four SIGKILLs of the worker, one Redis restart.
    run.wave()
    time.sleep(4)
    stack.kill_worker()
    stack.start_worker()
    run.wave()
    time.sleep(3)
    stack.restart_redis()
    run.wave()
    time.sleep(2)
    stack.kill_worker()
    time.sleep(3)
    stack.start_worker()
    run.wave()
    time.sleep(5)
    stack.kill_worker()
    stack.start_worker()
    time.sleep(6)
    stack.kill_worker()
    stack.start_worker()
    chaos_done = time.monotonic()

    expected_ids = {c for c, _p, _a in run.top_level} | set(run.replies) | set(run.page_replies)
    assert len(expected_ids) == 2000
    top_level = len(run.top_level)

    def converged() -> dict[str, int] | None:
        state = _state(stack, list(page_pks.values()), office_ids)
        done = (
            state["comments"] >= 2000
            and state["linked"] >= top_level
            and state["unprocessed_deliveries"] == 0
        )
        return state if done else None

    state = wait_for(
        converged,
        timeout=CONVERGE_SECONDS,
        interval=2,
        what=lambda: (
            f"intake convergence; last state "
            f"{_state(stack, list(page_pks.values()), office_ids)}\n{stack.logs('worker', 'beat', 'web')}"
        ),
    )
    converged_after = time.monotonic() - chaos_done
    time.sleep(SETTLE_SECONDS := 5)  # anything still in flight would show up now
    state = _state(stack, list(page_pks.values()), office_ids)

    stored = {
        graph_id
        for (graph_id,) in stack.sql(
            "SELECT graph_id FROM facebook_facebookcomment WHERE page_id = ANY(%s) "
            "AND kind = 'comment'",
            (list(page_pks.values()),),
        )
    }
    assert stored == expected_ids
    assert state["comments"] == 2000
    assert state["posts"] == PAGES * POSTS_PER_PAGE
    assert state["top_level"] == top_level == 1200
    assert state["linked"] == 1200
    assert state["distinct_grievances"] == 1200
    assert state["grievances"] == 1200
    assert state["page_replies"] == len(run.page_replies) == 200
    # Every citizen reply is in its thread's grievance, never one of its own.
    orphans = stack.scalar(
        """
        SELECT count(*) FROM facebook_facebookcomment r
        WHERE r.page_id = ANY(%s) AND NOT r.is_top_level AND NOT r.is_page_reply
          AND r.grievance_id IS NOT NULL AND r.grievance_id NOT IN (
            SELECT t.grievance_id FROM facebook_facebookcomment t
            WHERE t.graph_id = r.parent_id AND t.grievance_id IS NOT NULL)
        """,
        (list(page_pks.values()),),
    )
    assert orphans == 0

    # The chaos really happened: bodies sent up to three times, each stored once (de-duplicated
    # by its hash), every planned fault fired.
    deliveries = stack.fake("GET", "webhooks")["deliveries"]
    copies = Counter(d["body"] for d in deliveries)
    assert max(copies.values()) >= 3
    stored_deliveries = stack.scalar("SELECT count(*) FROM facebook_webhookdelivery")
    assert stored_deliveries == len(copies)
    fired = stack.fake("GET", "faults")["faults"]
    assert all(rule["fired"] == 1 for rule in fired if rule["nth"] is not None), fired
    assert stack.worker_kills >= 4
    assert stack.redis_restarts == 1
    print(  # noqa: T201 -- the numbers behind the report
        f"\nintake: chaos phase {chaos_done - started:.0f} s, converged {converged_after:.0f} s "
        f"after it (+{SETTLE_SECONDS} s settle); {len(deliveries)} webhook deliveries sent, "
        f"{stored_deliveries} stored; faults fired "
        f"{[(r['action'], r['fired']) for r in fired]}"
    )
