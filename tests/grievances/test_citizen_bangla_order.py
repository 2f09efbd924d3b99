"""Districts and upazilas in Bangla alphabetical order in Bangla, English order in English."""

import re
import unicodedata

import pytest
from django.conf import settings

from offices.models import District

pytestmark = pytest.mark.django_db


def _district_options(client) -> list[str]:
    html = client.get("/grievances/new/").content.decode()
    select = re.search(r'<select name="district".*?</select>', html, re.S).group(0)
    return [_nfc(n) for n in re.findall(r'<option value="[a-z-]+">([^<]+)</option>', select)]


def _nfc(text: str) -> str:
    """য় and ড় can be one code point or two: compare them in one form."""
    return unicodedata.normalize("NFC", text)


def _upazila_names(client, district: str) -> list[str]:
    response = client.get("/grievances/new/upazilas/", {"district": district})
    return [u["name"] for u in response.json()["upazilas"]]


def test_districts_are_in_bangla_alphabetical_order_on_the_bangla_page(client):
    names = _district_options(client)

    assert len(names) == 64
    assert names[0] == "কক্সবাজার"
    assert names[-1] == "হবিগঞ্জ"
    # Not English order (Bagerhat first, Dhaka before Jashore) ...
    assert names.index("ঢাকা") < names.index("বাগেরহাট")
    # ... nor code-point order: the inherent vowel comes before া, and ড় sorts as ড.
    assert names.index(_nfc("জয়পুরহাট")) < names.index("জামালপুর")
    assert names.index(_nfc("ময়মনসিংহ")) < names.index("মাগুরা")
    assert names.index(_nfc("কুড়িগ্রাম")) < names.index("কুমিল্লা")


def test_districts_are_in_english_order_on_the_english_page(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    names = _district_options(client)

    assert names == sorted(District.objects.values_list("name_en", flat=True))


def test_upazilas_follow_the_language_too(client):
    bangla = _upazila_names(client, "dhaka")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _upazila_names(client, "dhaka")

    assert english == ["Dhamrai", "Dohar", "Keraniganj", "Nawabganj", "Savar"]
    assert bangla == ["কেরাণীগঞ্জ", "দোহার", "ধামরাই", "নবাবগঞ্জ", "সাভার"]


def test_step_two_offers_the_upazilas_in_bangla_order(client):
    html = client.get("/grievances/new/", {"district": "dhaka"}).content.decode()
    select = re.search(r'<select name="upazila".*?</select>', html, re.S).group(0)

    assert re.findall(r'<option value="\d+">([^<]+)</option>', select) == [
        "কেরাণীগঞ্জ",
        "দোহার",
        "ধামরাই",
        "নবাবগঞ্জ",
        "সাভার",
    ]


def test_the_home_page_lists_the_district_offices_in_bangla_order(client):
    html = _nfc(client.get("/").content.decode())

    assert html.index(_nfc("জয়পুরহাট")) < html.index("জামালপুর") < html.index("ঢাকা")
