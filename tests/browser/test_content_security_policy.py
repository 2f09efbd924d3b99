"""Pages work under the Content-Security-Policy: the browser reports no violation."""

import pytest

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
