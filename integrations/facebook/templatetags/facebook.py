"""`{% facebook_source grievance %}`: the post, the citizen's thread and the link on Facebook."""

from typing import Any

from django import template

from grievances.models import Grievance
from integrations.facebook.selectors import (
    facebook_permalink,
    facebook_post_for_comment,
    facebook_source_for_grievance,
    facebook_thread_for_grievance,
)

register = template.Library()


@register.inclusion_tag("facebook/_source_panel.html")
def facebook_source(grievance: Grievance) -> dict[str, Any]:
    """The caller already holds a grievance the user may see (grievances selectors)."""
    source = facebook_source_for_grievance(grievance=grievance)
    if source is None:
        return {"source": None}
    return {
        "source": source,
        "post": facebook_post_for_comment(comment=source),
        "thread": [c for c in facebook_thread_for_grievance(grievance=grievance) if c != source],
        "permalink": facebook_permalink(comment=source),
    }
