"""Meta's data-deletion callback: forget the Facebook identity of one user."""

import hashlib
import hmac
import logging

from django.conf import settings
from django.db import transaction

from grievances.services import grievances_forget_citizen_name
from integrations.facebook.models import FacebookComment

logger = logging.getLogger(__name__)


def deletion_confirmation_code(*, user_id: str) -> str:
    """Stable per user, meaningless to anyone without the app secret."""
    key = settings.FACEBOOK_APP_SECRET.encode()
    return hmac.new(key, user_id.encode(), hashlib.sha256).hexdigest()[:20]


@transaction.atomic
def facebook_user_data_delete(*, user_id: str) -> str:
    """Blank the author's id and name on every comment row, in its raw JSON and on the
    grievances made from them.

    The comments' text stays: it is the grievance the citizen filed with a public office.
    """
    rows = list(FacebookComment.objects.select_for_update().filter(author_id=user_id))
    for row in rows:
        row.author_id, row.author_name = "", ""
        row.raw = {
            k: v for k, v in row.raw.items() if k not in ("from", "sender_id", "sender_name")
        }
    FacebookComment.objects.bulk_update(rows, ["author_id", "author_name", "raw"])
    grievances_forget_citizen_name(
        grievance_ids=[row.grievance_id for row in rows if row.grievance_id],
        reason="Facebook data-deletion request: the author's name was removed.",
    )
    logger.info("facebook data deletion: %d rows forgotten", len(rows))
    return deletion_confirmation_code(user_id=user_id)
