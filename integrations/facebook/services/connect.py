"""Facebook Login for administrators: code → long-lived user token → their pages → connect one.

The user token never reaches a template or a log; between the steps it is kept encrypted.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from integrations.facebook.graph import GraphError, GraphPage
from integrations.facebook.graph_http import (
    oauth_dialog_url,
    oauth_exchange_code,
    oauth_extend_token,
    split_base_url,
)
from integrations.facebook.models import FacebookPage
from integrations.facebook.services.pages import (
    describe_graph_error,
    graph_api_with_token,
    page_connect,
)
from offices.models import Office


def _www_url() -> str | None:
    """Where the login dialog lives: facebook.com, or the fake server when Graph is faked."""
    if settings.FACEBOOK_WWW_URL:
        return str(settings.FACEBOOK_WWW_URL)
    root, _version = split_base_url(settings.FACEBOOK_GRAPH_URL)
    return None if "graph.facebook.com" in root else root


def facebook_login_url(*, redirect_uri: str, state: str) -> str:
    if not settings.FACEBOOK_APP_ID or not settings.FACEBOOK_APP_SECRET:
        raise ApplicationError(_("Set FACEBOOK_APP_ID and FACEBOOK_APP_SECRET first."))
    return oauth_dialog_url(
        app_id=settings.FACEBOOK_APP_ID,
        redirect_uri=redirect_uri,
        scopes=settings.FACEBOOK_LOGIN_SCOPES,
        state=state,
        version=settings.FACEBOOK_GRAPH_VERSION,
        www_url=_www_url(),
    )


def facebook_login_user_token(*, code: str, redirect_uri: str) -> str:
    """The login's code → a long-lived user token (page tokens read with it do not expire)."""
    options = {
        "app_id": settings.FACEBOOK_APP_ID,
        "app_secret": settings.FACEBOOK_APP_SECRET,
        "base_url": settings.FACEBOOK_GRAPH_URL,
        "timeout": settings.FACEBOOK_GRAPH_TIMEOUT,
    }
    try:
        short = oauth_exchange_code(code=code, redirect_uri=redirect_uri, **options)
        return oauth_extend_token(access_token=short.access_token, **options).access_token
    except GraphError as exc:
        raise ApplicationError(
            _("Facebook did not accept the login: %(reason)s")
            % {"reason": describe_graph_error(exc)}
        ) from None


def facebook_login_pages(*, user_token: str) -> list[GraphPage]:
    """The pages the person who logged in manages (each with its page token)."""
    try:
        return graph_api_with_token(user_token).me_accounts()
    except GraphError as exc:
        raise ApplicationError(
            _("Facebook did not list your pages: %(reason)s")
            % {"reason": describe_graph_error(exc)}
        ) from None


def _granted_scopes(*, user_token: str, page_token: str) -> list[str]:
    """The app permissions of the page's token; none known if Facebook will not say."""
    try:
        return list(graph_api_with_token(user_token).debug_token(page_token).scopes)
    except GraphError:
        return []


def page_connect_from_login(*, office: Office, page_id: str, user_token: str) -> FacebookPage:
    """Connect one of the logged-in person's pages: its own token, read again from Graph."""
    for page in facebook_login_pages(user_token=user_token):
        if page.id == page_id:
            if not page.access_token:
                raise ApplicationError(_("Facebook gave no token for that page."))
            return page_connect(
                office=office,
                page_id=page.id,
                token=page.access_token,
                name=page.name,
                tasks=page.tasks,
                scopes=_granted_scopes(user_token=user_token, page_token=page.access_token),
            )
    raise ApplicationError(_("You do not manage that page on Facebook."))
