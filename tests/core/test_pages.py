import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_home_page_is_in_bangla_by_default(client):
    response = client.get(reverse("grievances:home"))

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "bn"
    assert "জেলা প্রশাসকের" in response.content.decode() or "অভিযোগ" in response.content.decode()
    assert 'lang="bn"' in response.content.decode()


def test_the_language_switch_shows_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("grievances:home"))

    assert 'lang="en"' in response.content.decode()
    assert "Track a grievance" in response.content.decode()


def test_officer_sign_in_works(client, officer):
    response = client.post(
        reverse("accounts:login"), {"username": officer.username, "password": "pw-for-tests"}
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(officer.pk)


def test_admin_sign_in_page_is_served(client):
    assert client.get("/admin/login/").status_code == 200


def test_an_english_browser_still_gets_bangla_until_english_is_chosen(client):
    response = client.get(reverse("grievances:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert 'lang="bn"' in response.content.decode()
