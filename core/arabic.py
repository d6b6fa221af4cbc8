"""Comparing names the way a person reads them, whatever the spelling of the file.

Spreadsheets from ministries spell the same name in many ways: "وزارة الشباب" with or
without diacritics, "إ" or "ا", "ة" or "ه", "ى" or "ي", extra spaces, Latin case. Two names
that `normalise` to the same text are the same name. This is the shared normaliser of the
importers (`meetings.pasting` keeps its own, which also folds punctuation).
"""

import re

# Harakat, shadda, sukun, superscript alef, Quranic marks and the tatweel (kashida).
DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
    }
)
# Arabic-Indic and Eastern Arabic-Indic digits read as ASCII digits.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalise(text) -> str:
    """`text` folded for comparison: no diacritics, one alef, ه for ة, ي for ى, ASCII digits,
    lower case, single spaces, no leading or trailing space."""
    text = DIACRITICS.sub("", str(text or "")).translate(LETTERS).translate(DIGITS)
    return " ".join(text.casefold().split())


def ascii_digits(text: str) -> str:
    """`text` with Arabic-Indic digits written as ASCII digits (for numbers and dates)."""
    return str(text).translate(DIGITS)
