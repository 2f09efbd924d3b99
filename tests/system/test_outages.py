"""Redis and the broker go away while citizens file and officers act (issue 10, acceptance).

Phases, each a few seconds of citizens filing (with a phone number, so every filing owes an
SMS) and an officer signing in, accepting grievances and replying to citizens:

1. everything up;
2. the cache Redis (rate limits, throttles) killed;
3. the cache back, the broker Redis killed;
4. both killed at once (the one Redis of `make run`);
5. everything back.

Then beat's sweeps run (as they would later) and the test checks: no 5xx (nor refused
connection) answered to anyone at any time, every filing became a grievance and showed its
tracking code, every officer action was applied, and every notification owed to a citizen
exists and was sent.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.system.harness import SystemStack, wait_for
from tests.system.webclient import Page, WebClient, select_options, tracking_code

pytestmark = pytest.mark.system

PHASES: list[tuple[str, list[str]]] = [
    ("all up", []),
    ("cache Redis down", ["redis"]),
    ("broker down", ["broker"]),
    ("cache and broker down", ["redis", "broker"]),
    ("all back", []),
]
PHASE_SECONDS = 12.0
FILINGS_PER_PHASE = 5  # the per-client filing limit (20 an hour) is never reached
OFFICER_PASSWORD = "outage-test-password-9"
DELIVERED_SECONDS = 180


@dataclass
class Filing:
    phase: str
    phone: str
    code: str | None = None
    status: int = 0


@dataclass
class Ledger:
    """What the people did, from their side of the screen."""

    filings: list[Filing] = field(default_factory=list)
    accepted: dict[str, str] = field(default_factory=dict)  # phone -> phase
    replied: dict[str, str] = field(default_factory=dict)
    errors: list[tuple[str, str, str, int]] = field(
        default_factory=list
    )  # phase, who, path, status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record_errors(self, phase: str, who: str, client: WebClient) -> None:
        with self.lock:
            self.errors += [(phase, who, path, status) for _m, path, status in client.server_errors]


def _prepare(stack: SystemStack) -> dict[str, Any]:
    """A district, a category, and a GRO of that district's office who signs in by password."""
    code = f"""
from accounts.models import User
from offices.models import Office, OfficeMembership, OfficeRole
office = Office.objects.districts().select_related("district").order_by("code")[45]
user, _ = User.objects.get_or_create(username="outage-gro")
user.set_password({OFFICER_PASSWORD!r})
user.save()
OfficeMembership.objects.get_or_create(user=user, office=office, defaults={{"role": OfficeRole.GRO}})
result = {{"district": office.district.slug, "office_id": office.pk}}
"""
    prepared: dict[str, Any] = stack.django(code)
    return prepared


def _citizens(
    stack: SystemStack, ledger: Ledger, phase: str, district: str, counter: list[int]
) -> None:
    base = f"http://127.0.0.1:{stack.web_port}/"
    deadline = time.monotonic() + PHASE_SECONDS
    for _ in range(FILINGS_PER_PHASE):
        if time.monotonic() > deadline:
            break
        with ledger.lock:
            counter[0] += 1
            n = counter[0]
        client = WebClient(base)
        form = client.get(f"/grievances/new/?district={district}")
        categories = select_options(form.text, "category")
        # Typed as 01717..., stored as +8801717... (the form normalises it).
        filing = Filing(phase=phase, phone=f"+880171{7000000 + n:07d}")
        page = client.post_form(
            f"/grievances/new/?district={district}",
            {
                "district": district,
                "upazila": "",
                "category": categories[0] if categories else "",
                "description": f"রাস্তার পাশে ময়লা জমে আছে, সাত দিন ধরে কেউ নেয় না ({phase}, {n})",
                "citizen_name": "রহিম উদ্দিন",
                "citizen_phone": filing.phone.removeprefix("+88"),
                "citizen_email": "",
                "website": "",
            },
            action="/grievances/new/",
        )
        filing.status = page.status
        filing.code = tracking_code(page.text) if page.status == 200 else None
        with ledger.lock:
            ledger.filings.append(filing)
        ledger.record_errors(phase, "citizen", client)
        time.sleep(PHASE_SECONDS / FILINGS_PER_PHASE / 2)


def _officer(stack: SystemStack, ledger: Ledger, phase: str) -> None:
    """Sign in afresh, accept every grievance filed so far and reply to one of them."""
    base = f"http://127.0.0.1:{stack.web_port}/"
    client = WebClient(base)
    client.post_form(
        "/accounts/login/",
        {"username": "outage-gro", "password": OFFICER_PASSWORD, "next": "/officer/"},
    )
    client.get("/officer/")
    deadline = time.monotonic() + PHASE_SECONDS
    while time.monotonic() < deadline:
        with ledger.lock:
            todo = [f.phone for f in ledger.filings if f.phone not in ledger.accepted]
        todo = [phone for phone in todo if _grievance(stack, phone) is not None][:3]
        for phone in todo:
            pk = _grievance(stack, phone)
            detail = f"/officer/grievances/{pk}/"
            # An action counts as done when the officer is shown the grievance page after it.
            page = client.post_form(detail, {"note": ""}, action=f"{detail}accept/")
            if not _shows(page, detail):
                continue
            with ledger.lock:
                ledger.accepted[phone] = phase
            if len(ledger.replied) < len(ledger.accepted) // 2:
                page = client.post_form(
                    detail,
                    {"body": "আমরা বিষয়টি দেখছি, এক সপ্তাহের মধ্যে জানাব। ধন্যবাদ।"},
                    action=f"{detail}reply/",
                )
                if _shows(page, detail):
                    with ledger.lock:
                        ledger.replied[phone] = phase
        time.sleep(1.0)
    ledger.record_errors(phase, "officer", client)


def _shows(page: Page, path: str) -> bool:
    return page.status == 200 and urllib.parse.urlsplit(page.url).path == path


def _grievance(stack: SystemStack, phone: str) -> int | None:
    rows = stack.sql("SELECT id FROM grievances_grievance WHERE citizen_phone = %s", (phone,))
    return int(rows[0][0]) if rows else None


def _run_sweeps_later(stack: SystemStack) -> Any:
    """Every beat sweep, run as if two hours had passed (their 'stuck for a while' cut-offs),
    queuing to the real broker for the real workers."""
    code = """
from datetime import timedelta
from unittest import mock
from django.utils import timezone
from config.celery import app
app.loader.import_default_modules()
later = timezone.now() + timedelta(hours=2)
ran = []
with mock.patch("django.utils.timezone.now", return_value=later):
    for entry in app.conf.beat_schedule.values():
        if "sweep" in entry["task"] and "deadline" not in entry["task"]:
            app.tasks[entry["task"]](**entry.get("kwargs", {}))
            ran.append(entry["task"])
result = ran
"""
    return stack.django(code)


def _notifications(stack: SystemStack, phones: list[str]) -> dict[str, list[str]]:
    rows = stack.sql(
        "SELECT recipient, state FROM notifications_notification WHERE recipient = ANY(%s)",
        (phones,),
    )
    found: dict[str, list[str]] = {phone: [] for phone in phones}
    for recipient, state in rows:
        found[recipient].append(state)
    return found


def test_no_5xx_no_lost_grievance_no_lost_notification_when_redis_and_the_broker_go(
    system: SystemStack,
) -> None:
    stack = system
    prepared = _prepare(stack)
    ledger = Ledger()
    counter = [0]
    for phase, down in PHASES:
        for name in down:
            stack.stop_redis(name)
        threads = [
            threading.Thread(
                target=_citizens, args=(stack, ledger, phase, prepared["district"], counter)
            ),
            threading.Thread(target=_officer, args=(stack, ledger, phase)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=PHASE_SECONDS + 120)
        for name in down:
            (stack.start_broker if name == "broker" else stack.start_redis)()

    # A worker or beat that died when the broker went (kombu can fail to reconnect: an
    # AttributeError in restore_unacked) is started again, as compose's restart policy does.
    restarted = [name for name in ("worker", "beat") if not stack.processes[name].running]
    for name in restarted:
        (stack.start_worker if name == "worker" else stack.start_beat)()

    phones = [f.phone for f in ledger.filings]
    report = "\n".join(f"{f.phase:24} {f.phone} -> {f.status} {f.code}" for f in ledger.filings)
    assert len(phones) == FILINGS_PER_PHASE * len(PHASES)
    assert [f for f in ledger.filings if f.status != 200 or not f.code] == [], report

    time.sleep(5)  # workers and beat reconnect to the broker
    swept = _run_sweeps_later(stack)

    def owed() -> dict[str, tuple[int, list[str]]]:
        found = _notifications(stack, phones)
        return {
            phone: (1 + (phone in ledger.accepted) + (phone in ledger.replied), states)
            for phone, states in found.items()
        }

    def delivered() -> bool:
        return all(
            len(states) >= expected and set(states) == {"sent"}
            for expected, states in owed().values()
        )

    wait_for(
        delivered,
        timeout=DELIVERED_SECONDS,
        interval=2,
        what=lambda: (
            f"every owed notification sent; (expected, states) by phone:\n{owed()}\n"
            f"sweeps run: {swept}\n{stack.logs('worker', 'web')}"
        ),
    )
    grievances = {phone: _grievance(stack, phone) for phone in phones}
    assert [phone for phone, pk in grievances.items() if pk is None] == []
    statuses = dict(
        stack.sql(
            "SELECT citizen_phone, status FROM grievances_grievance WHERE citizen_phone = ANY(%s)",
            (list(ledger.accepted),),
        )
    )
    assert {phone: statuses[phone] for phone in ledger.accepted} == dict.fromkeys(
        ledger.accepted, "accepted"
    )
    replies = dict(
        stack.sql(
            "SELECT g.citizen_phone, r.state FROM grievances_reply r "
            "JOIN grievances_grievance g ON g.id = r.grievance_id WHERE g.citizen_phone = ANY(%s)",
            (list(ledger.replied),),
        )
    )
    assert replies == dict.fromkeys(ledger.replied, "sent")
    assert ledger.errors == [], f"5xx or refused connections:\n{ledger.errors}\n{report}"
    print(  # noqa: T201 -- the numbers behind the report
        f"\noutages: {len(phones)} filings, {len(ledger.accepted)} accepted, "
        f"{len(ledger.replied)} replied across {[p for p, _ in PHASES]}; sweeps {swept}; "
        f"restarted after the outages: {restarted or 'none'}"
    )
