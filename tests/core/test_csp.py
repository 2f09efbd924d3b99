"""A Content-Security-Policy on every page: this site's own files only, nothing inline."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OWN_TEMPLATES = sorted(
    path
    for pattern in ("templates/**/*.html", "*/templates/**/*.html", "*/*/templates/**/*.html")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize(
    "url",
    ["/", "/grievances/new/", "/grievances/new/?district=dhaka", "/track/", "/accounts/login/"],
)
def test_every_page_allows_only_its_own_files(client, url):
    response = client.get(url)

    policy = _policy(response)
    assert response.status_code == 200
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_officer_pages_carry_the_policy(client, officer):
    client.force_login(officer)

    response = client.get("/officer/", follow=True)

    assert _policy(response)["script-src"] == ["'self'"]


def test_the_api_docs_page_works_under_its_own_relaxed_policy(client):
    page = client.get(reverse("api-docs"))
    script = client.get(reverse("api-docs") + "?script=")

    policy = _policy(page)
    html = page.content.decode()
    assert page.status_code == 200
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert "data:" in policy["img-src"]
    assert re.search(r'<script src="[^"]*\?script=', html)
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize("path", OWN_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_or_style(path):
    html = path.read_text()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"
    assert "javascript:" not in html
