"""Facebook pages, every comment and visitor post seen on them, and raw webhook deliveries."""

from datetime import datetime
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from integrations.facebook import crypto


class FacebookPageState(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")  # throttled by Facebook until `paused_until`
    NEEDS_REAUTH = "needs_reauth", _("Needs reconnecting")  # token dead or role lost


class FacebookPageQuerySet(models.QuerySet["FacebookPage"]):
    def syncable(self, now: datetime | None = None) -> Self:
        """Active pages, and paused pages whose pause has run out."""
        now = now or timezone.now()
        return self.filter(
            Q(state=FacebookPageState.ACTIVE)
            | Q(state=FacebookPageState.PAUSED, paused_until__lte=now)
        )

    def writes_paused(self, now: datetime | None = None) -> Self:
        """Pages that may not post now (see `FacebookPage.writes_resume_at`)."""
        now = now or timezone.now()
        return self.filter(
            Q(writes_paused_until__gt=now) | Q(state=FacebookPageState.PAUSED, paused_until__gt=now)
        )


class FacebookPage(TimeStampedModel):
    """One DC office's Facebook page. The page access token is stored encrypted only."""

    page_id = models.CharField(_("page id"), max_length=64, unique=True)
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        related_name="facebook_pages",
        verbose_name=_("office"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Fernet ciphertext (crypto.py). Never read this column directly: use `access_token`.
    token_ciphertext = models.TextField(blank=True, editable=False)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=FacebookPageState.choices,
        default=FacebookPageState.ACTIVE,
    )
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    # Code 368 (graph-api.md §6.3): Facebook blocked the page's posting for a while. Reading
    # goes on; replies wait until then.
    writes_paused_until = models.DateTimeField(_("replies paused until"), null=True, blank=True)
    # Latest usage headers (graph-api.md §6.2) and their highest percentage.
    usage = models.JSONField(_("usage"), default=dict, blank=True)
    usage_peak = models.PositiveSmallIntegerField(_("usage %"), null=True, blank=True)
    last_synced_at = models.DateTimeField(_("last sync"), null=True, blank=True)
    # Newest comment time the polling reconciler has read; only ever moves forward.
    synced_until = models.DateTimeField(null=True, blank=True)
    last_webhook_at = models.DateTimeField(_("last webhook"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # What the connecting person's login granted (graph-api.md §1.2): the app permissions of
    # the token and the person's tasks on the page. Empty when the page was connected with a
    # pasted token (then nothing is known, so nothing that needs them is tried).
    granted_scopes = models.JSONField(_("permissions"), default=list, blank=True)
    tasks = models.JSONField(_("page tasks"), default=list, blank=True)

    objects = FacebookPageQuerySet.as_manager()

    class Meta:
        verbose_name = _("Facebook page")
        verbose_name_plural = _("Facebook pages")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=FacebookPageState.values), name="fbpage_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="paused") | Q(paused_until__isnull=False),
                name="fbpage_paused_has_until",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.page_id

    def __repr__(self) -> str:  # never the token
        return f"<FacebookPage {self.page_id}>"

    @property
    def access_token(self) -> str:
        return crypto.decrypt(self.token_ciphertext) if self.token_ciphertext else ""

    def set_access_token(self, token: str) -> None:
        """Encrypt `token` into the row (the caller saves)."""
        self.token_ciphertext = crypto.encrypt(token) if token else ""

    def writes_resume_at(self, now: datetime | None = None) -> datetime | None:
        """When the page may post again: after its code-368 block and its throttling pause.
        None when it may post now. (The app-wide pause is not a page's: see services.)"""
        now = now or timezone.now()
        ends = [self.writes_paused_until]
        if self.state == FacebookPageState.PAUSED:
            ends.append(self.paused_until)
        latest = max((end for end in ends if end is not None), default=None)
        return latest if latest is not None and latest > now else None

    @property
    def may_send_private_replies(self) -> bool:
        """Private replies (graph-api.md §3.4) need `pages_messaging` and the MESSAGING task."""
        return "pages_messaging" in self.granted_scopes and "MESSAGING" in self.tasks

    @property
    def needs_attention(self) -> bool:
        return self.state != FacebookPageState.ACTIVE or bool(self.last_error)


class FacebookItemKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    POST = "post", _("Post")  # a visitor's post on the page, or the page's own post


class FacebookComment(TimeStampedModel):
    """The raw record of one comment or post seen on a page. Nothing seen is thrown away.

    Every observation (a webhook change or a poll) is merged into this row under a row lock
    by `services.comments_ingest`, so any order and repetition converge to the same row.
    """

    graph_id = models.CharField(max_length=100, unique=True)
    page = models.ForeignKey(FacebookPage, on_delete=models.PROTECT, related_name="comments")
    kind = models.CharField(
        max_length=10, choices=FacebookItemKind.choices, default=FacebookItemKind.COMMENT
    )
    post_id = models.CharField(max_length=100, blank=True)
    parent_id = models.CharField(max_length=100, blank=True)  # == post_id when top-level
    is_top_level = models.BooleanField(default=True)
    # Written by the page itself: our own replies (echo), never a grievance.
    is_page_reply = models.BooleanField(default=False)
    author_id = models.CharField(max_length=64, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    created_time = models.DateTimeField(null=True, blank=True)
    is_edited = models.BooleanField(default=False)
    is_removed = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    grievance = models.ForeignKey(
        "grievances.Grievance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facebook_items",
    )

    # Merge bookkeeping (see services.py): when the text / hidden flag were last observed,
    # which texts were seen, which are known edits, and which events are already recorded.
    # Null `message_seen_at`: only a removal or a child reply has mentioned this id so far.
    message_seen_at = models.DateTimeField(null=True, blank=True)
    hidden_seen_at = models.DateTimeField(null=True, blank=True)
    original_hash = models.CharField(max_length=16, blank=True)
    original_seen_at = models.DateTimeField(null=True, blank=True)
    original_from_add = models.BooleanField(default=False)
    seen_hashes = models.JSONField(default=list, blank=True)
    edited_hashes = models.JSONField(default=list, blank=True)
    recorded_edit_hashes = models.JSONField(default=list, blank=True)
    was_hidden = models.BooleanField(default=False)
    hidden_recorded = models.BooleanField(default=False)
    removal_recorded = models.BooleanField(default=False)
    message_recorded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Facebook comment")
        verbose_name_plural = _("Facebook comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FacebookItemKind.values), name="fbcomment_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["page", "created_time"], name="fbcomment_page_created"),
            models.Index(fields=["parent_id"], name="fbcomment_parent"),
        ]

    def __str__(self) -> str:
        return self.graph_id


class WebhookDelivery(models.Model):
    """One verified webhook body, stored before it is acknowledged and processed by a task."""

    body = models.BinaryField()  # the exact bytes Meta signed
    # sha256 of `body`: Meta re-sends a body it thinks we missed; it is stored once.
    # Null (not ""): rows older than the column may share a body, and NULLs never collide.
    body_sha256 = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    signature = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Signed by Meta but unusable (not JSON, not the documented shape, or it kept failing):
    # kept for a person to look at, never retried. `error` says why.
    parked_at = models.DateTimeField(_("parked at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(processed_at__isnull=True),
                name="fbwebhook_unprocessed",
            ),
        ]

    def __str__(self) -> str:
        return f"webhook {self.pk} {self.received_at:%Y-%m-%d %H:%M:%S}"


class PrivateReplyState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class FacebookPrivateReply(TimeStampedModel):
    """The one Messenger message (graph-api.md §3.4) sent to the author of a comment that
    became a grievance: their tracking link with a private key. One row per comment, ever."""

    comment = models.OneToOneField(
        FacebookComment, on_delete=models.PROTECT, related_name="private_reply"
    )
    state = models.CharField(
        max_length=10, choices=PrivateReplyState.choices, default=PrivateReplyState.QUEUED
    )
    message_id = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("private reply")
        verbose_name_plural = _("private replies")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PrivateReplyState.values), name="fbprivate_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"private reply to {self.comment_id}: {self.state}"
