"""Triage in the officer's pages at 360 px and 1366 px: the inbox's "likely not a grievance"
filter and badge, the grievance page's suggestion, and the one-click undo of an automatic
set-aside. axe-core clean, no sideways scrolling. Screenshots go to artifacts/screenshots/."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grievances.models import GrievanceStatus
from grievances.services import grievance_create_batch
from grievances.services.intake import GrievanceDraft
from offices.models import OfficeRole
from tests.browser.test_officer_inbox import _check_page, _sign_in, desktop  # noqa: F401
from tests.offices.factories import OfficeMembershipFactory
from triage.models import TriageSetting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRAISE = "ধন্যবাদ ডিসি স্যার, আপনার মতো অফিসার প্রতিটি জেলায় দরকার"
GRIEVANCE = "amar jomi dokhol kore niyeche prottibeshi, thana te gele kono kaj hoy na"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_set_aside_comment_is_shown_explained_and_undone(request, office, screenshot, size):
    page = request.getfixturevalue(size)
    width = 360 if size == "phone" else 1366
    officer = OfficeMembershipFactory(office=office, role=OfficeRole.OFFICER).user
    TriageSetting.objects.create(office=office, auto_set_aside=True, threshold=Decimal("0.50"))
    praise, _grievance = grievance_create_batch(
        office=office,
        drafts=[
            GrievanceDraft(channel="facebook_comment", description=t, received_at=timezone.now())
            for t in (PRAISE, GRIEVANCE)
        ],
    )
    assert praise.status == GrievanceStatus.NOT_GRIEVANCE

    _sign_in(page, officer)
    page.goto("/officer/?tab=all&suggested=not_grievance")
    rows = page.locator(".inbox-row")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".triage-badge")).to_be_visible()
    _check_page(page, width)
    screenshot(page, "inbox")

    rows.first.locator("a.code").click()
    panel = page.locator("section.triage")
    expect(panel).to_be_visible()
    expect(panel.locator(".triage-praise")).to_be_visible()
    expect(page.locator(".triage-note").first).to_be_visible()  # the timeline says why
    _check_page(page, width)
    screenshot(page, "detail")

    panel.get_by_role("button").click()
    expect(page.locator("section.triage button")).to_have_count(0)
    praise.refresh_from_db()
    assert praise.status == GrievanceStatus.NEW
    screenshot(page, "undone")
