"""What the classifier suggested for each grievance, what officers decided, and each office's
choice to let praise and spam be set aside automatically.

The grievance is referred to by model name only: this app never imports grievances."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Intent(models.TextChoices):
    GRIEVANCE = "grievance", _("Grievance")
    QUESTION = "question", _("Question")
    PRAISE = "praise", _("Praise or thanks")
    ABUSE_SPAM = "abuse_spam", _("Abuse or spam")
    OTHER = "other", _("Other (greeting, chatter)")


# The suggestions the inbox filter "likely not a grievance" finds.
NOT_GRIEVANCE_INTENTS = (Intent.QUESTION, Intent.PRAISE, Intent.ABUSE_SPAM, Intent.OTHER)


class TriageSetting(TimeStampedModel):
    """Per office: whether praise and abuse/spam are set aside as "not a grievance" without an
    officer, and how sure the classifier must be. Off unless an administrator turns it on."""

    office = models.OneToOneField(
        "offices.Office",
        on_delete=models.CASCADE,
        related_name="triage_setting",
        verbose_name=_("office"),
    )
    auto_set_aside = models.BooleanField(
        _("set praise and spam aside automatically"),
        default=False,
        help_text=_(
            "Facebook comments the classifier is sure are praise, abuse or spam are marked "
            "“not a grievance”, with the reason in the timeline. An officer can undo it in one "
            "click; nothing is deleted and the comment can still be answered."
        ),
    )
    threshold = models.DecimalField(
        _("confidence needed"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.95"),
        validators=[MinValueValidator(Decimal("0.50")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("Between 0.50 and 1.00. The higher, the fewer comments are set aside."),
    )

    class Meta:
        verbose_name = _("triage setting")
        verbose_name_plural = _("triage settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=Decimal("0.50")) & Q(threshold__lte=Decimal("1.00")),
                name="triage_threshold_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.office)


class Suggestion(models.Model):
    """The classifier's reading of a grievance's text when it arrived. Shown, never obeyed,
    except the automatic set-aside an office chose (`set_aside`)."""

    grievance = models.OneToOneField(
        "grievances.Grievance",
        on_delete=models.CASCADE,
        related_name="triage",
        primary_key=True,
    )
    intent = models.CharField(_("suggested type"), max_length=20, choices=Intent.choices)
    intent_confidence = models.FloatField()
    category = models.SlugField(_("suggested category"), blank=True)  # "" when no category
    category_confidence = models.FloatField(default=0.0)
    model_version = models.CharField(_("model version"), max_length=40)
    # The grievance was set aside automatically on this suggestion (and not undone since).
    set_aside = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("triage suggestion")
        verbose_name_plural = _("triage suggestions")
        indexes = [models.Index(fields=["intent", "grievance"], name="triage_suggestion_intent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(intent__in=Intent.values), name="triage_suggestion_intent_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grievance_id}: {self.intent}"

    @property
    def is_likely_not_grievance(self) -> bool:
        return self.intent in NOT_GRIEVANCE_INTENTS


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted as a grievance")
    NOT_GRIEVANCE = "not_grievance", _("Marked not a grievance")
    CATEGORISED = "categorised", _("Category set")
    UNDONE = "undone", _("Automatic set-aside undone")


class Correction(models.Model):
    """An officer's decision on a triaged text: a labelled example for the next training.

    `intent` or `category` is blank when the decision said nothing about it (a category set on
    its own says nothing of the intent). The text is kept as it was decided on."""

    grievance = models.ForeignKey(
        "grievances.Grievance",
        on_delete=models.SET_NULL,
        null=True,
        related_name="triage_corrections",
    )
    text = models.TextField()
    decision = models.CharField(max_length=20, choices=Decision.choices)
    intent = models.CharField(max_length=20, choices=Intent.choices, blank=True)
    category = models.SlugField(blank=True)
    suggested_intent = models.CharField(max_length=20, blank=True)
    suggested_category = models.SlugField(blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("triage correction")
        verbose_name_plural = _("triage corrections")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.decision}: {self.intent or '-'} / {self.category or '-'}"

    @property
    def agrees(self) -> bool:
        """The officer decided what was suggested (for the report: how often it is right)."""
        same_intent = not self.intent or self.intent == self.suggested_intent
        same_category = not self.category or self.category == self.suggested_category
        return same_intent and same_category
