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
(lookup maps), checks each row with the model's own validation (`model_problems`) and lets
the database judge the rest in a rolled-back dry run of the whole file (`dry_run`), so a
preview runs as many queries for 50 rows as for 5 (tests/imports/test_import_queries.py).

Another app plugs a sheet in by subclassing `Sheet` and calling `register(MySheet())`
from its `AppConfig.ready()` (the meetings and consultations developers' attendance,
member and off-site comment sheets go there).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from import_export import fields, resources, widgets

from core.access import is_workspace_user
from core.arabic import ascii_digits, normalise
from core.constraints import PERCENT_DONE_MESSAGE, is_percent
from core.i18n import isolated, left_to_right
from core.spreadsheets import (
    HEADER_SEARCH_ROWS,
    SheetProblem,
    refused_by_database,
    strip_formula_guard,
)

SESSION_KEY = "workspace_imports"
# Previews kept in one session; an older one is dropped when a newer file is uploaded.
KEPT_PREVIEWS = 3
FORMATS = ("xlsx", "csv")
# Rows listed in full on the preview page; the counts and every error cover the whole file.
FIRST_ROWS = 100


# Columns: django-import-export fields whose widgets read the cells ----------------------


class Cell(widgets.Widget):
    """How a sheet reads one cell: None for an empty cell (no change), the value otherwise,
    `ValueError` with a message for the user when the cell cannot be read. Formula guards
    added by our exports are taken off first."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = strip_formula_guard(value).strip()
        if value in (None, ""):
            return None
        return self.read(value)

    def read(self, value):
        return str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return value


class KeyCell(Cell):
    """A code or a name compared after `normalise` (an OGP id, an institution)."""

    def read(self, value):
        return ascii_digits(str(value)).strip()


class DateCell(Cell):
    def read(self, value):
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
            % {"value": isolated(value), "example": left_to_right("2025-06-30")}
        )


class IntCell(Cell):
    def read(self, value):
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": isolated(value)})
        text = ascii_digits(str(value)).strip().rstrip("%").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                _("“%(value)s” is not a number.") % {"value": isolated(value)}
            ) from None
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": isolated(value)})
        return int(number)


class PercentCell(IntCell):
    def read(self, value):
        if isinstance(value, float) and 0 < value < 1:
            value = value * 100  # a cell formatted as a percentage
        number = super().read(value)
        if not is_percent(number):
            raise ValueError(str(PERCENT_DONE_MESSAGE))
        return number


class BoolCell(Cell):
    def read(self, value):
        key = normalise(value)
        if key in {"1", "yes", "true", "نعم", "x", "✓"}:
            return True
        if key in {"0", "no", "false", "لا"}:
            return False
        raise ValueError(_("Write yes or no, not “%(value)s”.") % {"value": isolated(value)})


class ChoiceCell(Cell):
    """One of `choices`, written as its value or its label in either language."""

    def __init__(self, choices, allowed=""):
        super().__init__()
        self.choices = choices
        self.allowed = allowed

    def read(self, value):
        if not hasattr(self, "names"):
            # Every way a choice may be written, in either language: made once.
            self.names = {}
            for choice, label in self.choices:
                self.names[normalise(choice)] = choice
                for code in ("ar", "en"):
                    with translation.override(code):
                        self.names.setdefault(normalise(str(label)), choice)
        key = normalise(value)
        if key in self.names:
            return self.names[key]
        raise ValueError(
            _("“%(value)s” is not one of the allowed values: %(allowed)s.")
            % {"value": isolated(value), "allowed": self.allowed()}
        )


CELLS = {
    "text": Cell,
    "key": KeyCell,
    "date": DateCell,
    "int": IntCell,
    "percent": PercentCell,
    "bool": BoolCell,
}


class Column(fields.Field):
    """One column of a sheet (a django-import-export `Field`): what a header may say, and
    the widget that reads its cells.

    `kind`: text, date, int, percent, bool, choice, or key (text compared after
    `normalise`); a sheet may give its own `widget` instead. An empty cell means "no
    change" unless the sheet says otherwise.
    """

    def __init__(
        self,
        name: str,
        label,
        kind: str = "text",
        required: bool = False,
        help="",  # noqa: A002 (the column's help text, as the template sheet calls it)
        example: str = "",
        choices=(),
        aliases: tuple = (),
        private: bool = False,
        widget=None,
    ):
        self.name, self.label, self.kind = name, label, kind
        self.required, self.help, self.example = required, help, example
        self.choices, self.aliases, self.private = list(choices), tuple(aliases), private
        if widget is None:
            widget = ChoiceCell(self.choices, self.allowed) if kind == "choice" else CELLS[kind]()
        super().__init__(attribute=name, column_name=name, widget=widget)

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


class SheetResource(resources.Resource):
    """The columns of one sheet as a django-import-export resource: `fields` are the sheet's
    `Column`s, whose widgets read the cells (`Sheet.read_row`)."""

    def __init__(self, columns):
        super().__init__()
        self.fields = {column.name: column for column in columns}


# Reading a sheet's rows ------------------------------------------------------------------


@dataclass
class Table:
    """The rows of a file under its header: each row a dict column name → raw cell."""

    columns: list[str]
    rows: list[dict]
    row_numbers: list[int]
    ignored_headers: list[str]
    resource: object = None  # the sheet's `SheetResource`, made on the first row read


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
    # {"field": name, "options": [(value, label)], "selected": v, "proposed": v,
    #  "evidence": [why the selected record is this row's, in words]}
    pairing: dict | None = None
    data: dict = field(default_factory=dict)
    obj: object = None
    changed: set = field(default_factory=set)  # the model fields an update changes

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
    # What confirming changes beyond the rows: [{"text", "ask"}]. When one asks (approvals
    # that go stale, public pages that change), the user ticks that they read it before
    # the import runs; the others (a PDF made again, new drafts) are said only.
    consequences: list = field(default_factory=list)
    # The sheet's options (`opt-<name>` in the form): [{"name", "label", "choices", "value"}]
    options: list = field(default_factory=list)

    @property
    def needs_acknowledgement(self) -> bool:
        return any(consequence["ask"] for consequence in self.consequences)

    @property
    def shown_rows(self) -> list:
        """The rows the page lists: the first `FIRST_ROWS`, and every later one that has an
        error or asks for a choice (every error is also listed above the table)."""
        return self.rows[:FIRST_ROWS] + [
            row for row in self.rows[FIRST_ROWS:] if row.action == "error" or row.pairing
        ]

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
                    lines.append(row_message(row.number, message))
        return lines


def row_message(number: int, message: str) -> str:
    """A message about one row of a sheet, with the row's number as the preview numbers it."""
    return _("Row %(row)s: %(error)s") % {"row": number, "error": message}


def row_error(number: int, error: ValidationError) -> ValidationError:
    """A service's refusal of one row (every sheet's `apply` writes its rows through the
    services): `error`'s messages, each with the row's number (`row_message`)."""
    return ValidationError([row_message(number, message) for message in error.messages])


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
        # Built once per sheet (one object serves every request; labels stay lazy).
        if "_columns_by_name" not in self.__dict__:
            self._columns_by_name = {column.name: column for column in self.columns}
        return self._columns_by_name[name]

    def label_of(self, name) -> str:
        """The label of the column `name`, "" for a field the sheet has no column for."""
        try:
            return self.column(name).label
        except KeyError:
            return ""

    def export_columns(self, user) -> list[Column]:
        return [c for c in self.columns if not c.private or user.has_perm(self.contact_permission)]

    def export_rows(self, *, plan, user) -> list[dict]:
        raise NotImplementedError

    def analyse(self, table: Table, *, plan, user, choices: dict) -> Preview:
        raise NotImplementedError

    def apply(self, preview: Preview, *, plan, user, now) -> None:
        raise NotImplementedError

    # Helpers for subclasses --------------------------------------------------------------

    def resource(self) -> SheetResource:
        return SheetResource(self.columns)

    def read_row(self, table: Table, index: int, result: RowResult) -> dict:
        """The row's cells read by the widgets of the sheet's resource; bad cells become
        errors on `result`, beside their column."""
        if table.resource is None:
            table.resource = self.resource()
        resource = table.resource
        row = table.rows[index]
        data = {}
        for name in row:
            column = resource.fields[name]
            try:
                value = column.clean(row)
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


def field_label(model, name):
    """The label of a model field, as a column's label and in messages about it."""
    return model._meta.get_field(name).verbose_name


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


# Checking rows: the model's own validation, then the database in a dry run -------------
#
# A row is checked as it would be saved. The model says what it refuses by itself
# (`model_problems`: field types, choices, lengths, `clean()`), asking the database
# nothing; then `dry_run` writes every checked row in a transaction that is rolled back, so
# the database itself says which uniqueness rule or check constraint a row breaks (against
# saved rows and against the file's other rows). That is a few bulk statements for the
# whole file; only when the database refuses something are the rows written one by one to
# find which.


def model_problems(instance, *, exclude=()) -> dict[str, list[str]]:
    """What `instance.full_clean()` refuses without asking the database: field name (or
    NON_FIELD_ERRORS) -> messages. A foreign key already attached is taken as existing;
    uniqueness and constraints are left to `dry_run`."""
    attached = {
        model_field.name
        for model_field in instance._meta.concrete_fields
        if model_field.is_relation
        and model_field.is_cached(instance)
        and getattr(instance, model_field.name) is not None
        and getattr(instance, model_field.name).pk is not None
    }
    try:
        instance.full_clean(
            exclude=set(exclude) | attached, validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return {name: ValidationError(found).messages for name, found in error.error_dict.items()}
    return {}


def report_problems(result: RowResult, problems: dict, label_of) -> None:
    """Put `model_problems`' answer on the row, each message beside its column."""
    for name, messages in problems.items():
        label = "" if name == NON_FIELD_ERRORS else label_of(name)
        for message in messages:
            result.error(label, message)


@dataclass
class Write:
    """One row's record as it would be saved, for `dry_run`: `instance` is a copy, never a
    row the sheet keeps; `fields` are the fields an update writes (None for a new row)."""

    result: RowResult
    instance: object
    fields: list | None = None


def dry_run(writes: list[Write], *, label_of, before=None, constraint_fields=None) -> None:
    """Write `writes` inside a transaction that is rolled back, and put what the database
    refuses on the row and column (`label_of(field name)` → column label, "" for the row;
    `constraint_fields`: constraint name → field, for a constraint on several fields).
    `before()` runs first in the same transaction (for example to move numbers aside)."""
    writes = [write for write in writes if write.result.action != "error"]
    if not writes:
        return
    with transaction.atomic():
        try:
            with transaction.atomic():
                if before is not None:
                    before()
                write_all(writes)
        except IntegrityError:
            if before is not None:
                before()
            for write in writes:
                try:
                    with transaction.atomic():
                        write_all([write])
                except IntegrityError as error:
                    name, message = refused_by_database(write.instance, error, constraint_fields)
                    label = "" if name == NON_FIELD_ERRORS else label_of(name)
                    write.result.error(label, message)
        transaction.set_rollback(True)


def write_all(writes: list[Write]) -> None:
    """One statement per kind of model, run for every row at once (`executemany`): new rows
    inserted, changed rows updated in every field any of them changes, each value prepared
    by its model field as `save()` would. No signal is sent (no history, no page cache)."""
    by_model: dict = {}
    for write in writes:
        creates, updates, names = by_model.setdefault(type(write.instance), ([], [], set()))
        if write.fields is None:
            creates.append(write.instance)
        else:
            updates.append(write.instance)
            names.update(write.fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, (creates, updates, names) in by_model.items():
            meta = model._meta
            table = quote(meta.db_table)
            if creates:
                fields = [f for f in meta.local_concrete_fields if f is not meta.pk]
                columns = ", ".join(quote(f.column) for f in fields)
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    [[value_of(f, row, add=True) for f in fields] for row in creates],
                )
            if updates and names:
                fields = [meta.get_field(name) for name in sorted(names)]
                assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
                cursor.executemany(
                    f"UPDATE {table} SET {assignments} WHERE {quote(meta.pk.column)} = %s",
                    [[value_of(f, row, add=False) for f in fields] + [row.pk] for row in updates],
                )


def value_of(model_field, instance, *, add: bool):
    """The value `save()` would write for this field of `instance`."""
    return model_field.get_db_prep_save(model_field.pre_save(instance, add), connection)
