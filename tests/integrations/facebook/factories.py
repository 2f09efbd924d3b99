"""Facebook pages in the database, and webhook bodies shaped like Meta's (graph-api.md §4.5)."""

import hashlib
import hmac
import json
from typing import Any

import factory

from integrations.facebook.models import FacebookPage
from tests.offices.factories import OfficeFactory

PAGE_ID = "104512345678901"  # the same page the Graph fixtures seed
PAGE_TOKEN = "page-token-dc12"
OTHER_PAGE_ID = "104598765432109"
OTHER_PAGE_TOKEN = "page-token-dc34"
POST_ID = f"{PAGE_ID}_122100000000002"
CITIZEN = ("7023456789012345", "Ravi Kumar")
OTHER_CITIZEN = ("7034567890123456", "Meena Das")


class FacebookPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacebookPage
        django_get_or_create = ("page_id",)
        skip_postgeneration_save = True

    page_id = PAGE_ID
    office = factory.SubFactory(OfficeFactory)
    name = "DC Office Dhaka"

    @factory.post_generation
    def token(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_access_token(extracted or PAGE_TOKEN)
        if create:
            self.save(update_fields=["token_ciphertext"])


def comment_value(
    n: int,
    *,
    verb: str = "add",
    message: str | None = None,
    author: tuple[str, str] | None = CITIZEN,
    parent: int | None = None,
    post_id: str = POST_ID,
    created_time: int = 1_714_982_470,
) -> dict[str, Any]:
    """The `value` of a comment change; `parent` makes it a reply to comment `parent`."""
    suffix = post_id.split("_", 1)[1]
    value: dict[str, Any] = {
        "item": "comment",
        "verb": verb,
        "comment_id": f"{suffix}_{990000000000000 + n}",
        "post_id": post_id,
        "parent_id": f"{suffix}_{990000000000000 + parent}" if parent else post_id,
    }
    if author:
        value["from"] = {"id": author[0], "name": author[1]}
    if verb != "remove":
        value["message"] = message if message is not None else f"অভিযোগ {n}: রাস্তা ভাঙা"
        value["created_time"] = created_time + n
    return value


def comment_id(n: int, post_id: str = POST_ID) -> str:
    return f"{post_id.split('_', 1)[1]}_{990000000000000 + n}"


def webhook_body(
    *values: dict[str, Any], page_id: str = PAGE_ID, time: int = 1_714_986_072
) -> dict:
    return {
        "object": "page",
        "entry": [
            {
                "id": page_id,
                "time": time,
                "changes": [{"field": "feed", "value": v} for v in values],
            }
        ],
    }


def meta_bytes(payload: Any, *, escape_slash: bool = True) -> bytes:
    """Serialise like Meta: non-ASCII escaped, '/' as '\\/' (graph-api.md §4.2)."""
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    if escape_slash:
        text = text.replace("/", "\\/")
    return text.encode("ascii")


def sign(body: bytes, secret: str = "test-app-secret") -> str:  # noqa: S107 -- the test settings
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
