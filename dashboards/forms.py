"""The dashboards' filters, as GET parameters so any view can be bookmarked and shared."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.metrics import Filters
from grievances.models import Category, GrievanceChannel
from offices.models import Division

PERIODS = (
    ("month", _("This month")),
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("year", _("This year")),
    ("custom", _("Custom")),
)
DEFAULT_PERIOD = "90"


def period_dates(
    period: str, today: date, start: date | None, end: date | None
) -> tuple[date, date]:
    if period == "month":
        return today.replace(day=1), today
    if period == "30":
        return today - timedelta(days=29), today
    if period == "year":
        return today.replace(month=1, day=1), today
    if period == "custom" and start and end:
        return (start, end) if start <= end else (end, start)
    return today - timedelta(days=89), today


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    division = forms.ModelChoiceField(
        label=_("Division"),
        queryset=Division.objects.none(),
        required=False,
        empty_label=_("All divisions"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("All categories"),
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(
        self, *args: object, divisions: list[Division] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        division_field = self.fields["division"]
        assert isinstance(division_field, forms.ModelChoiceField)  # noqa: S101
        division_field.queryset = Division.objects.filter(
            pk__in=[d.pk for d in divisions]
            if divisions is not None
            else Division.objects.values("pk")
        )
        division_field.label_from_instance = lambda d: d.name  # type: ignore[method-assign,assignment]
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ModelChoiceField)  # noqa: S101
        category_field.queryset = Category.objects.filter(is_active=True)
        category_field.label_from_instance = lambda c: c.name  # type: ignore[method-assign,assignment]
        channel_field = self.fields["channel"]
        assert isinstance(channel_field, forms.ChoiceField)  # noqa: S101
        channel_field.choices = [("", _("All channels")), *GrievanceChannel.choices]

    def filters(self, *, today: date, district_ids: list[int] | None) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        period = data.get("period") or DEFAULT_PERIOD
        start, end = period_dates(period, today, data.get("start"), data.get("end"))
        division = data.get("division")
        if division is not None:
            in_division = list(division.districts.values_list("pk", flat=True))
            district_ids = (
                in_division
                if district_ids is None
                else [d for d in district_ids if d in in_division]
            )
        category = data.get("category")
        return Filters(
            start=start,
            end=end,
            district_ids=district_ids,
            category_id=category.pk if category else None,
            channel=data.get("channel") or None,
        )
