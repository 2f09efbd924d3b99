"""Files kept for the next submit when another field of the filing form has an error.

A citizen on a slow link should not have to send a photo twice. Checked files (already
re-encoded, see attachments.clean_upload) are stored under `pending/` in the attachment
storage, and the form carries a signed token naming them. The token is only good for
PENDING_MAX_AGE seconds; `pending_sweep` removes files older than that.
"""

import time
import uuid
from collections.abc import Sequence

from django.core import signing
from django.core.files.base import ContentFile

from grievances.attachments import MAX_FILES, CleanFile, attachment_storage

PENDING_MAX_AGE = 60 * 60  # seconds
_DIR = "pending"
_SALT = "grievances.pending-uploads"


def pending_save(files: Sequence[CleanFile]) -> str:
    """Store checked files and return the signed token that names them."""
    storage = attachment_storage()
    items = []
    for clean in files[:MAX_FILES]:
        name = storage.save(
            f"{_DIR}/{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.content)
        )
        items.append(
            {"n": name, "o": clean.original_name, "t": clean.content_type, "e": clean.extension}
        )
    return signing.dumps(items, salt=_SALT, compress=True)


def _items(token: str) -> list[dict[str, str]]:
    if not token:
        return []
    try:
        items = signing.loads(token, salt=_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:  # also an expired token
        return []
    return [item for item in items if str(item.get("n", "")).startswith(f"{_DIR}/")]


def pending_load(token: str) -> list[CleanFile]:
    """The files a token names; an expired, forged or swept token gives none."""
    storage = attachment_storage()
    files = []
    for item in _items(token):
        try:
            with storage.open(item["n"], "rb") as stored:
                content = stored.read()
        except FileNotFoundError:
            continue
        files.append(
            CleanFile(
                content=content,
                content_type=item["t"],
                extension=item["e"],
                original_name=item["o"],
            )
        )
    return files


def pending_discard(token: str) -> None:
    storage = attachment_storage()
    for item in _items(token):
        storage.delete(item["n"])


def pending_sweep(*, now: float | None = None) -> int:
    """Delete pending files older than PENDING_MAX_AGE; returns how many."""
    storage = attachment_storage()
    if not storage.exists(_DIR):
        return 0
    limit = (now or time.time()) - PENDING_MAX_AGE
    removed = 0
    for name in storage.listdir(_DIR)[1]:
        path = f"{_DIR}/{name}"
        if storage.get_modified_time(path).timestamp() < limit:
            storage.delete(path)
            removed += 1
    return removed
