"""Pages work under the Content-Security-Policy: the browser reports no violation."""

import pytest

from grievances.services import grievance_create
from offices.models import OfficeRole
from tests.offices.factories import OfficeMembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


@pytest.mark.parametrize(
    "path", ["/", "/grievances/new/?district=dhaka", "/track/", "/admin/login/"]
)
def test_pages_run_without_policy_violations(phone, path):
    violations = _watch_violations(phone)

    response = phone.goto(path)
    phone.wait_for_load_state("networkidle")

    assert response.status == 200
    assert violations == []


def test_the_api_docs_render_under_their_own_policy(phone):
    violations = _watch_violations(phone)

    phone.goto("/api/docs/")
    phone.locator(".swagger-ui .info .title").wait_for()

    assert "Shunani API" in phone.locator(".swagger-ui .info .title").inner_text()
    assert violations == []


def test_officer_pages_run_without_policy_violations(phone, office):
    membership = OfficeMembershipFactory(office=office, role=OfficeRole.OFFICER)
    grievance, _key = grievance_create(
        office=office, channel="web", description="<script>alert(1)</script> রাস্তা ভাঙা"
    )
    violations = _watch_violations(phone)

    phone.goto("/officer/")
    phone.wait_for_url("**/accounts/login/**")
    phone.locator("main #id_username").fill(membership.user.username)
    phone.locator("main #id_password").fill("pw-for-tests")
    phone.locator("main").get_by_role("button", name="লগইন করুন").click()
    phone.wait_for_url("**/officer/")
    for path in (
        f"/officer/grievances/{grievance.pk}/",
        "/officer/grievances/new/",
        "/officer/notifications/",
    ):
        assert phone.goto(path).status == 200, path
        phone.wait_for_load_state("networkidle")

    assert violations == []
