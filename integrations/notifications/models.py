from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class NotificationChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class NotificationState(models.TextChoices):
    QUEUED = "queued", _("Queued")  # waiting for (another) delivery attempt
    SENDING = "sending", _("Sending")  # claimed by a worker; swept again if it stays too long
    SENT = "sent", _("Sent")  # the gateway or mail server accepted it
    FAILED = "failed", _("Failed")  # refused for good (bad number, rejected); see last_error


# Stands in the stored text for the secret (the private link) until the moment of sending.
SECRET_PLACEHOLDER = "{{private-link}}"  # noqa: S105  # not a password


class Notification(TimeStampedModel):
    """One message to one recipient: a row first, delivered by a task (never in a request)."""

    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    # Never a secret: where the private link goes, the text holds SECRET_PLACEHOLDER.
    body = models.TextField(_("text"))
    # The private link (it carries the citizen's key), put into the text only when it really
    # leaves for a gateway or mail server; blanked in every final state. Never in the admin.
    secret = models.TextField(blank=True, default="")
    # Set by callers that may ask twice (a retried task): one message per key, ever.
    dedupe_key = models.CharField(max_length=100, blank=True, default="")
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.QUEUED,
    )
    backend = models.CharField(_("sent through"), max_length=20, blank=True)
    external_id = models.CharField(_("gateway id"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=NotificationChannel.values),
                name="notification_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=NotificationState.values), name="notification_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]
        indexes = [
            # The sweeper's query: queued rows, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(state="queued"),
                name="notification_queued",
            ),
            # The daily cap per recipient counts the last day's rows to one address.
            models.Index(fields=["recipient", "created_at"], name="notification_recipient_day"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} ({self.state})"
