"""Figures the way the dashboards write them, in the page's digits (dashboards/pages.py)."""

from django import template

from dashboards import pages
from dashboards.metrics import Rate

register = template.Library()


@register.filter
def num(value: int | None) -> str:
    return pages.fmt_int(value)


@register.filter
def rate(value: Rate) -> str:
    return pages.fmt_rate(value)


@register.filter
def days(value: int | None) -> str:
    return pages.fmt_days(value)


@register.filter
def few(value: Rate) -> bool:
    """A rate shown, but from too few grievances to compare."""
    return 0 < value.base < pages.MIN_BASE


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key)
