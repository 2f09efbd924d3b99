from datetime import datetime
from typing import Self

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BilingualName, TimeStampedModel


class GrievanceStatus(models.TextChoices):
    NEW = "new", _("New")  # arrived; nobody has looked at it yet (Facebook comments land here)
    ACCEPTED = "accepted", _("Accepted")  # it is a grievance; the deadline clock runs
    IN_PROGRESS = "in_progress", _("In progress")  # someone is working on it
    RESOLVED = "resolved", _("Resolved")  # answer published; the citizen may confirm/reopen/appeal
    CLOSED = "closed", _("Closed")  # final
    NOT_GRIEVANCE = "not_grievance", _("Not a grievance")  # praise, question, spam, abuse
    DUPLICATE = "duplicate", _("Duplicate")  # linked to the grievance it repeats


OPEN_STATUSES = (
    GrievanceStatus.NEW,
    GrievanceStatus.ACCEPTED,
    GrievanceStatus.IN_PROGRESS,
)


class GrievanceTier(models.IntegerChoices):
    OFFICE = 1, _("Office (GRO)")
    APPEAL = 2, _("Appeal")
    CABINET = 3, _("Cabinet Division cell")


class GrievanceOutcome(models.TextChoices):
    SERVICE_PROVIDED = "service_provided", _("Service provided")
    INFORMATION_PROVIDED = "information_provided", _("Information provided")
    ACTION_TAKEN = "action_taken", _("Action taken")
    ALLEGATION_PROVED = "allegation_proved", _("Allegation proved")
    ALLEGATION_NOT_PROVED = "allegation_not_proved", _("Allegation not proved")
    REFERRED = "referred", _("Referred to another office or body")  # must name where
    OTHER = "other", _("Other")  # must say what


class GrievanceChannel(models.TextChoices):
    WEB = "web", _("Web form")
    FACEBOOK_COMMENT = "facebook_comment", _("Facebook comment")
    FACEBOOK_POST = "facebook_post", _("Facebook visitor post")
    OFFICER_ENTRY = "officer_entry", _("Entered by an officer")  # phone, paper, 333, hearing
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


# The channels of grievances that came from Facebook: the one definition, used everywhere.
FACEBOOK_CHANNELS = (GrievanceChannel.FACEBOOK_COMMENT, GrievanceChannel.FACEBOOK_POST)


class IntakeVia(models.TextChoices):
    """How a complaint recorded by an officer (`officer_entry`) reached the office."""

    PHONE = "phone", _("Phone")
    PAPER = "paper", _("Paper or letter")
    CALL_CENTRE = "call_centre_333", _("333 call centre")
    HEARING = "hearing", _("Public hearing")


class GrievancePriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class NotGrievanceReason(models.TextChoices):
    PRAISE = "praise", _("Praise or thanks")
    QUESTION_ANSWERED = "question_answered", _("A question, answered at once")
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abuse")
    OTHER = "other", _("Other")


class Category(TimeStampedModel, BilingualName):
    slug = models.SlugField(unique=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name_en"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class GrievanceQuerySet(models.QuerySet["Grievance"]):
    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)

    def for_offices(self, office_ids: list[int]) -> Self:
        return self.filter(office_id__in=office_ids)

    def overdue(self, now: datetime | None = None) -> Self:
        """THE definition of overdue (the inbox, the grievance page and the dashboards): open
        and past its current deadline, `sort_due_at` — the answer's `due_at`, or for an
        untriaged (new) grievance its `first_response_due_at`. Range-scans the open-deadline
        indexes (`grievance_inbox_open_due`, `grievance_inbox_nat_open_due`)."""
        return self.filter(overdue_q(now or timezone.now()))


def overdue_q(now: datetime) -> Q:
    """`GrievanceQuerySet.overdue` as a condition, for counting overdue among other rows."""
    return Q(status__in=OPEN_STATUSES, sort_due_at__lt=now)


class Grievance(TimeStampedModel):
    tracking_code = models.CharField(_("tracking code"), max_length=24, unique=True)
    # sha256 of the citizen's access key; the key itself is shown once and never stored.
    access_key_hash = models.CharField(max_length=64, blank=True)

    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        related_name="grievances",
        verbose_name=_("office"),
    )
    district = models.ForeignKey(
        "offices.District",
        on_delete=models.PROTECT,
        related_name="grievances",
        verbose_name=_("district"),
    )
    upazila = models.ForeignKey(
        "offices.Upazila",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grievances",
        verbose_name=_("upazila"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grievances",
        verbose_name=_("category"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=GrievanceChannel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=GrievanceStatus.choices, default=GrievanceStatus.NEW
    )
    tier = models.PositiveSmallIntegerField(
        _("tier"), choices=GrievanceTier.choices, default=GrievanceTier.OFFICE
    )
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=GrievanceOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("how it was resolved"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=300, blank=True)
    not_grievance_reason = models.CharField(
        _("reason"), max_length=20, choices=NotGrievanceReason.choices, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    priority = models.CharField(
        _("priority"),
        max_length=10,
        choices=GrievancePriority.choices,
        default=GrievancePriority.NORMAL,
    )

    subject = models.CharField(_("subject"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    # The language the citizen used, for the texts we send them.
    language = models.CharField(max_length=5, default="bn")

    citizen_name = models.CharField(_("name"), max_length=200, blank=True)
    citizen_phone = models.CharField(_("mobile"), max_length=20, blank=True)
    citizen_email = models.EmailField(_("e-mail"), blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    show_name_publicly = models.BooleanField(_("show name publicly"), default=False)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_grievances",
        verbose_name=_("assigned to"),
    )

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(_("first response due"))
    first_responded_at = models.DateTimeField(null=True, blank=True)
    last_public_update_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # 0 = none; 1 = told the GRO; 2 = the head of office; 3 = the appeal officer's office.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    intake_via = models.CharField(
        _("received by"), max_length=20, choices=IntakeVia.choices, blank=True
    )

    # Maintained by PostgreSQL for the officers' inbox (grievances/inbox.py): never written.
    # Keyset sort keys must not be NULL; a new grievance's deadline is its first-response one.
    sort_due_at = models.GeneratedField(
        expression=Coalesce("due_at", "first_response_due_at"),
        output_field=models.DateTimeField(),
        db_persist=True,
    )
    priority_rank = models.GeneratedField(  # 0 = urgent first
        expression=Case(
            When(priority="urgent", then=Value(0)),
            When(priority="high", then=Value(1)),
            When(priority="normal", then=Value(2)),
            default=Value(3),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    channel_rank = models.GeneratedField(  # 0 = Facebook: public and waiting in plain sight
        expression=Case(
            When(channel__in=list(FACEBOOK_CHANNELS), then=Value(0)),
            default=Value(1),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    # Bangla and English: `simple` full-text words plus trigram substrings (GIN indexes below).
    search_vector = models.GeneratedField(
        expression=SearchVector("tracking_code", "subject", "description", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_text = models.GeneratedField(
        expression=Upper(
            Concat(
                "tracking_code",
                Value(" "),
                "subject",
                Value(" "),
                "description",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = GrievanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=GrievanceStatus.values), name="grievance_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(tier__in=GrievanceTier.values), name="grievance_tier_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=GrievanceOutcome.values),
                name="grievance_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=GrievanceChannel.values), name="grievance_channel_valid"
            ),
            # "Closed" is not "fixed", but nothing is resolved or closed without an outcome.
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "closed"]) | ~Q(outcome=""),
                name="grievance_resolved_has_outcome",
            ),
            # "Not our responsibility" is never a closure: a referral names where it went.
            models.CheckConstraint(
                condition=~Q(outcome="referred") | ~Q(referred_to=""),
                name="grievance_referred_has_target",
            ),
            models.CheckConstraint(
                condition=Q(status="duplicate", duplicate_of__isnull=False)
                | (~Q(status="duplicate") & Q(duplicate_of__isnull=True)),
                name="grievance_duplicate_has_original",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "status", "due_at"], name="grievance_office_status_due"),
            models.Index(fields=["status", "due_at"], name="grievance_status_due"),
            # The officers' inbox: office first, then each keyset (sort key, id), for the
            # status-scoped tabs, the open tabs and "all" (grievances/inbox.py).
            models.Index(
                fields=["office", "status", "channel_rank", "received_at", "id"],
                name="grievance_inbox_new",
            ),
            models.Index(
                fields=["office", "status", "sort_due_at", "id"], name="grievance_inbox_st_due"
            ),
            models.Index(
                fields=["office", "status", "last_activity_at", "id"],
                name="grievance_inbox_st_act",
            ),
            models.Index(
                fields=["office", "status", "priority_rank", "sort_due_at", "id"],
                name="grievance_inbox_st_prio",
            ),
            models.Index(
                fields=["office", "sort_due_at", "id"],
                condition=Q(status__in=["new", "accepted", "in_progress"]),
                name="grievance_inbox_open_due",
            ),
            # A district dashboard's workload, open grievances per assignee
            # (`dashboards.selectors.officer_workload`), counted from the index alone: at 10 M
            # grievances the district's open rows lay on 10,000 table pages.
            models.Index(
                fields=["office", "assigned_to"],
                condition=Q(status__in=["new", "accepted", "in_progress"]),
                name="grievance_open_assignee",
            ),
            models.Index(
                fields=["office", "last_activity_at", "id"],
                condition=Q(status__in=["new", "accepted", "in_progress"]),
                name="grievance_inbox_open_act",
            ),
            models.Index(
                fields=["office", "priority_rank", "sort_due_at", "id"],
                condition=Q(status__in=["new", "accepted", "in_progress"]),
                name="grievance_inbox_open_prio",
            ),
            models.Index(
                fields=["assigned_to", "sort_due_at", "id"],
                condition=Q(status__in=["new", "accepted", "in_progress"]),
                name="grievance_inbox_mine_due",
            ),
            models.Index(fields=["office", "sort_due_at", "id"], name="grievance_inbox_all_due"),
            models.Index(
                fields=["office", "last_activity_at", "id"], name="grievance_inbox_all_act"
            ),
            models.Index(
                fields=["office", "priority_rank", "sort_due_at", "id"],
                name="grievance_inbox_all_prio",
            ),
            # National viewers read every office: the same keysets without the office prefix.
            models.Index(fields=["sort_due_at", "id"], name="grievance_inbox_nat_due"),
            models.Index(fields=["last_activity_at", "id"], name="grievance_inbox_nat_act"),
            models.Index(
                fields=["priority_rank", "sort_due_at", "id"], name="grievance_inbox_nat_prio"
            ),
            models.Index(
                fields=["status", "channel_rank", "received_at", "id"],
                name="grievance_inbox_nat_new",
            ),
            models.Index(
                fields=["sort_due_at", "id"],
                condition=Q(status__in=["new", "accepted", "in_progress"]),
                name="grievance_inbox_nat_open_due",
            ),
            # Appeals waiting (tier 2, open): few, so one small index serves an appeal office's
            # tab and the national one; without it counting an empty tab read the whole table.
            models.Index(
                fields=["office", "sort_due_at", "id"],
                condition=Q(tier=2, status__in=["new", "accepted", "in_progress"]),
                name="grievance_inbox_appeals",
            ),
            # National viewers' district filter on the open tabs (overdue, due soon, ...).
            models.Index(
                fields=["district", "sort_due_at", "id"],
                condition=Q(status__in=["new", "accepted", "in_progress"]),
                name="grievance_inbox_dist_open_due",
            ),
            # Filters narrow within the office first, not across the whole table.
            models.Index(fields=["office", "category", "status"], name="grievance_inbox_category"),
            models.Index(fields=["office", "upazila", "status"], name="grievance_inbox_upazila"),
            # Search by the caller (grievances/inbox.py): the mobile number as the citizen's
            # form stores it, and the name as `icontains` compares it (UPPER(name::text)).
            models.Index(fields=["citizen_phone"], name="grievance_search_phone"),
            GinIndex(
                OpClass(Upper(Cast("citizen_name", models.TextField())), name="gin_trgm_ops"),
                name="grievance_search_name_trgm",
            ),
            GinIndex(fields=["search_vector"], name="grievance_search_fts"),
            GinIndex(
                fields=["search_text"], opclasses=["gin_trgm_ops"], name="grievance_search_trgm"
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def clean(self) -> None:
        if self.outcome == GrievanceOutcome.REFERRED and not self.referred_to.strip():
            raise ValidationError(
                {"referred_to": _("Say which office or body the grievance was referred to.")}
            )
        if self.outcome == GrievanceOutcome.OTHER and not self.outcome_note.strip():
            raise ValidationError({"outcome_note": _("Describe the outcome.")})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def current_deadline(self) -> datetime:
        """The deadline that runs now: the answer's, or before triage the first response's
        (what `sort_due_at` holds once saved)."""
        return self.due_at or self.first_response_due_at

    def is_overdue_at(self, now: datetime) -> bool:
        """`GrievanceQuerySet.overdue` for one grievance already in memory."""
        return self.is_open and self.current_deadline < now

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(timezone.now())

    @property
    def public_name(self) -> str:
        """The only form of the citizen's identity that may appear on a public page."""
        if self.is_anonymous or not self.show_name_publicly:
            return ""
        return self.citizen_name


class TrackingSequence(models.Model):
    """Per office and month, the last number handed out; bumped with one upsert."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE)
    period = models.CharField(max_length=4)  # YYMM, Dhaka time
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "period"], name="tracking_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.period}: {self.last_value}"


class GrievanceEvent(models.Model):
    """One row per thing that happened to a grievance: the timeline and the audit log."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Received")
        STATUS_CHANGED = "status_changed", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        TRANSFERRED = "transferred", _("Transferred")
        CATEGORISED = "categorised", _("Category set")
        PRIORITY_CHANGED = "priority_changed", _("Priority changed")
        NOTE = "note", _("Internal note")
        PUBLIC_REPLY = "public_reply", _("Public reply")
        CITIZEN_INFO = "citizen_info", _("Citizen added information")
        FEEDBACK = "feedback", _("Citizen feedback")
        APPEALED = "appealed", _("Appealed")
        ESCALATED = "escalated", _("Escalated")
        REMINDER = "reminder", _("Reminder")
        SOURCE_EDITED = "source_edited", _("Edited on Facebook")
        SOURCE_REMOVED = "source_removed", _("Removed on Facebook")
        SOURCE_HIDDEN = "source_hidden", _("Hidden on Facebook")
        SOURCE_MESSAGE = "source_message", _("Citizen wrote again")

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    from_office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    # Public events appear on the citizen's tracking page; the rest are internal.
    is_public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.grievance_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class ReplyState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Reply(TimeStampedModel):
    """A public reply: an outbox row first, delivered by a task (never inside a request)."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    to_facebook = models.BooleanField(default=False)  # under the citizen's own comment
    to_citizen = models.BooleanField(default=True)  # tracking page, and SMS/e-mail if given
    state = models.CharField(max_length=10, choices=ReplyState.choices, default=ReplyState.QUEUED)
    external_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    # Not before this time: Facebook throttled or blocked the page (or the app), or the last
    # attempt asked for a wait. Null: as soon as possible. Waiting spends no attempt.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReplyState.values), name="reply_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="reply_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grievance_id}: {self.body[:40]}"


class FeedbackChannel(models.TextChoices):
    WEB = "web", _("Tracking page")
    FACEBOOK = "facebook", _("Facebook reply")


class Feedback(TimeStampedModel):
    """The citizen's word on a resolved grievance."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="feedback")
    is_fixed = models.BooleanField(_("was it fixed?"))
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    # Where the citizen answered: the tracking page's form, or a reply under the office's
    # Facebook reply (read by grievances/feedback_text.py).
    channel = models.CharField(
        _("answered on"),
        max_length=20,
        choices=FeedbackChannel.choices,
        default=FeedbackChannel.WEB,
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grievance_id}: {'fixed' if self.is_fixed else 'not fixed'}"


class StaffNotificationKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    ESCALATED = "escalated", _("Overdue, escalated")
    IGNORED_POST = "ignored_post", _("Facebook post not answered")
    INTERIM_UPDATE = "interim_update", _("Interim update needed")
    ASSIGNED = "assigned", _("Assigned to you")
    REOPENED = "reopened", _("Reopened")
    APPEALED = "appealed", _("Appealed to your office")
    CITIZEN_INFO = "citizen_info", _("The citizen added information")
    FACEBOOK_ANSWER = "facebook_answer", _("The citizen answered on Facebook")
    REPLY_FAILED = "reply_failed", _("A reply could not be sent")


class StaffNotification(models.Model):
    """An in-app note to one member of staff (the inbox badge); also sent by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notifications"
    )
    grievance = models.ForeignKey(
        Grievance, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=StaffNotificationKind.choices)
    data = models.JSONField(default=dict, blank=True)
    # One row per person and reason: what makes a rerun of the deadline sweep harmless.
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("staff notification")
        verbose_name_plural = _("staff notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="staff_notification_once"),
            models.CheckConstraint(
                condition=Q(kind__in=StaffNotificationKind.values),
                name="staff_notification_kind_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                condition=Q(read_at__isnull=True),
                name="staff_notification_unread",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.grievance_id}"


def _attachment_storage() -> Storage:
    from grievances.attachments import attachment_storage

    return attachment_storage()


class Attachment(TimeStampedModel):
    """A file the citizen sent: checked by content, images re-encoded without EXIF.

    Stored under MEDIA_ROOT, which no URL serves; only `attachment_download` streams it, to
    the citizen holding the key or an officer who may read the grievance.
    """

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="attachments")
    # The "add information" event it came with; empty for files sent with the grievance.
    event = models.ForeignKey(
        GrievanceEvent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(storage=_attachment_storage, max_length=200)
    # What the citizen called it, cleaned; only used as the download's file name.
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png", "application/pdf"]),
                name="attachment_type_allowed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grievance_id}: {self.original_name or self.file.name}"

    @property
    def is_image(self) -> bool:
        """Images are re-encoded on upload, so they may be shown as pictures; PDFs never."""
        return self.content_type.startswith("image/")


class FilingToken(models.Model):
    """One web form, one grievance: the form's one-time token, claimed by the first submit.

    Only the token's hash is kept. A resend of the same form (a double tap, a retry over a slow
    link) finds the row and is shown the grievance the first submit made. `sealed_key` is the
    access key masked with a stream derived from the token itself, so only a browser holding
    the form can read it back; the database alone cannot.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    grievance = models.ForeignKey(
        Grievance, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sealed_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.token_hash[:8]} → {self.grievance_id}"
