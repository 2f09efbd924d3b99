"""The reader of a citizen's "was it fixed?" answer on Facebook: a table of real-looking replies."""

import unicodedata

import pytest

from grievances.feedback_text import FeedbackReading, normalise, read_feedback

FIXED, NOT_FIXED, UNCLEAR = (
    FeedbackReading.FIXED,
    FeedbackReading.NOT_FIXED,
    FeedbackReading.UNCLEAR,
)

ANSWERS = [
    # Bangla, fixed
    ("হ্যাঁ", FIXED),
    ("হ্যা", FIXED),
    ("জি, ঠিক হয়েছে", FIXED),
    ("ঠিক হয়েছে, ধন্যবাদ স্যার", FIXED),
    ("আলহামদুলিল্লাহ, রাস্তার বাতি ঠিক হয়ে গেছে", FIXED),
    ("হ্যাঁ হয়েছে। অনেক ধন্যবাদ ডিসি অফিসকে", FIXED),
    ("সমাধান পেয়েছি", FIXED),
    ("এখন ঠিক আছে", FIXED),
    ("হ্যাঁঁঁ", FIXED),
    # Bangla, not fixed
    ("না", NOT_FIXED),
    ("হয়নি", NOT_FIXED),
    ("না ভাই, এখনো হয়নি", NOT_FIXED),
    ("কিছুই হয় নাই", NOT_FIXED),
    ("ঠিক হয় নি, আগের মতোই আছে", NOT_FIXED),
    ("এখনও পানি জমে আছে", NOT_FIXED),
    ("দুই দিন পর আবার নষ্ট হয়ে গেছে", NOT_FIXED),
    ("এখনো হয়নি কেন?", NOT_FIXED),
    ("নাাা", NOT_FIXED),
    # Banglish, fixed
    ("hoyeche", FIXED),
    ("Thik hoise bhai, thanks", FIXED),
    ("ji hoyeche", FIXED),
    ("haa thik hoye geche", FIXED),
    ("solve hoise, dhonnobad", FIXED),
    ("HOISEEE", FIXED),
    # Banglish, not fixed
    ("hoy nai", NOT_FIXED),
    ("ekhono hoy nai", NOT_FIXED),
    ("akhono thik hoynai vai", NOT_FIXED),
    ("na", NOT_FIXED),
    ("kichui hoy nai, same problem", NOT_FIXED),
    ("hoini", NOT_FIXED),
    # English
    ("Yes solved", FIXED),
    ("yes, it is fixed now. Thank you!", FIXED),
    ("YESSS", FIXED),
    ("Problem solved", FIXED),
    ("not fixed", NOT_FIXED),
    ("No", NOT_FIXED),
    ("thanks but still not fixed", NOT_FIXED),
    ("Nope, nothing happened", NOT_FIXED),
    ("not yet", NOT_FIXED),
    ("It isn't fixed", NOT_FIXED),
    # Decided: the words about the state outrank a bare yes/no
    ("না, ঠিক হয়েছে", FIXED),
    ("no no, it is fixed", FIXED),
    ("yes, still not fixed", NOT_FIXED),
    # Unclear: questions, acknowledgements, both sides, unrelated text
    ("ঠিক হয়েছে?", UNCLEAR),
    ("কবে ঠিক হবে?", UNCLEAR),
    ("kobe thik hobe?", UNCLEAR),
    ("when will it be fixed?", UNCLEAR),
    ("হ্যাঁ?", UNCLEAR),
    ("ঠিক আছে", UNCLEAR),
    ("ok", UNCLEAR),
    ("Thanks", UNCLEAR),
    ("ধন্যবাদ", UNCLEAR),
    ("একটা রাস্তা ঠিক হয়েছে, আরেকটা এখনো হয়নি", UNCLEAR),
    ("yes no", UNCLEAR),
    ("আমার ফোন নম্বর ০১৭১১০০০০০০", UNCLEAR),
    ("😀👍", UNCLEAR),
    ("", UNCLEAR),
    ("Please call me", UNCLEAR),
]


def test_the_table_has_at_least_forty_answers():
    assert len(ANSWERS) >= 40


@pytest.mark.parametrize(("text", "expected"), ANSWERS, ids=[t or "(empty)" for t, _ in ANSWERS])
def test_a_citizens_answer_reads_as(text, expected):
    assert read_feedback(text) == expected


def test_ya_written_with_a_nukta_or_precomposed_reads_the_same():
    precomposed = "হয়নি"  # য় as one code point (U+09DF)
    decomposed = "হয" + "\u09bc" + "নি"
    assert read_feedback(precomposed) == read_feedback(decomposed) == NOT_FIXED
    assert (
        normalise(precomposed) == normalise(decomposed) == unicodedata.normalize("NFC", decomposed)
    )


def test_bangla_digits_become_latin_and_repeats_collapse():
    assert normalise("৩ দিন!!! Nooo") == "3 দিন no"
