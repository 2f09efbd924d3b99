"""The most-read dashboard pages, rendered once right after each refresh of the summaries, so
that nobody waits while the new figures are computed and drawn: the national page and the
public `/stats/`, as they first open (no filters), in every language.

The views keep their figures and the HTML drawn from them under a key made of the refresh
time, the language, the viewer's scope and the query string (`dashboards/views.py`). Rendering
each page here through its own view, as a national viewer (held to reading) and as the
public, fills exactly the keys a request would. The rest of the response (the filter form,
the pages' health) is per request and thrown away.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts.models import User
from dashboards import views
from grievances.access import limit_access

logger = logging.getLogger(__name__)


def _national_viewer() -> User | None:
    """A national viewer to render as, held to reading (a page's template also reads its
    viewer's notifications); None when there is none yet."""
    viewer = User.objects.filter(is_active=True, is_national=True).order_by("pk").first()
    if viewer is not None:
        limit_access(viewer, office_ids=(), reads_everything=True)
    return viewer


def _request(viewer: User | AnonymousUser) -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.user = viewer
    return request


def dashboards_prerender() -> int:
    """Render the pages; the number rendered. A page that fails is logged and skipped: the
    next request renders it as it would have without this."""
    pages: list[tuple[str, Callable[[HttpRequest], HttpResponse], User | AnonymousUser]] = [
        ("stats", views.public_stats, AnonymousUser())
    ]
    viewer = _national_viewer()
    if viewer is not None:
        pages.append(("national", views.national, viewer))
    rendered = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for name, view, user in pages:
                try:
                    response = view(_request(user))
                except Exception:
                    logger.exception("dashboards.prerender_failed", extra={"page": name})
                    continue
                rendered += response.status_code == 200
    return rendered
