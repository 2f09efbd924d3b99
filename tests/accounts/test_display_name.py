"""Staff names: the Bangla name in the Bangla interface, the English one in English."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.offices.factories import OfficeMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_is_named_in_the_interfaces_language():
    user = UserFactory.build(first_name="Nasrin", last_name="Akter", full_name_bn="নাসরিন আক্তার")

    with translation.override("bn"):
        assert user.display_name == str(user) == "নাসরিন আক্তার"
    with translation.override("en"):
        assert user.display_name == str(user) == "Nasrin Akter"


def test_without_a_bangla_name_the_english_name_is_shown_in_bangla_too():
    user = UserFactory.build(username="nasrin", first_name="Nasrin", last_name="", full_name_bn="")

    with translation.override("bn"):
        assert str(user) == "Nasrin"


def test_the_officer_pages_show_the_bangla_name_in_bangla(client, office):
    user = OfficeMembershipFactory(
        office=office, user__first_name="Karim", user__full_name_bn="করিম রহমান"
    ).user
    client.force_login(user)

    bangla = client.get(reverse("grievances:officer-inbox")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    english = client.get(reverse("grievances:officer-inbox")).content.decode()

    assert "করিম রহমান" in bangla
    assert "Karim" not in bangla
    assert "Karim" in english
