"""Bilingual content fields.

Every translatable text is stored as two plain columns, `<name>_ar` and `<name>_en`
(Arabic first). `Translated("<name>")` reads the one for the active language and falls
back to the other, so templates write `{{ commitment.title }}`.

Why not django-modeltranslation: the portal has exactly two languages, fixed by its users.
Two explicit columns keep migrations, database constraints, django-simple-history,
django-import-export and the admin plain Django, with no registration step that patches
models at start-up (modeltranslation adds fields after `class_prepared`, which history
tables and import resources then miss).
"""

from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]

# Each language's writing direction, from Django's language information (read once).
DIRECTIONS = {code: "rtl" if get_language_info(code)["bidi"] else "ltr" for code in LANGUAGE_CODES}


def bilingual_names(names) -> list[str]:
    """The model fields of bilingual texts: "title" gives "title_ar", "title_en"."""
    return [f"{name}_{code}" for name in names for code in LANGUAGE_CODES]


def active_language() -> str:
    code = get_language()
    if code in LANGUAGE_CODES:  # "ar" or "en": every request of the site
        return code
    code = (code or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


# Each language's order of reading (itself, then the other): built once, read per text.
LANGUAGE_ORDERS = {
    code: (code, *(other for other in LANGUAGE_CODES if other != code)) for code in LANGUAGE_CODES
}


def languages_in_order() -> list[str]:
    """The active language, then the other: the order every bilingual text is read in."""
    return list(LANGUAGE_ORDERS[active_language()])


def in_language(source, name: str, active: str | None = None) -> tuple[str, str]:
    """`<name>_<code>` of `source` (a model row, a history row, or a dict such as a stored
    snapshot) in the active language (`active` when the caller has it already), else in
    the other one, with the language it is really in (for `lang`/`dir` on fallbacks);
    ("", active language) when both are empty."""
    order = LANGUAGE_ORDERS[active or active_language()]
    for code in order:
        key = f"{name}_{code}"
        value = source.get(key) if isinstance(source, dict) else getattr(source, key, "")
        if value:
            return value, code
    return "", order[0]


class Translated:
    """Read-only attribute that returns `<name>_<active language>`, else the other language."""

    def __init__(self, name: str):
        self.name = name

    def __set_name__(self, owner, attr):
        self.attr = attr

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return self.value_with_language(instance)[0]

    def value_with_language(self, instance, active: str | None = None) -> tuple[str, str]:
        """The text and the language it is really in (for `lang`/`dir` on fallbacks)."""
        return in_language(instance, self.name, active)


def choice_label(choices, value):
    """The label of `value` in a TextChoices class in the active language (a str, as Django's
    `get_FOO_display` gives), or the value itself when unknown.

    Models with a status shown once per row of a list define `get_status_display` with
    this: Django's own rebuilds a dictionary of every choice on each call, about ten times
    as slow, and a plan page calls it for every stage and commitment card."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def blocktranslated(pattern: str, **values) -> str:
    """What `{% blocktranslate %}` renders, for texts of list rows built in Python rather
    than by a template tag per row (each tag costs more than the row's own work): `pattern`
    already translated, used as written, with the values escaped."""
    return mark_safe(pattern % {name: conditional_escape(value) for name, value in values.items()})


# Unicode isolates for text that carries no markup (messages, e-mails, spreadsheets): a
# name, a value or an example put inside a sentence keeps its own direction, so a Latin
# value inside Arabic (or Arabic inside English) and a date example read in their order.
FIRST_STRONG_ISOLATE, LEFT_TO_RIGHT_ISOLATE, POP_ISOLATE = "\u2068", "\u2066", "\u2069"


def isolated(value) -> str:
    """`value` in its own direction, worked out from its first letter (like `dir="auto"`)."""
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_ISOLATE}"


def left_to_right(value) -> str:
    """`value` read left to right whatever surrounds it: dates, codes, formats."""
    return f"{LEFT_TO_RIGHT_ISOLATE}{value}{POP_ISOLATE}"
