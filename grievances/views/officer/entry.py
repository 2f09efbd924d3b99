"""Complaints an officer records for a citizen: by phone, on paper, at 333 or a hearing."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import User
from core.calendar import DHAKA
from core.exceptions import ApplicationError
from grievances import officer_forms as f
from grievances import services
from grievances.access import staff_access_for
from grievances.contact import mask_email, mask_phone
from grievances.models import (
    Category,
    Grievance,
)
from grievances.views.officer._common import (
    _category_choices,
    _detail_url,
    _upazila_choices,
)
from offices.models import Office, Upazila

# --- complaints received by phone, on paper, at 333 or a hearing ------------------------------------


def _entry_recorded_message(grievance: Grievance) -> str:
    """Tell the officer where the citizen's code and private link went (masked), if anywhere."""
    sent_to = []
    if grievance.citizen_phone:
        sent_to.append(_("SMS to %(to)s") % {"to": mask_phone(grievance.citizen_phone)})
    if grievance.citizen_email:
        sent_to.append(_("e-mail to %(to)s") % {"to": mask_email(grievance.citizen_email)})
    if sent_to:
        return _(
            "Recorded as %(code)s. The tracking code and the citizen's private link were sent "
            "by %(sent_to)s."
        ) % {"code": grievance.tracking_code, "sent_to": ", ".join(sent_to)}
    return _(
        "Recorded as %(code)s. No mobile number or e-mail was given: give the citizen this "
        "tracking code."
    ) % {"code": grievance.tracking_code}


@login_required
def grievance_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    staff = staff_access_for(user)
    staff.ensure_may_write()
    office_ids = staff.readable_office_ids() or []
    offices = list(Office.objects.filter(pk__in=office_ids, is_active=True))
    if not offices and not user.is_superuser:
        raise PermissionDenied(_("You do not work in any office."))
    form = f.OfficerEntryForm(
        request.POST or None,
        offices=[(o.pk, o.name) for o in offices],
        categories=_category_choices(),
        upazilas=_upazila_choices(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        office = next(o for o in offices if o.pk == data["office"])
        received_at = None
        if data["received_on"]:
            received_at = datetime.combine(data["received_on"], time(12), tzinfo=DHAKA)
        try:
            grievance = services.grievance_record_officer_entry(
                office=office,
                actor=user,
                intake_via=data["intake_via"],
                description=data["description"],
                subject=data["subject"],
                upazila=Upazila.objects.filter(pk=data["upazila"]).first()
                if data["upazila"]
                else None,
                category=Category.objects.filter(pk=data["category"]).first()
                if data["category"]
                else None,
                citizen_name=data["citizen_name"],
                citizen_phone=data["citizen_phone"],
                citizen_email=data["citizen_email"],
                is_anonymous=data["is_anonymous"],
                received_at=received_at,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _entry_recorded_message(grievance))
            return redirect(_detail_url(grievance))
    return render(request, "officer/grievance_new.html", {"form": form})
