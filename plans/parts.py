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

from core.i18n import DIRECTIONS

MINUTES = "minutes"  # (meeting from Meeting.objects.for_detail()) -> dict
CONSULTATION_REPORT = "consultation_report"  # (window, its published comments) -> dict
IRM = "irm"  # (commitment from the COMMITMENTS source) -> dict or None

_builders: dict[str, str] = {}


def register_part(name: str, builder: str) -> None:
    """Name the function (dotted path) that builds the part `name` of the plan document."""
    _builders[name] = builder


# --- What the plan document reads from the apps above `plans` ------------------------------
#
# The plan document prints commitments, the forum and the comments, which `plans` does not
# import. Each owning app registers, from its `AppConfig.ready()`, a loader for its rows
# (`register_source`) and the rows that put a stored draft out of date, with the path from
# each to its plan (`register_printed_rows`).

COMMITMENTS = "commitments"  # (plan, *, public_only) -> list of commitments, for print
FORUM = "forum"  # (plan) -> list with the plan's forum body, for print
MEETINGS = "meetings"  # (plan) -> list of meetings with published minutes, for print
COMMENTS = "comments"  # (plan) -> list of published public comments, for print

_sources: dict[str, object] = {}

ALL_PLANS = "*"
# Model label -> a chain of foreign keys ending at the plan, "id" for the plan itself, or
# ALL_PLANS for a row any plan may print (an institution, a person).
PRINTED_ROWS: dict[str, str] = {}
# Rows whose missing plan means "every plan" (a forum shared by all plans).
NULL_PLAN_MEANS_ALL: set[str] = set()


def register_source(name: str, loader) -> None:
    """Name the function that reads the rows `name` of the plan document."""
    _sources[name] = loader


def source(name: str):
    try:
        return _sources[name]
    except KeyError:
        message = f"No app registered the plan document's {name!r} rows."
        raise ImproperlyConfigured(message) from None


def register_printed_rows(rows: dict[str, str], *, null_plan_means_all=()) -> None:
    PRINTED_ROWS.update(rows)
    NULL_PLAN_MEANS_ALL.update(null_plan_means_all)


def optional_part(name: str):
    """The builder of part `name`, or None when no app registered it."""
    return import_string(_builders[name]) if name in _builders else None


def part_builder(name: str):
    try:
        return import_string(_builders[name])
    except KeyError:
        message = f"No app registered the plan document's {name!r} part."
        raise ImproperlyConfigured(message) from None


def text(obj, name: str) -> dict:
    """`obj.<name>` in the active language (else the other) with the language it is in."""
    value, language = type(obj).__dict__[name].value_with_language(obj)
    return {"text": value, "lang": language, "dir": DIRECTIONS[language]}


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
