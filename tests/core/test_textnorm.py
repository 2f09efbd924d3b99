import pytest

from core.textnorm import normalise, normalise_query, script_of

# (typed, what the classifier reads)
TABLE = [
    # NFC: য় typed as য + nukta or as the precomposed letter reads the same.
    ("\u09df", "\u09af\u09bc"),
    ("জায\u09bcগা", "জায়গা"),
    # ো typed as its two halves (ে + া).
    ("ম\u09c7\u09be", "ম\u09cb"),
    # Zero-width joiners and non-joiners from Bangla keyboards.
    ("উদ\u200d্যোগ", "উদ্যোগ"),
    ("ক্\u200cষ", "ক্ষ"),
    ("\ufeffধন্যবাদ", "ধন্যবাদ"),
    # Bangla digits become Latin ones.
    ("০১৭১২৩৪৫৬৭৮", "01712345678"),
    ("৫০০ টাকা", "500 টাকা"),
    # Latin is lower-cased; the dari becomes a full stop; quotes become ASCII.
    ("Thank You DC Sir।", "thank you dc sir."),
    ("“ভালো”", '"ভালো"'),
    # A letter repeated three times or more is cut to two; marks and emoji runs to one.
    ("plzzzzz", "please"),
    ("ধন্যবাদদদদদ", "ধন্যবাদদ"),
    ("sooooo good!!!", "soo good!"),
    ("🙏🙏🙏🙏", "🙏"),
    ("❤️❤️❤️", "❤️"),
    # Common romanised spellings become one.
    ("amr zomi dokhol hoiye geche", "amar jomi dokhol hoye geche"),
    ("Vai kisu koren pls", "bhai kichu korun please"),
    ("tnx sir", "thanks sir"),
    # White space is collapsed.
    ("  রাস্তা \n\t ভাঙা  ", "রাস্তা ভাঙা"),
]


@pytest.mark.parametrize(("typed", "read"), TABLE)
def test_normalise(typed, read):
    assert normalise(typed) == read


def test_normalise_is_idempotent():
    for typed, _read in TABLE:
        assert normalise(normalise(typed)) == normalise(typed)


def test_the_search_query_keeps_the_text_as_stored_but_reads_bangla_digits():
    assert normalise_query("  ৫০০   টাকা ") == "500 টাকা"
    assert normalise_query("জায\u09bcগা") == "জায\u09bcগা"  # stored texts are not normalised


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("আমার জমি দখল হয়ে গেছে", "bn"),
        ("amar jomi dokhol hoye geche", "latin"),
        ("স্যার amar jomi dokhol", "mixed"),
        ("🙏", "none"),
    ],
)
def test_script_of(text, script):
    assert script_of(text) == script
