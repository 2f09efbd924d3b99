"""Input validation for the citizens' pages. Forms parse and check; services write."""

import re
import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.digits import to_bangla_digits, to_latin_digits
from grievances.attachments import MAX_FILES, CleanFile, clean_upload, max_attachment_bytes
from grievances.models import Category
from grievances.pending_uploads import pending_load
from grievances.tracking import normalise_tracking_code
from offices.models import District, Upazila
from offices.selectors import district_list, upazila_list

DESCRIPTION_MAX = 5000
COMMENT_MAX = 2000
_PHONE = re.compile(r"^(?:\+?88)?(01[3-9]\d{8})$")
_FORM_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def normalise_bd_mobile(text: str) -> str | None:
    """`০১৭১২-৩৪৫৬৭৮`, `+880 1712 345678` → `+8801712345678`; None if not a BD mobile."""
    compact = re.sub(r"[\s\-().]", "", to_latin_digits(text.strip()))
    match = _PHONE.match(compact)
    return f"+88{match.group(1)}" if match else None


def _local(number: int) -> str:
    text = str(number)
    return to_bangla_digits(text) if (get_language() or "bn").startswith("bn") else text


class LocalDigitsErrorsMixin(forms.Form):
    """Numbers in error messages (limits, counts) in Bangla digits on the Bangla page."""

    def full_clean(self) -> None:
        super().full_clean()
        if not (get_language() or "bn").startswith("bn"):
            return
        for errors in self.errors.values():
            errors.data = [_with_local_numbers(error) for error in errors.data]


def _with_local_numbers(error: Any) -> Any:
    if not isinstance(error, ValidationError) or not error.params:
        return error
    message = re.sub(r"%\((\w+)\)d", r"%(\1)s", str(error.message))
    params = {
        name: to_bangla_digits(str(value)) if isinstance(value, int) else value
        for name, value in error.params.items()
    }
    return ValidationError(message % params, code=error.code)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_FILES files, each checked by content; cleans to a list of `CleanFile`."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp,application/pdf")

    def clean(self, data: Any, initial: Any = None) -> list[CleanFile]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                _("You can send at most %(count)s files."),
                code="too_many",
                params={"count": _local(MAX_FILES)},
            )
        cleaned, errors = [], []
        for upload in uploads:
            if not isinstance(upload, UploadedFile):
                errors.append(ValidationError(_("That is not a file."), code="invalid"))
                continue
            try:
                cleaned.append(clean_upload(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return cleaned


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class UpazilaChoiceField(NamedChoiceField):
    """Offers the chosen district's upazilas; accepts any, so `clean` can say what is wrong."""

    def to_python(self, value: Any) -> Upazila | None:
        if value in self.empty_values:
            return None
        try:
            return Upazila.objects.get(pk=int(value))
        except (ValueError, TypeError, Upazila.DoesNotExist):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class HoneypotMixin(forms.Form):
    # Hidden from people by CSS and from screen readers by aria-hidden; bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Please leave the last field empty."), code="honeypot")
        return ""


class DistrictStepForm(forms.Form):
    """Step 1 without JavaScript: choose the district, then the rest of the form."""

    district = NamedChoiceField(
        queryset=District.objects.all(),  # in the language's order: see __init__
        to_field_name="slug",
        label=_("District"),
        empty_label=_("Choose your district"),
        error_messages={
            "required": _("Choose your district."),
            "invalid_choice": _("Choose a district from the list."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = district_list()  # type: ignore[attr-defined]


class GrievanceFileForm(LocalDigitsErrorsMixin, HoneypotMixin, DistrictStepForm):
    upazila = UpazilaChoiceField(
        queryset=Upazila.objects.all(),
        required=False,
        label=_("Upazila"),
        empty_label=_("Whole district / not sure"),
        error_messages={"invalid_choice": _("Choose an upazila from the list.")},
    )
    category = NamedChoiceField(
        queryset=Category.objects.filter(is_active=True),
        label=_("What is it about?"),
        empty_label=_("Choose a subject"),
        error_messages={
            "required": _("Choose what the grievance is about."),
            "invalid_choice": _("Choose a subject from the list."),
        },
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        help_text=_("What happened, where and when. Do not write passwords or bank details."),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Describe the problem."),
            "max_length": _(
                "Keep the description under %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    attachments = AttachmentsField(
        label=_("Photos or documents (optional)"),
        help_text="",  # set in __init__: depends on the configured size
    )
    citizen_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": _("Keep the name under %(limit_value)d characters.")},
    )
    citizen_phone = forms.CharField(
        label=_("Mobile number (optional)"),
        help_text=_("For the tracking code by SMS, e.g. 01712345678."),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": _("That is not a Bangladeshi mobile number.")},
    )
    citizen_email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("That is not an e-mail address."),
            "max_length": _("That is not an e-mail address."),
        },
    )
    is_anonymous = forms.BooleanField(
        label=_("Stay anonymous: do not keep my name"),
        required=False,
    )
    show_name_publicly = forms.BooleanField(
        label=_("Show my name on the public tracking page"),
        required=False,
    )
    # One-time token: a resend of this same form (double tap, slow link) files nothing new.
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)
    # Signed token naming files kept from a submit that had an error elsewhere.
    pending_files = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = [
        "district",
        "upazila",
        "category",
        "description",
        "attachments",
        "citizen_name",
        "citizen_phone",
        "citizen_email",
        "is_anonymous",
        "show_name_publicly",
        "website",
        "form_token",
        "pending_files",
    ]

    def __init__(self, *args: Any, district: District | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_token"] = secrets.token_urlsafe(24)
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files: photos (JPEG, PNG) or PDF, at most %(mb)s MB each."
        ) % {"count": _local(MAX_FILES), "mb": _local(max_attachment_bytes() // (1024 * 1024))}
        # Without JavaScript the upazila list is the chosen district's (step 2 of the form).
        chosen = district or self._district_from_data()
        upazilas = self.fields["upazila"]
        if chosen is not None:
            upazilas.queryset = upazila_list(district=chosen)  # type: ignore[attr-defined]
        else:
            upazilas.queryset = Upazila.objects.none()  # type: ignore[attr-defined]
        self.chosen_district = chosen

    def _district_from_data(self) -> District | None:
        slug = (self.data.get("district") if self.is_bound else self.initial.get("district")) or ""
        if isinstance(slug, District):
            return slug
        return District.objects.filter(slug=str(slug)).first()

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if not description:
            raise ValidationError(_("Describe the problem."), code="required")
        return description

    def clean_form_token(self) -> str:
        """Junk in place of a token is ignored (the filing is then simply not de-duplicated)."""
        token = self.cleaned_data.get("form_token", "")
        return token if _FORM_TOKEN.match(token) else ""

    def clean_citizen_name(self) -> str:
        return self.cleaned_data.get("citizen_name", "").strip()

    def clean_citizen_phone(self) -> str:
        raw = self.cleaned_data.get("citizen_phone", "").strip()
        if not raw:
            return ""
        phone = normalise_bd_mobile(raw)
        if phone is None:
            raise ValidationError(
                _("That is not a Bangladeshi mobile number. Write it like 01712345678."),
                code="bad_phone",
            )
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        district, upazila = cleaned.get("district"), cleaned.get("upazila")
        if district is not None and upazila is not None and upazila.district_id != district.pk:
            self.add_error("upazila", _("That upazila is not in the chosen district."))
        if not cleaned.get("attachments") and "attachments" not in self.errors:
            # Nothing new attached: the files kept from the last submit, if any.
            cleaned["attachments"] = pending_load(cleaned.get("pending_files", ""))
        else:
            cleaned["pending_files"] = ""
        if cleaned.get("is_anonymous"):
            cleaned["show_name_publicly"] = False
        if cleaned.get("show_name_publicly") and not cleaned.get("citizen_name"):
            self.add_error("citizen_name", _("Write your name, or untick “show my name”."))
        return cleaned


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        error_messages={"required": _("Write the tracking code.")},
    )

    def clean_code(self) -> str:
        code = normalise_tracking_code(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(
                _("That does not look like a tracking code. It looks like DHA-2611-00042."),
                code="bad_code",
            )
        return code


class CitizenInfoForm(LocalDigitsErrorsMixin):
    text = forms.CharField(
        label=_("What would you like to add?"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _("Keep it under %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    attachments = AttachmentsField(label=_("Photos or documents (optional)"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not self.errors
            and not cleaned.get("text", "").strip()
            and not cleaned.get("attachments")
        ):
            raise ValidationError(_("Write something or attach a file."), code="empty")
        return cleaned


class FeedbackForm(LocalDigitsErrorsMixin):
    NEXT_REOPEN = "reopen"
    NEXT_APPEAL = "appeal"

    is_fixed = forms.TypedChoiceField(
        label=_("Was the problem fixed?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the problem was fixed.")},
    )
    rating = forms.TypedChoiceField(
        label=_("How was the service? (1 = very poor, 5 = very good)"),
        help_text=_("You may leave it out if the problem was not fixed."),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the comment under %(limit_value)d characters.")},
    )
    next_step = forms.ChoiceField(
        label=_("If it was not fixed"),
        required=False,
        choices=[
            (NEXT_REOPEN, _("Reopen: the district office works on it again")),
            (NEXT_APPEAL, _("Appeal: the divisional commissioner's office takes it")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, can_appeal: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if (get_language() or "bn").startswith("bn"):
            self.fields["rating"].choices = [  # type: ignore[attr-defined]
                (str(n), to_bangla_digits(str(n))) for n in range(1, 6)
            ]
        if not can_appeal:
            self.fields["next_step"].choices = self.fields["next_step"].choices[:1]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("is_fixed")
            and cleaned.get("rating") is None
            and "rating" not in self.errors
        ):
            self.add_error("rating", _("Choose a rating from 1 to 5."))
        if cleaned.get("is_fixed") is False and not cleaned.get("next_step"):
            self.add_error("next_step", _("Choose whether to reopen or to appeal."))
        if cleaned.get("is_fixed"):
            cleaned["next_step"] = ""
        return cleaned
