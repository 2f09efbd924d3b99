"""Fill empty msgstr entries of the Bangla catalogue from a Python dict file.

    python scripts/fill_translations.py TRANSLATIONS.py [locale/bn/LC_MESSAGES/django.po]

The dict file defines `T = {"English msgid": "বাংলা", ...}`. Existing translations are kept.
"""

import runpy
import sys

import polib


def main() -> None:
    table = runpy.run_path(sys.argv[1])["T"]
    path = sys.argv[2] if len(sys.argv) > 2 else "locale/bn/LC_MESSAGES/django.po"
    catalogue = polib.pofile(path)
    filled = 0
    for entry in catalogue:
        if entry.msgid in table and (not entry.msgstr or entry.fuzzy):
            entry.msgstr = table[entry.msgid]
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
            filled += 1
    catalogue.save(path)
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    print(f"filled {filled}; still untranslated: {len(missing)}")
    for msgid in missing:
        print("  ", msgid)


if __name__ == "__main__":
    main()
