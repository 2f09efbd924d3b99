import pytest

from grievances.tracking import (
    access_key_matches,
    hash_access_key,
    new_access_key,
    normalise_tracking_code,
    tracking_link,
    tracking_path,
)


@pytest.mark.parametrize(
    "typed",
    ["DHA-2611-00042", "dha-2611-00042", "DHA 2611 00042", "DHA261100042", "ঢDHA-২৬১১-০০০৪২"[1:]],
)
def test_tracking_codes_are_normalised(typed):
    assert normalise_tracking_code(typed) == "DHA-2611-00042"


@pytest.mark.parametrize("typed", ["", "DHA", "DHA-26-1", "<script>", "DHA-2611-00042; DROP"])
def test_what_cannot_be_a_code_is_refused(typed):
    assert normalise_tracking_code(typed) is None


def test_access_keys_are_random_and_only_their_hash_matches():
    key, other = new_access_key(), new_access_key()

    assert key != other
    assert len(key) >= 24
    assert access_key_matches(key=key, key_hash=hash_access_key(key))
    assert not access_key_matches(key=other, key_hash=hash_access_key(key))


def test_a_tracking_link_is_the_tracking_path_on_site_url(settings):
    settings.SITE_URL = "https://shunani.example.gov.bd/"

    assert tracking_path(code="DHA-2611-00042") == "/track/DHA-2611-00042/"
    assert tracking_path(code="DHA-2611-00042", key="k-1") == "/track/DHA-2611-00042/?key=k-1"
    assert tracking_link(code="DHA-2611-00042", key="k-1") == (
        "https://shunani.example.gov.bd/track/DHA-2611-00042/?key=k-1"
    )
