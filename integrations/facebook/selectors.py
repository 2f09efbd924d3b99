"""Reads for the Facebook intake: page health and where a grievance came from."""

from urllib.parse import urlsplit

from django.db.models import QuerySet

from grievances.models import Grievance
from integrations.facebook.models import FacebookComment, FacebookPage, FacebookPageState


def page_list_needing_attention() -> QuerySet[FacebookPage]:
    """Pages a person must look at: dead tokens, throttled, or with an error."""
    return (
        FacebookPage.objects.select_related("office")
        .exclude(state=FacebookPageState.ACTIVE, last_error="")
        .order_by("state", "name")
    )


def facebook_source_for_grievance(*, grievance: Grievance) -> FacebookComment | None:
    """The comment or visitor post a grievance was made from (None for other channels).

    The caller has already checked, through the grievances selectors, that the user may see
    this grievance.
    """
    return (
        FacebookComment.objects.select_related("page")
        .filter(grievance=grievance, is_top_level=True, is_page_reply=False)
        .order_by("created_time", "pk")
        .first()
    )


def facebook_thread_for_grievance(*, grievance: Grievance) -> QuerySet[FacebookComment]:
    """Every comment joined to the grievance, oldest first (the citizen's conversation)."""
    return FacebookComment.objects.filter(grievance=grievance).order_by("created_time", "pk")


def facebook_post_for_comment(*, comment: FacebookComment) -> FacebookComment | None:
    """The page post a comment was written under, when we have seen it."""
    if not comment.post_id or comment.post_id == comment.graph_id:
        return None
    return FacebookComment.objects.filter(graph_id=comment.post_id).first()


def facebook_permalink(*, comment: FacebookComment) -> str:
    """The comment's link on Facebook, only if it really is an https link to Facebook.

    Everything from Facebook is untrusted: a `javascript:` or look-alike URL is dropped.
    """
    url = comment.raw.get("permalink_url") if isinstance(comment.raw, dict) else None
    if not isinstance(url, str):
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not any(
        host == domain or host.endswith(f".{domain}") for domain in ("facebook.com", "fb.com")
    ):
        return ""
    return url
