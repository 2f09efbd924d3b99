"""Numbers and dates the way the page's language writes them: Bangla digits in the Bangla UI."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language

from core.digits import to_bangla_digits
from grievances.models import GrievanceStatus

register = template.Library()


def _bangla() -> bool:
    return (get_language() or "bn").startswith("bn")


@register.filter
def local_digits(value: object) -> str:
    return local_number(value)


def local_number(value: object) -> str:
    """Also for Python code: message parameters shown in the page's language."""
    text = "" if value is None else str(value)
    return to_bangla_digits(text) if _bangla() else text


@register.filter
def local_date(value: datetime | None, fmt: str = "j F Y") -> str:
    """`26 নভেম্বর ২০২৬` in Bangla, `26 November 2026` in English; Dhaka time."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return local_digits(date_format(value, fmt))


@register.filter
def status_label(value: str) -> str:
    """`resolved` → its label in the page's language (events store the raw value)."""
    try:
        return str(GrievanceStatus(value).label)
    except ValueError:
        return value
