"""Rendering one form on a page more than once (the officer's action panels)."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def field_widget(field: BoundField, suffix: str) -> SafeString:
    """The field's widget with its id suffixed, so each panel's label points at its own field."""
    return field.as_widget(attrs={"id": f"{field.auto_id}-{suffix}"})
