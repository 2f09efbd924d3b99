"""Where a public reply is delivered besides the tracking page: the channels other apps
register. grievances never imports them; the Facebook app registers itself from its
`AppConfig.ready()` (integrations/facebook/apps.py):

    register_reply_channel(FACEBOOK, deliver=reply_deliver, may_attempt_now=...)

`grievances.services.reply_dispatch` hands a Facebook reply to `deliver`; the sweeper
(`grievances.selectors.reply_ids_due_again`) asks `may_attempt_now` which of the channel's
undelivered replies an attempt may start on now (none on a paused page, say).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet

if TYPE_CHECKING:
    from grievances.models import Reply

FACEBOOK = "facebook"


@dataclass(frozen=True, slots=True)
class ReplyChannel:
    # `deliver(reply=reply)`: one attempt, safe to run twice; it records what came of it
    # through grievances.services (reply_claim, reply_mark_sent, reply_defer, ...).
    deliver: Callable[..., None]
    # `may_attempt_now(replies, now)`: the replies of `replies` an attempt may start on now.
    may_attempt_now: Callable[["QuerySet[Reply]", datetime], "QuerySet[Reply]"]


_CHANNELS: dict[str, ReplyChannel] = {}


def register_reply_channel(
    name: str,
    *,
    deliver: Callable[..., None],
    may_attempt_now: Callable[["QuerySet[Reply]", datetime], "QuerySet[Reply]"],
) -> None:
    """Deliver replies of channel `name` with `deliver`. Registering again replaces it."""
    _CHANNELS[name] = ReplyChannel(deliver=deliver, may_attempt_now=may_attempt_now)


def reply_channel(name: str) -> ReplyChannel | None:
    """The channel registered as `name`, or None when no installed app delivers there."""
    return _CHANNELS.get(name)
