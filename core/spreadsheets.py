"""Spreadsheet resources (django-import-export) for the admin's export, and the file helpers
of the workspace's import (`core.sheets`): reading an upload safely, naming what the
database refused, writing formula-safe CSV and XLSX.

Foreign keys are written by natural keys a person recognises (a plan by its number, an
organisation by its Arabic name), never by database ids, where such a key exists.
Exported cells that a spreadsheet would run as a formula are made inert.
"""

import datetime

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
)
from django.db import IntegrityError
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.admin import ExportMixin
from import_export.formats import base_formats

# A spreadsheet treats a cell that starts with one of these as a formula (CSV) or may do
# so on a later edit; tab and carriage return hide the trigger character in some programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Prefixed to such a cell on export: spreadsheets show the text and never evaluate it.
FORMULA_GUARD = "'"


def neutralise_formula(value):
    """The exported cell value, made inert if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return FORMULA_GUARD + value
    return value


def strip_formula_guard(value):
    """Undo `neutralise_formula` so that an exported file imports back unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_GUARD)
        and value[1:].startswith(FORMULA_TRIGGERS)
    ):
        return value[1:]
    return value


def condition_fields(condition) -> list[str]:
    """Names of the model fields a CheckConstraint's condition mentions, in order."""
    names: list[str] = []

    def add(name):
        if name not in names:
            names.append(name)

    def walk(node):
        if isinstance(node, Q):
            for child in node.children:
                walk(child)
        elif isinstance(node, tuple):
            lookup, value = node
            add(lookup.split("__")[0])
            if isinstance(value, F):
                add(value.name.split("__")[0])

    walk(condition)
    return names


def unique_message(fields) -> str:
    """Our message for a uniqueness rule broken, naming its columns (Django's stock one,
    "<model> with this <fields> already exists", gets the Arabic grammar wrong)."""
    return _("Another record already has the same %(columns)s.") % {"columns": fields_label(fields)}


def fields_label(fields) -> str:
    return list_text(f"“{name}”" for name in fields)


def list_text(items) -> str:
    """Items joined with the comma of the current language (Arabic has its own)."""
    from django.utils import translation

    comma = "، " if (translation.get_language() or "").startswith("ar") else ", "
    return comma.join(str(item) for item in items)


def constraint_field(constraint) -> str:
    """The field a violated constraint is reported on: a unique rule's last field, a check
    on one field that field, otherwise the row as a whole."""
    if isinstance(constraint, UniqueConstraint) and constraint.fields:
        return constraint.fields[-1]
    if isinstance(constraint, CheckConstraint):
        names = condition_fields(constraint.condition)
        if len(names) == 1:
            return names[0]
    return NON_FIELD_ERRORS


def refused_by_database(instance, error: IntegrityError, constraint_fields=None) -> tuple[str, str]:
    """(field, message) for what the database refused when saving `instance`: the model's
    own message for a named constraint, ours for a uniqueness rule, otherwise the column the
    database names. SQLite names a check constraint and the columns of a unique one;
    PostgreSQL names the constraint either way. `constraint_fields`: constraint name → the
    field to report it on, for constraints on several fields."""
    field, message = database_refusal(instance, error)
    for name, target in (constraint_fields or {}).items():
        if name in str(error):
            return target, message
    return field, message


def database_refusal(instance, error) -> tuple[str, str]:
    text = str(error)
    meta = instance._meta
    columns = {field.column: field for field in meta.concrete_fields}
    for _model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.fields:
                named = constraint.name in text
                listed = "UNIQUE" in text and text.rstrip().endswith(
                    ", ".join(
                        f"{meta.db_table}.{meta.get_field(f).column}" for f in constraint.fields
                    )
                )
                if not (named or listed):
                    continue
                default = constraint.default_violation_error_message
                if constraint.violation_error_message != default:
                    return constraint_field(constraint), str(
                        constraint.get_violation_error_message()
                    )
                labels = [str(meta.get_field(name).verbose_name) for name in constraint.fields]
                return constraint_field(constraint), unique_message(labels)
            if constraint.name in text:
                return constraint_field(constraint), str(constraint.get_violation_error_message())
    for field in meta.concrete_fields:
        if field.unique and f"{meta.db_table}.{field.column}" in text and "UNIQUE" in text:
            return field.name, unique_message([str(field.verbose_name)])
    for column, field in columns.items():
        if f"{meta.db_table}.{column}" in text or f'column "{column}"' in text:
            return field.name, _("The database refused this value: %(error)s") % {"error": text}
    return NON_FIELD_ERRORS, _("The database refused this row: %(error)s") % {"error": text}


class SpreadsheetResource(resources.ModelResource):
    """A model's columns for the admin's CSV/XLSX export, formula-safe.

    The admin only exports; every import goes through the workspace's import pages
    (`core.sheets`), which check rows through the models and the database in a dry run and
    write through the services. Subclasses list their columns in `Meta.fields` and may set:

    - `constraint_fields`: constraint name → the column its error belongs to, for
      constraints that mention several fields (the workspace sheets of the same model read
      it, so a refused row names the right column);
    - `export_select_related` / `export_prefetch_related`: what one exported row reads.
    """

    constraint_fields: dict[str, str] = {}
    export_select_related: tuple[str, ...] = ()
    export_prefetch_related: tuple[str, ...] = ()

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "TextField": widgets.CharWidget,
    }

    def get_queryset(self):
        return self.with_related(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return self.with_related(super().filter_export(queryset, **kwargs))

    def with_related(self, queryset):
        if self.export_select_related:
            queryset = queryset.select_related(*self.export_select_related)
        if self.export_prefetch_related:
            queryset = queryset.prefetch_related(*self.export_prefetch_related)
        return queryset

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))


# Admin ----------------------------------------------------------------------------------


class FormulaSafeCSV(base_formats.CSV):
    """The admin's CSV written by `csv_bytes`, the one CSV writer of the portal: UTF-8 with
    its byte-order mark (Excel then reads Arabic), formula-like cells made inert."""

    native = False  # cells as the widgets render them (the format a script reads back)

    def export_data(self, dataset, **kwargs):
        return csv_bytes(list(dataset.headers or []), [list(row) for row in dataset])

    def is_binary(self):
        return True  # `csv_bytes` gives the encoded file


class FormulaSafeXLSX(base_formats.XLSX):
    """The admin's XLSX written by `xlsx_bytes`, the one XLSX writer: real date cells, text
    cells that stay text, bold frozen headers, right to left on an Arabic page."""

    native = True  # dates and numbers as cells of their type

    def export_data(self, dataset, **kwargs):
        sheet = (dataset.title or "data", list(dataset.headers or []), [list(r) for r in dataset])
        language = translation.get_language() or ""
        return xlsx_bytes([sheet], right_to_left=language.startswith("ar"))


SPREADSHEET_FORMATS = [FormulaSafeCSV, FormulaSafeXLSX]


class SpreadsheetExportMixin(ExportMixin):
    """Export as CSV or XLSX through the portal's one writer of each (`csv_bytes`,
    `xlsx_bytes`), as every other download.

    The admin only exports: rows read from a spreadsheet must pass the same rules as a
    form, so every import goes through the workspace's import pages (`core.sheets`), which
    write through the services and show a preview first.
    """

    formats = SPREADSHEET_FORMATS

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=file_format.native, **kwargs
        )
        return file_format.export_data(data)


# Workspace files: reading an upload safely, writing a sheet people open in Excel ---------

# Limits of an uploaded sheet. A real plan has a few dozen commitments and a few hundred
# milestones; these leave a wide margin and keep a hostile file from exhausting memory.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
# An XLSX file is a zip: its unpacked size and compression ratio are checked before
# openpyxl reads it (a "zip bomb" unpacks a few kilobytes into gigabytes).
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 500
# How many rows from the top may come before the header row (a title, a blank line).
HEADER_SEARCH_ROWS = 10


class SheetProblem(Exception):
    """The file cannot be read as a sheet; the message tells the user why."""


def read_upload(upload) -> list[list]:
    """The rows of an uploaded CSV or XLSX file as lists of cell values.

    Refuses, with a message for the user: another file type, a file too large, a zip or
    XML bomb, more than `MAX_ROWS` rows, formulas (a formula's value is whatever the last
    program that saved the file computed, and we do not run them). Dates stay dates.
    """
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size > MAX_UPLOAD_BYTES:
        raise SheetProblem(
            _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    upload.seek(0)
    data = upload.read()
    if name.endswith(".xlsx"):
        return read_xlsx(data)
    if name.endswith(".csv"):
        return read_csv(data)
    raise SheetProblem(_("Choose a spreadsheet saved as XLSX (Excel) or CSV."))


def check_zip(data: bytes) -> None:
    import io
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SheetProblem(
            _("This file is not a real XLSX spreadsheet. Save it again as XLSX (Excel) or CSV.")
        ) from None
    entries = archive.infolist()
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or unpacked > MAX_UNPACKED_BYTES
        or unpacked / packed > MAX_COMPRESSION_RATIO
    ):
        raise SheetProblem(
            _(
                "This file unpacks to far more data than a spreadsheet of this size holds, "
                "so it was not opened. Save the sheet again as XLSX or CSV."
            )
        )
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise SheetProblem(
            _("This file is not a real XLSX spreadsheet. Save it again as XLSX (Excel) or CSV.")
        )


def too_many_rows() -> SheetProblem:
    return SheetProblem(
        _("The file has more than %(limit)s rows. Split it into smaller files.")
        % {"limit": MAX_ROWS}
    )


def read_xlsx(data: bytes) -> list[list]:
    """The first sheet's rows, read in one streaming pass (a huge sheet is refused as soon
    as it passes the row limit, never loaded whole); merged cells from the sheet's XML."""
    import io
    import re
    import zipfile

    import openpyxl
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.xml import DEFUSEDXML

    check_zip(data)
    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a pinned requirement
        raise SheetProblem(_("XLSX files cannot be read safely on this server; use CSV."))
    rows = []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        for row in sheet.iter_rows():
            if len(rows) >= MAX_ROWS + HEADER_SEARCH_ROWS:
                raise too_many_rows()
            values = []
            for cell in row:
                if cell.data_type == "f":
                    raise SheetProblem(
                        _(
                            "Cell %(cell)s holds a formula. Replace formulas by their values "
                            "(copy, then paste values only) and import again."
                        )
                        % {"cell": cell.coordinate}
                    )
                values.append(cell.value)
            if len(values) > MAX_COLUMNS and any(v not in (None, "") for v in values[MAX_COLUMNS:]):
                raise SheetProblem(
                    _("The sheet has more than %(limit)s columns.") % {"limit": MAX_COLUMNS}
                )
            rows.append(values)
        path = sheet._worksheet_path
        book.close()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(path).decode("utf-8", "replace")
    except SheetProblem:
        raise
    except Exception:  # openpyxl raises many types for a damaged or hostile file
        raise SheetProblem(
            _("This file could not be read as a spreadsheet. Save it again as XLSX or CSV.")
        ) from None
    merged = {}
    for ref in re.findall(r"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"", xml):
        cell_range = CellRange(ref)
        merged[(cell_range.min_row, cell_range.min_col)] = cell_range
    return MergedRows(rows, merged)


class MergedRows(list):
    """Rows of a sheet, remembering which cells were merged (row and column from 1)."""

    def __init__(self, rows, merged=None):
        super().__init__(rows)
        self.merged = merged or {}

    def merged_in_row(self, row_number: int) -> bool:
        return any(
            cell_range.min_row <= row_number <= cell_range.max_row
            for cell_range in self.merged.values()
        )


def read_csv(data: bytes) -> list[list]:
    import csv
    import io

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetProblem(
            _("The CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8” and import again.")
        ) from None
    if "\x00" in text:
        raise SheetProblem(_("Choose a spreadsheet saved as XLSX (Excel) or CSV."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            rows.append(row)
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise too_many_rows()
    except csv.Error:
        raise SheetProblem(_("This CSV file could not be read.")) from None
    return MergedRows(rows)


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    """A CSV file that Excel opens with Arabic intact: UTF-8 with a byte-order mark."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise_formula(str(header)) for header in headers])
    for row in rows:
        writer.writerow(
            [
                value.isoformat() if isinstance(value, datetime.date) else neutralise_formula(value)
                for value in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: list[tuple[str, list[str], list[list]]], *, right_to_left: bool) -> bytes:
    """An XLSX workbook: each sheet (title, headers, rows) with real date cells, formula-like
    text made inert, bold headers, and right-to-left sheets for Arabic.

    Written in openpyxl's write-only mode: rows are streamed to the file as they come,
    never kept as a grid of cell objects (10,000 rows of a report in a few seconds)."""
    import io

    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        # A sheet's name may not hold : \ / ? * [ ] (a translated title might).
        name = str(title).translate({ord(c): " " for c in ":\\/?*[]"})
        sheet = book.create_sheet(title=" ".join(name.split())[:31])
        sheet.sheet_view.rightToLeft = right_to_left
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            sheet.column_dimensions[letter].width = min(60, max(12, len(str(header)) + 4))
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=neutralise_formula(str(header)))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, str):
                    # Made inert, a text never starts with "=": it stays a text cell.
                    value = neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
                elif isinstance(value, datetime.date):
                    value = WriteOnlyCell(sheet, value=value)
                    value.number_format = "yyyy-mm-dd"
                cells.append(value)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
