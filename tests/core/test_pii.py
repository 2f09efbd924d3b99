"""The one personal-data detector, on a table of real-looking text (core/pii.py)."""

import logging
import time

import pytest

from core import pii
from core.logging import MaskPiiFilter, mask_pii
from grievances.privacy import privacy_findings

# (text, what must be found as (kind, text as written))
FOUND = [
    # Mobile numbers, however people type them.
    ("ফোন 01711234567", [("phone", "01711234567")]),
    ("call 01711-234567 today", [("phone", "01711-234567")]),
    ("নম্বর 01711 234 567", [("phone", "01711 234 567")]),
    ("+880 1711 234567", [("phone", "+880 1711 234567")]),
    ("+880-1711-234567", [("phone", "+880-1711-234567")]),
    ("+8801711234567", [("phone", "+8801711234567")]),
    ("8801711234567", [("phone", "8801711234567")]),
    ("+88 01711 234567", [("phone", "+88 01711 234567")]),
    ("01711.234.567", [("phone", "01711.234.567")]),
    ("ফোন করুন ০১৭১২-৩৪৫৬৭৮ নম্বরে", [("phone", "০১৭১২-৩৪৫৬৭৮")]),
    ("+৮৮০ ১৭১১ ২৩৪৫৬৭", [("phone", "+৮৮০ ১৭১১ ২৩৪৫৬৭")]),
    ("০১৯১১ ০০০ ১১১ তে", [("phone", "০১৯১১ ০০০ ১১১")]),
    ("26.11.2026 01711234567", [("phone", "01711234567")]),  # a date before it is no part
    ("01711234567, 01811234567", [("phone", "01711234567"), ("phone", "01811234567")]),
    ("01711234567 01811234567", [("phone", "01711234567"), ("phone", "01811234567")]),
    # NID numbers: 10, 13 or 17 digits.
    ("NID 1234567890", [("nid", "1234567890")]),
    ("এনআইডি ১২৩৪৫৬৭৮৯০১২৩", [("nid", "১২৩৪৫৬৭৮৯০১২৩")]),
    ("NID 19901234567890123", [("nid", "19901234567890123")]),
    ("NID 1990 1234 5678 90123", [("nid", "1990 1234 5678 90123")]),
    ("জাতীয় পরিচয়পত্র ১২৩ ৪৫৬ ৭৮৯০", [("nid", "১২৩ ৪৫৬ ৭৮৯০")]),
    # E-mail.
    ("লিখুন rahim.uddin@example.com এ", [("email", "rahim.uddin@example.com")]),
    ("mail: karim+dc@mail.gov.bd.", [("email", "karim+dc@mail.gov.bd")]),
    (
        "rahim@example.com বা 01911-000000",
        [("email", "rahim@example.com"), ("phone", "01911-000000")],
    ),
]

NOT_FOUND = [
    "তারিখ 2026-11-26",
    "২৬.১১.২০২৬ তারিখে শুনানি",
    "26/11/2026",
    "ট্র্যাকিং কোড DHA-2611-00042",
    "কোড ঢাকা-২৬১১-০০০৪২",
    "৳ 5,000 জরিমানা",
    "৳ ৫,০০০ টাকা",
    "Tk 1,50,000",
    "সাল ২০২৬",
    "1971 থেকে 2026",
    "মামলা নং ১২৩/২০২৫, রাস্তা ৫",
    "Case No. 4521 of 2025",
    "ওয়ার্ড ১২, বাড়ি ৩৪, রোড ৫",
    "সময় 10:30, কক্ষ 204",
    "হটলাইন 333",
    "Task succeeded in 0.0133205211s",  # a duration in a log line
    "version 2.1234567890",
    "১২ ১২ ১২ ১২ ১২ জন",  # ten digits, but in short groups: counts, not an NID
    "",
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_finds_phones_nids_and_emails_as_written(text, expected):
    assert [(f.kind, f.text) for f in pii.find(text)] == expected


@pytest.mark.parametrize("text", NOT_FOUND)
def test_dates_codes_amounts_years_and_case_numbers_are_not_personal_data(text):
    assert pii.find(text) == []
    assert not pii.contains(text)


def test_positions_point_into_the_original_text():
    text = "ফোন ০১৭১১-২৩৪৫৬৭ এ"

    (finding,) = pii.find(text)

    assert text[finding.start : finding.end] == "০১৭১১-২৩৪৫৬৭"


def test_contains_can_ask_for_some_kinds_only():
    assert not pii.contains("NID 1234567890", kinds=(pii.PHONE, pii.EMAIL))
    assert pii.contains("NID 1234567890", kinds=(pii.NID,))


def test_mask_replaces_each_finding_and_keeps_the_rest():
    text = "রহিম 01711-234567, rahim@example.com, NID 1234567890, কোড DHA-2611-00042"

    assert pii.mask(text) == "রহিম [phone], [email], NID [nid], কোড DHA-2611-00042"


def test_a_long_text_of_numbers_is_checked_quickly():
    text = " ".join(["12"] * 5000) + " " + "-".join(["123"] * 3000)
    started = time.monotonic()

    pii.find(text)

    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "number", ["01711-234567", "01711 234 567", "+880 1711 234567", "০১৭১১২৩৪৫৬৭"]
)
def test_log_lines_are_masked_with_the_same_detector(number):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "SMS to %s failed", (number,), None)

    MaskPiiFilter().filter(record)

    assert record.getMessage() == "SMS to [phone] failed"


def test_log_masking_also_hides_secrets_in_urls():
    assert mask_pii("GET /track/X/?key=abc123&x=1") == "GET /track/X/?key=[hidden]&x=1"


def test_the_reply_privacy_check_asks_the_same_detector():
    assert [(f.kind, f.text) for f in privacy_findings("call 01711 234 567")] == [
        ("phone", "01711 234 567")
    ]
