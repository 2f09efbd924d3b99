"""`{% deadline_of grievance as d %}`: where the grievance stands against its deadline
(grievances.deadlines). Inbox rows come labelled by their selector; a single grievance (the
detail page) is measured here."""

from django import template
from django.utils import timezone

from grievances.deadlines import DeadlineState, deadline_state
from grievances.models import Grievance

register = template.Library()


@register.simple_tag
def deadline_of(grievance: Grievance) -> DeadlineState:
    labelled: DeadlineState | None = getattr(grievance, "deadline", None)
    if labelled is not None:
        return labelled
    return deadline_state(grievance, now=timezone.now())
