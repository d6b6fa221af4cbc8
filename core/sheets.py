"""Spreadsheet import and export in the staff workspace: upload → preview → confirm.

Each kind of sheet (commitments, milestone progress, organisations...) is a `Sheet`
registered with `register()`; the views here do the rest for every kind:

- the upload page reads the file (`core.spreadsheets.read_upload`: type, size, zip
  and XML bombs, row limit, formulas), finds the header row (headers in Arabic, English or
  the field name), and keeps the rows in the session under a random token;
- the preview page asks the sheet to `analyse` the rows against the database with the
  user's choices (pairings, unknown organisations) and shows, row by row, what would
  change, in both languages, with errors beside their row and column;
- confirming analyses again, and if nothing is wrong `apply`s the whole file in one
  transaction through the services: a failing row saves nothing of the file.

A sheet's `analyse` reads what it compares the rows against once for the whole file
(lookup maps; `SavedRows` and `problems_without_queries` instead of `full_clean()` per row),
so a preview runs as many queries for 50 rows as for 5 (tests/site/test_import_queries.py).

Another app plugs a sheet in by subclassing `Sheet` and calling `register(MySheet())`
from its `AppConfig.ready()` (the meetings and consultations developers' attendance,
member and off-site comment sheets go there).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.access import is_workspace_user
from core.arabic import ascii_digits, normalise
from core.spreadsheets import (
    HEADER_SEARCH_ROWS,
    SheetProblem,
    condition_fields,
    strip_formula_guard,
)

SESSION_KEY = "workspace_imports"
# Previews kept in one session; an older one is dropped when a newer file is uploaded.
KEPT_PREVIEWS = 3
FORMATS = ("xlsx", "csv")


# Columns ---------------------------------------------------------------------------------


@dataclass
class Column:
    """One column of a sheet: what a header may say, and how a cell is read.

    `kind`: text, date, int, percent, bool, choice, or key (text compared after
    `normalise`). An empty cell means "no change" unless the sheet says otherwise.
    """

    name: str
    label: object
    kind: str = "text"
    required: bool = False
    help: object = ""
    example: str = ""
    choices: list = field(default_factory=list)
    aliases: tuple = ()
    private: bool = False

    def headers(self) -> set[str]:
        """Every header text accepted for this column, normalised."""
        names = {self.name, *self.aliases}
        for code in ("ar", "en"):
            with translation.override(code):
                names.add(str(self.label))
        return {normalise(name) for name in names}

    def allowed(self) -> str:
        if self.kind == "choice":
            return ", ".join(f"{value} ({label})" for value, label in self.choices)
        if self.kind == "bool":
            return _("yes or no")
        if self.kind in ("int", "percent"):
            return _("a whole number from 0 to 100") if self.kind == "percent" else _("a number")
        return ""

    def clean(self, value):
        """The cell's value for this column, None for an empty cell; ValueError if wrong."""
        if isinstance(value, str):
            value = strip_formula_guard(value).strip()
        if value in (None, ""):
            return None
        reader = getattr(self, f"read_{self.kind}", None)
        return reader(value) if reader else str(value).strip()

    def read_date(self, value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = ascii_digits(str(value)).strip()
        if len(text) > 10 and text[10:11] in (" ", "T"):
            text = text[:10]  # a date-time cell kept by `json_safe`: the date part
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"):
            try:
                return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
        raise ValueError(
            _("“%(value)s” is not a date. Write dates as YYYY-MM-DD, for example %(example)s.")
            % {"value": value, "example": "2025-06-30"}
        )

    def read_int(self, value):
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        text = ascii_digits(str(value)).strip().rstrip("%").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)

    def read_percent(self, value):
        if isinstance(value, float) and 0 < value < 1:
            value = value * 100  # a cell formatted as a percentage
        number = self.read_int(value)
        if not 0 <= number <= 100:
            raise ValueError(_("The percent done must be between 0 and 100."))
        return number

    def read_bool(self, value):
        key = normalise(value)
        if key in {"1", "yes", "true", "نعم", "x", "✓"}:
            return True
        if key in {"0", "no", "false", "لا"}:
            return False
        raise ValueError(_("Write yes or no, not “%(value)s”.") % {"value": value})

    def read_choice(self, value):
        key = normalise(value)
        for choice, label in self.choices:
            names = {normalise(choice)}
            for code in ("ar", "en"):
                with translation.override(code):
                    names.add(normalise(str(label)))
            if key in names:
                return choice
        raise ValueError(
            _("“%(value)s” is not one of the allowed values: %(allowed)s.")
            % {"value": value, "allowed": self.allowed()}
        )

    def read_key(self, value):
        return ascii_digits(str(value)).strip()


# Reading a sheet's rows ------------------------------------------------------------------


@dataclass
class Table:
    """The rows of a file under its header: each row a dict column name → raw cell."""

    columns: list[str]
    rows: list[dict]
    row_numbers: list[int]
    ignored_headers: list[str]


def find_table(sheet: "Sheet", raw_rows) -> Table:
    """Locate the header row (the first that names a known column) and map its cells."""
    known = {header: column.name for column in sheet.columns for header in column.headers()}
    for index, raw in enumerate(raw_rows[:HEADER_SEARCH_ROWS]):
        names = [known.get(normalise(cell)) if cell not in (None, "") else None for cell in raw]
        if not any(names):
            continue
        merged_in_row = getattr(raw_rows, "merged_in_row", None)
        if merged_in_row and merged_in_row(index + 1):
            raise SheetProblem(
                _(
                    "The header row has merged cells. Unmerge them so that every column has "
                    "its own header, then import again."
                )
            )
        seen = set()
        for name in names:
            if name and name in seen:
                column = sheet.column(name)
                raise SheetProblem(
                    _("Two columns have the header “%(column)s”.") % {"column": column.label}
                )
            seen.add(name)
        ignored = [str(cell) for cell, name in zip(raw, names, strict=False) if cell and not name]
        rows, numbers = [], []
        for offset, cells in enumerate(raw_rows[index + 1 :], start=index + 2):
            if all(cell in (None, "") or str(cell).strip() == "" for cell in cells):
                continue
            row = {}
            for name, cell in zip(names, cells, strict=False):
                if name:
                    row[name] = cell
            rows.append(row)
            numbers.append(offset)
        if not rows:
            raise SheetProblem(_("The file has a header row but no rows under it."))
        return Table([name for name in names if name], rows, numbers, ignored)
    raise SheetProblem(
        _(
            "No known column header was found in the first rows. Download the template to "
            "see the headers this import reads."
        )
    )


def json_safe(value):
    """A cell as the session can keep it (dates as ISO text, read back by `read_date`)."""
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time.min:
            # A date-time cell (the moment a comment was received): keep the time.
            return value.isoformat(sep=" ", timespec="minutes")
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# Preview ---------------------------------------------------------------------------------


@dataclass
class Change:
    """One field of an updated row: existing and new value, per language for a text that
    exists in both (the other language is shown even when only one changes)."""

    label: object
    old: str = ""
    new: str = ""
    old_ar: str = ""
    new_ar: str = ""
    old_en: str = ""
    new_en: str = ""
    bilingual: bool = False
    changed_ar: bool = False
    changed_en: bool = False


@dataclass
class RowResult:
    number: int
    action: str = "unchanged"  # create, update, unchanged, flagged, skip, error
    target: str = ""
    target_ar: str = ""
    target_en: str = ""
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (column label or "", message)
    notes: list = field(default_factory=list)
    pairing: dict | None = None  # {"field": name, "options": [(value, label)], "selected": v}
    data: dict = field(default_factory=dict)
    obj: object = None

    def error(self, column, message):
        self.errors.append((column, str(message)))
        self.action = "error"

    @property
    def action_label(self):
        return ROW_ACTIONS.get(self.action, self.action)


ROW_ACTIONS = {
    "create": pgettext_lazy("import row", "New"),
    "update": pgettext_lazy("import row", "Changes"),
    "unchanged": pgettext_lazy("import row", "No change"),
    "flagged": pgettext_lazy("import row", "Not applied: check"),
    "skip": pgettext_lazy("import row", "Skipped"),
    "error": pgettext_lazy("import row", "Error"),
}


@dataclass
class Preview:
    rows: list = field(default_factory=list)
    mappings: list = field(default_factory=list)  # unknown names: dicts for the template
    problems: list = field(default_factory=list)  # errors not tied to one row
    context: dict = field(default_factory=dict)  # whatever `apply` needs
    # True when the user's choices moved a proposal they had not seen: show it again.
    needs_review: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.problems) or any(row.action == "error" for row in self.rows)

    def counts(self) -> dict:
        counts = dict.fromkeys(ROW_ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def error_lines(self) -> list[str]:
        lines = [str(problem) for problem in self.problems]
        for row in self.rows:
            for column, message in row.errors:
                if column:
                    lines.append(
                        _("Row %(row)s, column “%(column)s”: %(error)s")
                        % {"row": row.number, "column": column, "error": message}
                    )
                else:
                    lines.append(
                        _("Row %(row)s: %(error)s") % {"row": row.number, "error": message}
                    )
        return lines


# Sheets ----------------------------------------------------------------------------------


class Sheet:
    """A kind of spreadsheet the workspace imports and exports. Subclasses set the class
    attributes and implement `analyse`, `apply` and `export_rows`."""

    kind = ""
    title = ""
    description = ""
    columns: list[Column] = []
    needs_plan = True
    import_permissions: tuple[str, ...] = ()
    export_permissions: tuple[str, ...] = ()
    contact_permission = "commitments.change_commitment"
    can_import = True

    def column(self, name) -> Column:
        return next(column for column in self.columns if column.name == name)

    def export_columns(self, user) -> list[Column]:
        return [c for c in self.columns if not c.private or user.has_perm(self.contact_permission)]

    def export_rows(self, *, plan, user) -> list[dict]:
        raise NotImplementedError

    def analyse(self, table: Table, *, plan, user, choices: dict) -> Preview:
        raise NotImplementedError

    def apply(self, preview: Preview, *, plan, user, now) -> None:
        raise NotImplementedError

    # Helpers for subclasses --------------------------------------------------------------

    def read_row(self, table: Table, index: int, result: RowResult) -> dict:
        """The row's cells read by their columns; bad cells become errors on `result`."""
        data = {}
        for name, raw in table.rows[index].items():
            column = self.column(name)
            try:
                value = column.clean(raw)
            except ValueError as error:
                result.error(column.label, error)
                continue
            if value is not None:
                data[name] = value
        return data


SHEETS: dict[str, Sheet] = {}


def register(sheet: Sheet) -> Sheet:
    SHEETS[sheet.kind] = sheet
    return sheet


def sheet_or_404(kind: str) -> Sheet:
    try:
        return SHEETS[kind]
    except KeyError:
        raise Http404 from None


def require(user, perms) -> None:
    if not is_workspace_user(user) or not user.has_perms(perms):
        raise PermissionDenied


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def text_changes(obj, data: dict, bases: list[str], labels: dict) -> list[Change]:
    """Changes of bilingual texts `<base>_ar`/`<base>_en` present in `data`; each shows both
    languages, old and new."""
    changes = []
    for base in bases:
        names = (f"{base}_ar", f"{base}_en")
        if not any(name in data for name in names):
            continue
        old_ar, old_en = getattr(obj, names[0]), getattr(obj, names[1])
        new_ar, new_en = data.get(names[0], old_ar), data.get(names[1], old_en)
        if (old_ar, old_en) == (new_ar, new_en):
            continue
        changes.append(
            Change(
                label=labels[base],
                old_ar=old_ar,
                new_ar=new_ar,
                old_en=old_en,
                new_en=new_en,
                bilingual=True,
                changed_ar=old_ar != new_ar,
                changed_en=old_en != new_en,
            )
        )
    return changes


def field_change(obj, name, value, label, render=display) -> Change | None:
    old = getattr(obj, name)
    if old == value:
        return None
    return Change(label=label, old=render(old), new=render(value))


# Checking a row without a query per row ---------------------------------------------------
#
# `Model.full_clean()` asks the database once per foreign key (does it exist?), once per
# unique check and once per check constraint (`Q.check`), so a preview that ran it on every
# row would cost dozens of queries per row. A preview has already loaded the rows it
# compares against; `problems_without_queries` gives the same answers from them.


class NotInMemory(Exception):
    """A constraint this module cannot evaluate in Python (the database is asked instead)."""


COMPARISONS = {
    "exact": lambda left, right: left == right,
    "gt": lambda left, right: left > right,
    "gte": lambda left, right: left >= right,
    "lt": lambda left, right: left < right,
    "lte": lambda left, right: left <= right,
}


def field_value(instance, name: str):
    if "__" in name:
        raise NotInMemory(name)
    field = instance._meta.get_field(name)
    if not field.concrete:
        raise NotInMemory(name)
    return getattr(instance, field.attname)


def evaluate(condition, instance):
    """A constraint's condition on one row, in Python, with SQL's three-valued logic: True,
    False or None (unknown: a NULL compared, which a CHECK constraint lets pass)."""
    if isinstance(condition, Q):
        values = [evaluate(child, instance) for child in condition.children]
        if condition.connector == Q.AND:
            result = False if False in values else (None if None in values else True)
        elif condition.connector == Q.OR:
            result = True if True in values else (None if None in values else False)
        else:
            raise NotInMemory(condition.connector)
        if condition.negated and result is not None:
            result = not result
        return result
    if not isinstance(condition, tuple):
        raise NotInMemory(condition)
    lookup, right = condition
    name, _sep, kind = lookup.partition("__")
    kind = kind or "exact"
    left = field_value(instance, name)
    if kind == "isnull":
        return (left is None) == bool(right)
    if isinstance(right, F):
        right = field_value(instance, right.name)
    elif hasattr(right, "resolve_expression") or hasattr(right, "_meta"):
        raise NotInMemory(right)
    if kind == "exact" and right is None:
        return left is None
    if left is None:
        return None
    try:
        if kind == "in":
            values = list(right)
            if left in values:
                return True
            return None if None in values else False
        if kind not in COMPARISONS:
            raise NotInMemory(kind)
        if right is None:
            return None
        return COMPARISONS[kind](left, right)
    except TypeError:
        raise NotInMemory(lookup) from None


def unique_checks(instance):
    """(fields, condition, constraint) for every uniqueness rule of the model."""
    checks = [
        ((model_field.name,), None, None)
        for model_field in instance._meta.concrete_fields
        if model_field.unique and not model_field.primary_key
    ]
    checks += [(tuple(together), None, None) for together in instance._meta.unique_together]
    for _model, constraints in instance.get_constraints():
        for constraint in constraints:
            if isinstance(constraint, UniqueConstraint):
                if not constraint.fields or constraint.expressions:
                    raise NotInMemory(constraint.name)
                checks.append((tuple(constraint.fields), constraint.condition, constraint))
    return checks


class SavedRows:
    """The saved rows a file's rows may clash with, loaded once for the whole file and
    indexed by the fields of each uniqueness rule on first use."""

    def __init__(self, rows):
        self.rows = list(rows)
        self.by_fields: dict[tuple, dict] = {}

    def matching(self, fields: tuple, key: tuple) -> list:
        if fields not in self.by_fields:
            index: dict[tuple, list] = {}
            for row in self.rows:
                index.setdefault(tuple(field_value(row, name) for name in fields), []).append(row)
            self.by_fields[fields] = index
        return self.by_fields[fields].get(key, [])


def unique_problems(instance, others: SavedRows, skip: set) -> dict[str, list]:
    """The uniqueness rules `instance` breaks against `others`, on the rule's last field."""
    problems: dict[str, list] = {}
    for fields, condition, constraint in unique_checks(instance):
        if skip & set(fields):
            continue
        key = tuple(field_value(instance, name) for name in fields)
        if any(part is None for part in key):
            continue
        if condition is not None and evaluate(condition, instance) is not True:
            continue
        clash = any(
            type(other) is type(instance)
            and (instance.pk is None or other.pk != instance.pk)
            and (condition is None or evaluate(condition, other) is True)
            for other in others.matching(fields, key)
        )
        if not clash:
            continue
        if constraint is not None and (
            condition is not None
            or constraint.violation_error_message != constraint.default_violation_error_message
        ):
            message = constraint.get_violation_error_message()
        else:
            message = instance.unique_error_message(type(instance), fields)
        problems.setdefault(fields[-1], []).append(message)
    return problems


def problems_without_queries(
    instance, *, others: SavedRows, exclude=(), constraint_fields=None
) -> dict[str, list[str]]:
    """What `instance.full_clean(exclude=exclude)` would refuse, field name → messages
    (NON_FIELD_ERRORS for the row), asking the database nothing.

    `others` are the saved rows `instance` may clash with (every row of the model a unique
    rule could compare it with, loaded once for the whole file; `instance` itself may be
    among them). A foreign key whose object is already attached is taken as existing. A
    check constraint is evaluated in Python; one it cannot read (a function, a join) is
    checked by the database as before. A check constraint on one field is reported on that
    field, one on several where `constraint_fields` (constraint name → field) says.
    """
    constraint_fields = constraint_fields or {}
    exclude = set(exclude)
    attached = {
        model_field.name
        for model_field in instance._meta.concrete_fields
        if model_field.is_relation
        and model_field.is_cached(instance)
        and getattr(instance, model_field.name) is not None
        and getattr(instance, model_field.name).pk is not None
    }
    errors: dict = {}
    for step in (lambda: instance.clean_fields(exclude=exclude | attached), instance.clean):
        try:
            step()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    skip = exclude | set(errors)
    try:
        for name, messages in unique_problems(instance, others, skip).items():
            errors.setdefault(name, []).extend(messages)
    except NotInMemory:
        # A rule this module cannot read: the database checks them all, as full_clean does.
        for step in (instance.validate_unique, instance.validate_constraints):
            try:
                step(exclude=skip)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        return as_messages(errors)
    for model, constraints in instance.get_constraints():
        for constraint in constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            names = condition_fields(constraint.condition)
            if skip & set(names):
                continue
            try:
                passes = evaluate(constraint.condition, instance) is not False
            except NotInMemory:
                try:
                    constraint.validate(model, instance, exclude=skip)
                    passes = True
                except ValidationError:
                    passes = False
            if not passes:
                target = constraint_fields.get(
                    constraint.name, names[0] if len(names) == 1 else NON_FIELD_ERRORS
                )
                errors.setdefault(target, []).append(constraint.get_violation_error_message())
    return as_messages(errors)


def as_messages(errors: dict) -> dict[str, list[str]]:
    return {name: ValidationError(list(found)).messages for name, found in errors.items()}
