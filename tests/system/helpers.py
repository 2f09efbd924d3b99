"""Seeding and connecting fake pages for the system tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.system.harness import SystemStack


def graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def seed_pages(
    stack: SystemStack, *, prefix: str, pages: int, posts_per_page: int
) -> dict[str, dict[str, Any]]:
    """Pages with their own posts on the fake server. {page id: {"token", "posts"}}."""
    created = datetime.now(tz=UTC) - timedelta(hours=1)
    seed: dict[str, list[dict[str, Any]]] = {"pages": [], "posts": []}
    result: dict[str, dict[str, Any]] = {}
    for n in range(pages):
        page_id = f"{prefix}{n:03d}"
        token = f"EAASystem{page_id}Token"
        seed["pages"].append({"id": page_id, "name": f"DC Office {page_id}", "access_token": token})
        # Graph ids are unique across pages: so are ours, or rows of two tests would merge.
        posts = [f"{page_id}_12{page_id}{p:02d}" for p in range(posts_per_page)]
        for p, post_id in enumerate(posts):
            seed["posts"].append(
                {
                    "id": post_id,
                    "page_id": page_id,
                    "message": f"জেলা প্রশাসনের বিজ্ঞপ্তি {p + 1}: আপনার অভিযোগ জানান।",
                    "created_time": graph_time(created + timedelta(minutes=p)),
                }
            )
        result[page_id] = {"token": token, "posts": posts}
    stack.fake("POST", "seed", seed)
    return result


def connect_pages(
    stack: SystemStack, pages: dict[str, dict[str, Any]], *, office_offset: int
) -> dict[str, int]:
    """`manage.py facebook_connect_page` for each page, one district each. {page id: pk}."""
    pairs = [(page_id, info["token"]) for page_id, info in pages.items()]
    code = f"""
from django.core.management import call_command
from offices.models import Office
from integrations.facebook.models import FacebookPage
codes = list(Office.objects.districts().order_by("code").values_list("code", flat=True))
pairs = data
for n, (page_id, token) in enumerate(pairs):
    call_command("facebook_connect_page", office=codes[{office_offset} + n], page_id=page_id,
                 token=token, name="DC Office " + page_id)
result = dict(FacebookPage.objects.filter(page_id__in=[p for p, _ in pairs])
              .values_list("page_id", "pk"))
"""
    connected: dict[str, int] = stack.django(code, data=pairs)
    assert sorted(connected) == sorted(pages)
    return connected
