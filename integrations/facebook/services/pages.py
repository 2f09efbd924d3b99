"""Connecting pages, their tokens, and the state the admin shows (paused, needs reauth)."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from integrations.facebook import crypto
from integrations.facebook.graph import GraphApi, GraphAuthError, GraphError, Usage
from integrations.facebook.graph_http import HttpGraphApi
from integrations.facebook.models import FacebookPage, FacebookPageState
from offices.models import Office

logger = logging.getLogger(__name__)

ERROR_LENGTH = 500


def graph_api_for(page: FacebookPage) -> GraphApi:
    """The HTTP adapter acting with this page's token (Facebook or the fake server)."""
    return graph_api_with_token(page.access_token)


def graph_api_with_token(token: str) -> GraphApi:
    return HttpGraphApi(
        base_url=settings.FACEBOOK_GRAPH_URL,
        access_token=token,
        app_secret=settings.FACEBOOK_APP_SECRET or None,
        version=settings.FACEBOOK_GRAPH_VERSION,
        timeout=settings.FACEBOOK_GRAPH_TIMEOUT,
    )


def describe_graph_error(error: GraphError) -> str:
    """What went wrong, in words a person can read. Graph's messages carry no tokens."""
    code = f" (#{error.code})" if error.code is not None else ""
    if isinstance(error, GraphAuthError):
        if error.kind == "role":
            text = _("The person who connected the page no longer has a role on it.")
        elif error.kind == "permission":
            text = _("The page's token lacks a permission this needs.")
        else:
            text = _("The page's token has expired or was revoked: connect the page again.")
    else:
        text = _("Facebook answered: %(message)s") % {"message": error.message}
    return f"{text}{code}"[:ERROR_LENGTH]


@transaction.atomic
def page_connect(
    *,
    office: Office,
    page_id: str,
    token: str,
    name: str = "",
    graph: GraphApi | None = None,
    tasks: Sequence[str] = (),
    scopes: Sequence[str] = (),
) -> FacebookPage:
    """Connect (or reconnect) a page to an office: store its token encrypted, subscribe the app.

    Subscribing happens first, so a token Facebook refuses is never stored. `tasks` and
    `scopes` are what the login granted (a pasted token: nothing known, both empty).
    """
    if not page_id.strip() or not token.strip():
        raise ApplicationError(_("Give the page id and its access token."))
    graph = graph or graph_api_with_token(token)
    try:
        graph.subscribe_app(page_id, fields=("feed",))
    except GraphError as exc:
        raise ApplicationError(
            _("Facebook refused to subscribe the app to the page: %(reason)s")
            % {"reason": describe_graph_error(exc)}
        ) from None
    page, _created = FacebookPage.objects.select_for_update().get_or_create(
        page_id=page_id.strip(), defaults={"office": office}
    )
    page.office = office
    if name:
        page.name = name[:200]
    page.set_access_token(token.strip())
    page.tasks = [str(t) for t in tasks]
    page.granted_scopes = [str(s) for s in scopes]
    page.state = FacebookPageState.ACTIVE
    page.paused_until = None
    page.last_error = ""
    page.last_error_at = None
    page.full_clean()
    page.save()
    logger.info("facebook page %s connected to office %s", page.page_id, office.code)
    return page


@transaction.atomic
def page_pause(*, page: FacebookPage, seconds: int, reason: str) -> FacebookPage:
    """Stop every call with this page's token for `seconds` (+ jitter). Other pages go on."""
    page = FacebookPage.objects.select_for_update().get(pk=page.pk)
    jitter = random.uniform(0, min(60, seconds / 10))  # noqa: S311 -- spreading, not secrecy
    until = timezone.now() + timedelta(seconds=seconds + jitter)
    if page.state == FacebookPageState.NEEDS_REAUTH:
        return page  # a person must act first; pausing would hide that
    page.state = FacebookPageState.PAUSED
    page.paused_until = max(until, page.paused_until or until)
    page.last_error = reason[:ERROR_LENGTH]
    page.last_error_at = timezone.now()
    page.save(update_fields=["state", "paused_until", "last_error", "last_error_at", "updated_at"])
    logger.warning("facebook page %s paused for %d s", page.page_id, seconds)
    return page


@transaction.atomic
def page_mark_needs_reauth(*, page: FacebookPage, reason: str) -> FacebookPage:
    """The token is dead or the role is gone: stop the page's jobs until someone reconnects."""
    page = FacebookPage.objects.select_for_update().get(pk=page.pk)
    page.state = FacebookPageState.NEEDS_REAUTH
    page.paused_until = None
    page.last_error = reason[:ERROR_LENGTH]
    page.last_error_at = timezone.now()
    page.save(update_fields=["state", "paused_until", "last_error", "last_error_at", "updated_at"])
    # The alert: an ERROR line reaches error reporting; the admin lists the page first.
    logger.error("facebook page %s needs to be reconnected", page.page_id)
    return page


def page_record_error(*, page: FacebookPage, reason: str) -> None:
    FacebookPage.objects.filter(pk=page.pk).update(
        last_error=reason[:ERROR_LENGTH], last_error_at=timezone.now(), updated_at=timezone.now()
    )


def page_record_usage(*, page: FacebookPage, usage: Usage | None) -> None:
    """Keep the latest usage figures (absent headers mean "unknown", so keep the old ones)."""
    if usage is None:
        return
    peak = usage.peak_for(page.page_id)
    if peak is None:
        return
    figures: dict[str, object] = {}
    if usage.app is not None:
        figures["app"] = {
            "call_count": usage.app.call_count,
            "total_cputime": usage.app.total_cputime,
            "total_time": usage.app.total_time,
        }
    for entry in usage.business.get(page.page_id, ()):
        figures[f"page:{entry.type or 'pages'}"] = {
            "call_count": entry.call_count,
            "total_cputime": entry.total_cputime,
            "total_time": entry.total_time,
            "estimated_time_to_regain_access": entry.estimated_time_to_regain_access,
        }
    FacebookPage.objects.filter(pk=page.pk).update(usage=figures, usage_peak=min(peak, 100))
    page.usage, page.usage_peak = figures, min(peak, 100)


def page_sync_is_due(*, page: FacebookPage) -> bool:
    """graph-api.md §6.3: near the quota, poll this page less often (webhooks still flow)."""
    if page.last_synced_at is None or page.usage_peak is None:
        return True
    since = timezone.now() - page.last_synced_at
    interval = timedelta(seconds=settings.FACEBOOK_SYNC_INTERVAL_SECONDS)
    if page.usage_peak >= settings.FACEBOOK_USAGE_STOP_PERCENT:
        return since >= interval * 12
    if page.usage_peak >= settings.FACEBOOK_USAGE_SLOWDOWN_PERCENT:
        return since >= interval * 3
    return True


def pages_rotate_tokens() -> int:
    """Re-encrypt every stored token with the first key of FIELD_ENCRYPTION_KEYS."""
    count = 0
    with transaction.atomic():
        for page in FacebookPage.objects.select_for_update().exclude(token_ciphertext=""):
            page.token_ciphertext = crypto.rotate(page.token_ciphertext)
            page.save(update_fields=["token_ciphertext", "updated_at"])
            count += 1
    return count
