"""Messages to the citizen by SMS / e-mail: the filed message and news about their grievance."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core.digits import to_bangla_digits
from grievances.models import (
    Grievance,
    GrievanceEvent,
    GrievanceStatus,
)
from grievances.tracking import (
    tracking_link,
)
from integrations.notifications.models import (
    SECRET_PLACEHOLDER,
    Notification,
    NotificationChannel,
)
from integrations.notifications.services import notification_queue

Kind = GrievanceEvent.Kind
S = GrievanceStatus


def _citizen_filed_texts(*, grievance: Grievance, link: str) -> tuple[str, str, str]:
    """(SMS text, e-mail subject, e-mail text) in the language the citizen used.

    `link` is SECRET_PLACEHOLDER: the private link is added only when the message is sent."""
    with translation.override(grievance.language):
        code = grievance.tracking_code
        if grievance.language == "bn":
            code = to_bangla_digits(code)
        sms = _(
            "Shunani: your grievance was received. Tracking code %(code)s. "
            "Follow it and add information: %(link)s"
        ) % {"code": code, "link": link}
        subject = _("Your grievance %(code)s was received") % {"code": code}
        email = _(
            "Your grievance to the %(office)s was received.\n\n"
            "Tracking code: %(code)s\n"
            "Your private link (keep it to yourself; anyone with it can see what you sent):\n"
            "%(link)s\n\n"
            "The office will answer within %(days)s working days. "
            "You can follow it on the tracking page at any time.\n\n"
            "Shunani"
        ) % {
            "office": grievance.office.name,
            "code": code,
            "link": link,
            "days": settings.GRIEVANCE_TIER_DEADLINE_DAYS[grievance.tier],
        }
    return sms, subject, email


def _citizen_send_filed(*, grievance: Grievance, access_key: str) -> None:
    """The tracking code and private link, by SMS and/or e-mail to what the citizen gave.

    The link carries the key: it is stored apart from the text and added only when sending
    (SECRET_PLACEHOLDER). It is built from SITE_URL, never from the request's Host."""
    link = tracking_link(code=grievance.tracking_code, key=access_key)
    sms, subject, email = _citizen_filed_texts(grievance=grievance, link=SECRET_PLACEHOLDER)
    if grievance.citizen_phone:
        notification_queue(
            channel=NotificationChannel.SMS,
            recipient=grievance.citizen_phone,
            body=sms,
            secret=link,
            capped=True,
        )
    if grievance.citizen_email:
        notification_queue(
            channel=NotificationChannel.EMAIL,
            recipient=grievance.citizen_email,
            subject=subject,
            body=email,
            secret=link,
            capped=True,
        )


# --- citizens: news about their grievance by SMS / e-mail -------------------------------------

# Public events a citizen is told about, when done by the office (an officer or the system).
_CITIZEN_NEWS_STATUSES = (S.ACCEPTED, S.RESOLVED, S.CLOSED)


def _citizen_news_text(event: GrievanceEvent) -> str:
    grievance = event.grievance
    if event.kind == Kind.PUBLIC_REPLY:
        return _("The office replied to your grievance.")
    if event.kind == Kind.TRANSFERRED and event.to_office is not None:
        return _("Your grievance was sent to %(office)s.") % {"office": event.to_office.name}
    if event.to_status == S.RESOLVED:
        return _(
            "The office has resolved your grievance. Was the problem fixed? Tell us with "
            "your private link within %(days)s working days."
        ) % {"days": settings.GRIEVANCE_CITIZEN_RESPONSE_DAYS}
    return _("Your grievance is now: %(status)s.") % {"status": S(grievance.status).label}


def _is_citizen_news(event: GrievanceEvent) -> bool:
    if not event.is_public or (event.actor_id is None and event.kind != Kind.PUBLIC_REPLY):
        return False  # private, or the citizen's own doing (they know)
    if event.kind in (Kind.PUBLIC_REPLY, Kind.TRANSFERRED):
        return True
    return event.kind == Kind.STATUS_CHANGED and event.to_status in _CITIZEN_NEWS_STATUSES


def grievance_notify_citizen(*, event: GrievanceEvent) -> list[Notification]:
    """Tell the citizen (SMS and/or e-mail, in their language) about a public event.

    Safe to run twice: one message per event and channel (the notification's dedupe key).
    The text carries the public tracking link only, never the access key.
    """
    grievance = event.grievance
    if not _is_citizen_news(event) or not (grievance.citizen_phone or grievance.citizen_email):
        return []
    with translation.override(grievance.language):
        code = grievance.tracking_code
        shown_code = to_bangla_digits(code) if grievance.language == "bn" else code
        link = tracking_link(code=code) if settings.SITE_URL else ""
        news = _citizen_news_text(event)
        sms = _("Shunani %(code)s: %(news)s") % {"code": shown_code, "news": news}
        if link:
            sms = f"{sms} {link}"
        subject = _("News about your grievance %(code)s") % {"code": shown_code}
        body = f"{news}\n\n{link}\n\n" + _("Shunani") if link else f"{news}\n\n" + _("Shunani")
    sent = []
    if grievance.citizen_phone:
        sent.append(
            notification_queue(
                channel=NotificationChannel.SMS,
                recipient=grievance.citizen_phone,
                body=sms,
                dedupe_key=f"grievance-event:{event.pk}:sms",
                capped=True,
            )
        )
    if grievance.citizen_email:
        sent.append(
            notification_queue(
                channel=NotificationChannel.EMAIL,
                recipient=grievance.citizen_email,
                subject=subject,
                body=body,
                dedupe_key=f"grievance-event:{event.pk}:email",
                capped=True,
            )
        )
    return sent
