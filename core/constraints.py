"""The database's CHECK rules that many models state alike, each written once.

A choice field holds one of its choices; a number is 1 or more; a text is not empty; a date
or time is not before another. Each model's `Meta.constraints` names its rules with these
builders, and the names they give are the ones the tables already have, so the migrations
see no change (`makemigrations --check`). A rule that only one model has stays written out
where it is (a published plan has its date, a task force has its commitment...).

The messages stay at the call: `makemessages` reads them there, and each says what the
rule means for that model ("The milestone number must be 1 or more.").
"""

import functools
import operator

from django.db.models import CheckConstraint, F, Q
from django.utils.translation import gettext_lazy as _

from core.i18n import LANGUAGE_CODES

# A share done of a milestone (its record, a progress report, a spreadsheet's cell, a form):
# a whole percent from 0 to 100, refused with this message wherever it is typed.
PERCENT_DONE_MESSAGE = _("The percent done must be between 0 and 100.")


def is_percent(value) -> bool:
    return 0 <= value <= 100


def one_of(
    prefix: str, field: str, values, *, blank: bool = False, name: str = ""
) -> CheckConstraint:
    """`field` holds one of `values` (a choices class's `.values`), or is blank when
    `blank`: "<prefix>_<field>_valid" unless `name` says otherwise."""
    condition = Q(**{f"{field}__in": list(values)})
    if blank:
        condition = Q(**{field: ""}) | condition
    return CheckConstraint(condition=condition, name=name or f"{prefix}_{field}_valid")


def language(prefix: str, field: str = "language") -> CheckConstraint:
    """`field` holds one of the site's language codes."""
    return one_of(prefix, field, LANGUAGE_CODES)


def positive(prefix: str, field: str, message=None) -> CheckConstraint:
    """`field` is 1 or more: "<prefix>_<field>_positive"."""
    return CheckConstraint(
        condition=Q(**{f"{field}__gte": 1}),
        name=f"{prefix}_{field}_positive",
        violation_error_message=message,
    )


def not_empty(prefix: str, field: str, *, name: str = "") -> CheckConstraint:
    """`field` is not the empty text: "<prefix>_<field>_not_empty" unless `name` says
    otherwise."""
    return CheckConstraint(condition=~Q(**{field: ""}), name=name or f"{prefix}_{field}_not_empty")


def not_before(
    later: str,
    earlier: str,
    *,
    name: str,
    message=None,
    strict: bool = False,
    optional: tuple[str, ...] = (),
) -> CheckConstraint:
    """`later` is not before `earlier` (after it when `strict`); the rule holds too when one
    of the `optional` fields (which may be empty) is empty."""
    comparison = Q(**{f"{later}__{'gt' if strict else 'gte'}": F(earlier)})
    parts = [Q(**{f"{field}__isnull": True}) for field in optional] + [comparison]
    return CheckConstraint(
        condition=functools.reduce(operator.or_, parts),
        name=name,
        violation_error_message=message,
    )


def percent_done(prefix: str, field: str = "progress_percent") -> CheckConstraint:
    """`field` (a positive whole number) is at most 100: "<prefix>_percent_at_most_100"."""
    return CheckConstraint(
        condition=Q(**{f"{field}__lte": 100}),
        name=f"{prefix}_percent_at_most_100",
        violation_error_message=PERCENT_DONE_MESSAGE,
    )
