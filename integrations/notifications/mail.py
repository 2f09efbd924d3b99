"""E-mail through Django's configured backend (EMAIL_URL)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from integrations.notifications.sms import NotificationError, NotificationTransientError


def email_send(*, to: str, subject: str, text: str) -> None:
    message = EmailMessage(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise NotificationError("the mail server refused the address") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise NotificationTransientError(type(exc).__name__) from exc


def email_delivers_externally() -> bool:
    """False for backends that print, keep or drop mail here: no private link goes to them."""
    kept_here = ("console.EmailBackend", "locmem.EmailBackend", "filebased.EmailBackend")
    return not settings.EMAIL_BACKEND.endswith((*kept_here, "dummy.EmailBackend"))
