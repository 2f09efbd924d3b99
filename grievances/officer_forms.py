"""Input validation for the officers' pages. Forms parse; services decide."""

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.digits import to_latin_digits
from grievances.forms import normalise_bd_mobile
from grievances.inbox import (
    DEFAULT_SORT,
    DEFAULT_TAB,
    SUGGESTED_GRIEVANCE,
    SUGGESTED_NOT_GRIEVANCE,
    TABS,
)
from grievances.models import (
    GrievanceChannel,
    GrievanceOutcome,
    GrievancePriority,
    IntakeVia,
    NotGrievanceReason,
)
from grievances.privacy import Finding, privacy_findings, privacy_message
from grievances.reply_templates import PLACEHOLDER

TAB_LABELS = {
    "new": _("New"),
    "appeals": _("Appeals waiting"),
    "mine": _("Mine"),
    "unassigned": _("Unassigned"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "resolved": _("Resolved, awaiting the citizen"),
    "all": _("All"),
}
SORT_CHOICES = [
    ("due", _("Due date")),
    ("priority", _("Priority")),
    ("activity", _("Last activity")),
]

Choices = list[tuple[Any, Any]]  # labels may be lazy translations


def _set_choices(form: forms.Form, name: str, choices: Choices) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class InboxFilterForm(forms.Form):
    tab = forms.ChoiceField(choices=[(t, TAB_LABELS[t]) for t in TABS], required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any")), *GrievanceChannel.choices], required=False
    )
    upazila = forms.TypedChoiceField(label=_("Upazila"), coerce=int, required=False)
    division = forms.TypedChoiceField(label=_("Division"), coerce=int, required=False)
    district = forms.TypedChoiceField(label=_("District"), coerce=int, required=False)
    assignee = forms.TypedChoiceField(label=_("Assigned to"), coerce=int, required=False)
    received_from = forms.DateField(label=_("Received from"), required=False)
    received_to = forms.DateField(label=_("Received until"), required=False)
    suggested = forms.ChoiceField(
        label=_("Triage suggestion"),
        choices=[
            ("", _("Any")),
            (SUGGESTED_NOT_GRIEVANCE, _("Likely not a grievance")),
            (SUGGESTED_GRIEVANCE, _("Likely a grievance")),
        ],
        required=False,
    )
    cursor = forms.CharField(required=False, max_length=500)

    # Fields that narrow the list: the filter panel opens when one of them is set.
    FILTER_FIELDS = (
        "q",
        "category",
        "channel",
        "upazila",
        "division",
        "district",
        "assignee",
        "received_from",
        "received_to",
        "suggested",
    )

    def __init__(
        self,
        *args: Any,
        categories: Choices,
        upazilas: Choices,
        assignees: Choices,
        divisions: Choices | None = None,
        districts: Choices | None = None,
        **kwargs: Any,
    ) -> None:
        """Without `divisions`/`districts` (staff of one district) those filters are left
        out; without `assignees` (nobody to hand work to) the assignee filter is, and without
        `upazilas` (a national viewer who has not picked a district) the upazila filter."""
        super().__init__(*args, **kwargs)
        any_choice: Choices = [("", _("Any"))]
        _set_choices(self, "category", any_choice + categories)
        for name, choices in (
            ("upazila", upazilas),
            ("assignee", assignees),
            ("division", divisions),
            ("district", districts),
        ):
            if choices:
                _set_choices(self, name, any_choice + choices)
            else:
                del self.fields[name]

    def has_active_filters(self) -> bool:
        if not self.is_bound or not self.is_valid():
            return False
        return any(self.cleaned_data.get(name) for name in self.FILTER_FIELDS)

    def clean_tab(self) -> str:
        return self.cleaned_data["tab"] or DEFAULT_TAB

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or DEFAULT_SORT


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("not_grievance", _("Mark as not a grievance")),
        ("assign", _("Assign")),
        ("categorise", _("Set category")),
    ]
    ids = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": _("Tick at least one grievance.")}
    )
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *NotGrievanceReason.choices], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int, required=False)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False)

    def __init__(self, *args: Any, categories: Choices, assignees: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Which ids the user may touch is the selector's job; here they only need to be numbers.
        _set_choices(
            self, "ids", [(v, v) for v in cast(QueryDict, self.data).getlist("ids") if v.isdigit()]
        )
        _set_choices(self, "assignee", [("", "—"), *assignees])
        _set_choices(self, "category", [("", "—"), *categories])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "not_grievance" and not data.get("reason"):
            self.add_error("reason", _("Choose why these are not grievances."))
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose whom to assign them to."))
        if action == "categorise" and not data.get("category"):
            self.add_error("category", _("Choose the category."))
        return data


# --- one form per action on the grievance page -----------------------------------------------


class PublishedTextForm(forms.Form):
    """A form whose `published_field` the public will read (tracking page, Facebook, SMS).

    Personal data found in it (core.pii) is refused with `privacy_error` until the officer
    ticks `confirm_privacy`; `findings` holds what was found, for the preview.
    """

    published_field = "note"
    privacy_error: Any = ""
    confirm_privacy = forms.BooleanField(
        label=_("I have checked: this personal information may be published"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm_privacy"] = self.fields.pop("confirm_privacy")  # last on the page
        self.findings: list[Finding] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.findings = privacy_findings(data.get(self.published_field, ""))
        if self.findings and not data.get("confirm_privacy"):
            error = self.privacy_error % {"found": privacy_message(self.findings)}
            self.add_error(None, forms.ValidationError(error, code="privacy"))
        return data


class NoteOnlyForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequiredNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(PublishedTextForm):
    """The office closes a resolved grievance (GRO or head, after the citizen's time)."""

    privacy_error = _(
        "The reason seems to contain personal information (%(found)s). Remove it, or "
        "tick the box to confirm it may be published."
    )

    note = forms.CharField(
        label=_("Why the office is closing it (the citizen will see this)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int)

    def __init__(self, *args: Any, assignees: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "assignee", assignees)


class TransferForm(forms.Form):
    office = forms.TypedChoiceField(label=_("To office"), coerce=int)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, offices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "office", offices)


class CategoriseForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)

    def __init__(self, *args: Any, categories: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "category", categories)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=GrievancePriority.choices)


class NotGrievanceForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=NotGrievanceReason.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=_("Tracking code of the original grievance"),
        max_length=30,
        help_text=_("For example DHA-2611-00042"),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def clean_original(self) -> str:
        return to_latin_digits(self.cleaned_data["original"]).strip().upper()


class ResolveForm(PublishedTextForm):
    privacy_error = _(
        "The answer seems to contain personal information (%(found)s). Remove it, or "
        "tick the box to confirm it may be published."
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=GrievanceOutcome.choices)
    referred_to = forms.CharField(
        label=_("Referred to (office or body)"), max_length=300, required=False
    )
    note = forms.CharField(
        label=_("The answer the citizen will see"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("outcome") == GrievanceOutcome.REFERRED
            and not data.get("referred_to", "").strip()
        ):
            self.add_error(
                "referred_to", _("Name the office or body the grievance was referred to.")
            )
        return data


class ReplyForm(PublishedTextForm):
    published_field = "body"
    privacy_error = _(
        "The reply seems to contain personal information (%(found)s). Remove it, or "
        "tick the box to confirm it may be published."
    )
    body = forms.CharField(
        label=_("Public reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 6})
    )
    to_facebook = forms.BooleanField(
        label=_("Also post under the citizen's Facebook comment"), required=False
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if PLACEHOLDER in body:
            raise forms.ValidationError(
                _("Replace the “%(placeholder)s” in the text with what was done before sending."),
                code="placeholder",
                params={"placeholder": PLACEHOLDER},
            )
        return body


class OfficerEntryForm(forms.Form):
    office = forms.TypedChoiceField(label=_("Office"), coerce=int)
    intake_via = forms.ChoiceField(label=_("Received by"), choices=IntakeVia.choices)
    received_on = forms.DateField(label=_("Date received"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    description = forms.CharField(
        label=_("The complaint"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    upazila = forms.TypedChoiceField(
        label=_("Upazila"), coerce=int, required=False, empty_value=None
    )
    citizen_name = forms.CharField(label=_("Citizen's name"), max_length=200, required=False)
    citizen_phone = forms.CharField(label=_("Citizen's mobile"), max_length=20, required=False)
    citizen_email = forms.EmailField(label=_("Citizen's e-mail"), required=False)
    is_anonymous = forms.BooleanField(
        label=_("The citizen wishes to stay anonymous"), required=False
    )

    def __init__(
        self, *args: Any, offices: Choices, categories: Choices, upazilas: Choices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "office", offices)
        _set_choices(self, "category", [("", "—"), *categories])
        _set_choices(self, "upazila", [("", "—"), *upazilas])

    def clean_citizen_phone(self) -> str:
        """As on the citizen's form: the code and private link go to this number by SMS."""
        raw = self.cleaned_data["citizen_phone"].strip()
        if not raw:
            return ""
        phone = normalise_bd_mobile(raw)
        if phone is None:
            raise forms.ValidationError(
                _("That is not a Bangladeshi mobile number. Write it like 01712345678."),
                code="bad_phone",
            )
        return phone


class NotificationReadForm(forms.Form):
    """Mark one notification read (its id), or all of them (no id)."""

    notification = forms.IntegerField(min_value=1, required=False)
