"""The plain data the plan document is made of, and the parts other apps supply.

Every text of a printed document is a dict `{"text", "lang", "dir"}` (`text()`), every date
a string already formatted in the document's language (`day()`, `span()`): plain data, so
a published final version keeps it as JSON and prints the same for ever.

Two annexes print rows `plans` does not import (DESIGN.md): the minutes of the forum's
meetings (annex A) and the consultation report (annex B). The app that owns the rows
registers, from its `AppConfig.ready()`, the function that turns them into the plain data
of its own partial template; its standalone document (the minutes PDF, the report page and
PDF) and the plan's annex then print the same data with the same partial. The function is
registered by dotted path, so that starting Django loads no PDF machinery.

This module imports nothing heavy: the apps import it at start-up.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils import formats
from django.utils.module_loading import import_string

MINUTES = "minutes"  # (meeting from Meeting.objects.for_detail()) -> dict
CONSULTATION_REPORT = "consultation_report"  # (window, its published comments) -> dict

_builders: dict[str, str] = {}


def register_part(name: str, builder: str) -> None:
    """Name the function (dotted path) that builds the part `name` of the plan document."""
    _builders[name] = builder


def part_builder(name: str):
    try:
        return import_string(_builders[name])
    except KeyError:
        message = f"No app registered the plan document's {name!r} part."
        raise ImproperlyConfigured(message) from None


def text(obj, name: str) -> dict:
    """`obj.<name>` in the active language (else the other) with the language it is in."""
    value, language = type(obj).__dict__[name].value_with_language(obj)
    return {"text": value, "lang": language, "dir": "rtl" if language == "ar" else "ltr"}


def raw_text(value: str) -> dict:
    """Text of unknown language (a citizen's comment): the reader's direction is `auto`."""
    return {"text": value, "lang": "", "dir": "auto"}


def day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def clock(value) -> str:
    return formats.time_format(value, "TIME_FORMAT") if value else ""


def span(start, end) -> str:
    if not start and not end:
        return ""
    return f"{day(start) or '…'} – {day(end) or '…'}"
