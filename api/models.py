"""API keys: how other systems (officers' tools, the national GRS, the 333 call centre, open-data
apps) sign in. A key acts for its owner, limited to the offices it names (or reading every
office, for a national viewer's key), and only reads unless its scope is `write`.

The key is shown once, when an administrator creates it in the admin. Only its public prefix
(to find the row) and the SHA-256 of the whole key are stored: the secret has 256 bits of
randomness, so a plain hash is enough (no slow password hash needed), and it is compared in
constant time (api/keys.py).
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from offices.models import Office


class ApiKeyScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def usable(self, now: datetime | None = None) -> "ApiKeyQuerySet":
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiKey(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, help_text=_("What the key is for."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("owner"),
        help_text=_("The key acts for this user and never gets more than the user has."),
    )
    scope = models.CharField(
        _("scope"), max_length=5, choices=ApiKeyScope.choices, default=ApiKeyScope.READ
    )
    offices = models.ManyToManyField(
        Office,
        blank=True,
        related_name="api_keys",
        verbose_name=_("offices"),
        help_text=_("The offices the key may act for (among its owner's offices)."),
    )
    national_read = models.BooleanField(
        _("reads every office"),
        default=False,
        help_text=_("Only for a national viewer's read key: reads every office, changes nothing."),
    )
    # The first characters of the key, shown in the admin and used to find the row.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(national_read=True) | Q(scope="read"),
                name="api_key_national_is_read_only",
            ),
            models.CheckConstraint(
                condition=Q(scope__in=ApiKeyScope.values), name="api_key_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def clean(self) -> None:
        if self.national_read and self.scope != ApiKeyScope.READ:
            raise ValidationError(
                {"scope": _("A key that reads every office can only read.")}, code="national_write"
            )

    @property
    def may_write(self) -> bool:
        return self.scope == ApiKeyScope.WRITE

    def is_usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotentRequest(models.Model):
    """A POST made with an `Idempotency-Key` header, and the answer it got: a retry with the
    same key (by the same key or user) gets the same answer and changes nothing again.
    Kept IDEMPOTENCY_HOURS; only successful answers are kept (a refused request changed
    nothing, so repeating it is safe)."""

    # "key:<api key id>" or "user:<user id>": whose key space the header lives in.
    principal = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    # The method, path and body hash: the same key for another request is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="api_idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
