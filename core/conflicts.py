"""The edit-conflict page: two people opened the same row and the second saves.

Every versioned form carries, besides the version it was opened on, a signed snapshot of the
values it was opened with (`opened`): what the page showed, in the shape the browser posts
it, formsets included. The service refuses a stale version with `StaleEdit`
(see `concurrency.py`); the view then merges three versions of each field:

- the one the user opened (the snapshot), the one saved meanwhile, the one the user typed;
- a field only the other person changed takes their value, a field only this user changed
  keeps theirs, and a field both changed differently waits for the user's choice (keep the
  saved value, or use theirs), asked for field by field and required before saving;
- sets (supporting institutions, policy areas) compare as sets, texts with a word diff.

The answer is 409 with a new form bound to the merged values on the current version, which
the normal service path saves once the user has chosen. Nothing typed is lost and nothing is
overwritten silently.

    except StaleEdit as stale:
        return conflict_page(request, form, stale.current, template, context)

(`conflict_page` is those three steps: `rebase_form`, `conflict_context`, the 409.)

A form saved with formsets seals them into the snapshot when it opens (`form.seal(formset)`)
and passes them to `rebase_form` with the saved ones. A formset of saved objects (a model
formset: a meeting's attendance, agenda items, outcomes; an IRM report's findings) is merged
row by row and cell by cell, each row known by its primary key: a row only the other person
added, changed or deleted is taken as they left it, a row only this user changed keeps theirs,
and a cell both changed, or a row one deleted and the other changed, waits for the choice.
Other formsets (a commitment's milestones, renumbered as a whole) are compared as one list.

A form opened on a row not saved yet (version 0: a commitment's first IRM assessment) signs
the blank values it showed; when the save finds the row created meanwhile, the merge is the
same as for any other stale edit.
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms
from django.core import signing
from django.forms.utils import ErrorDict
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext, pgettext

from .diffs import word_diff

VERSION_FIELD = "version"
OPENED_FIELD = "opened"
MERGE_FIELD = "merge"
TECHNICAL_FIELDS = {VERSION_FIELD, OPENED_FIELD, MERGE_FIELD}
# The radio of a field both people changed: `keep-<name>` = saved | mine.
CHOICE_PREFIX = "keep-"
KEEP_SAVED, KEEP_MINE = "saved", "mine"
# The version a form shows for a row not saved yet (saved rows start at 1).
NEW_VERSION = 0
# Columns of a formset row that say where the row is, not what it says.
ROW_POSITION_FIELDS = {"ORDER", "DELETE", "id"}
SALT = "core.conflicts"
# What a form's constructor takes itself; anything else (`plan=`...) is the form's own and
# is passed again when the form is rebuilt on the saved row.
FORM_ARGUMENTS = {
    "data",
    "files",
    "auto_id",
    "prefix",
    "initial",
    "error_class",
    "label_suffix",
    "empty_permitted",
    "instance",
    "use_required_attribute",
    "renderer",
}


class VersionedFormMixin(forms.Form):
    """Adds the hidden version the form was opened on (the service compares it), the signed
    values it was opened with, and, on the conflict page, the fields waiting for a choice."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=NEW_VERSION)
    opened = forms.CharField(widget=forms.HiddenInput, required=False)
    merge = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        self.own_kwargs = {key: value for key, value in kwargs.items() if key not in FORM_ARGUMENTS}
        super().__init__(*args, **kwargs)
        self.missing_choices: list[str] = []
        self.sealed_formsets = ()
        instance = getattr(self, "instance", None)
        if instance is not None and not instance.pk:
            # Nothing saved yet: the form was opened on version 0 (also when not posted).
            self.fields[VERSION_FIELD].required = False
        if self.is_bound:
            self.data = apply_choices(self)
        elif instance is not None:
            self.initial[VERSION_FIELD] = instance.version if instance.pk else NEW_VERSION

    def seal(self, *formsets) -> None:
        """Sign, with this form's values, those of `formsets` saved with it."""
        self.sealed_formsets = formsets

    def get_initial_for_field(self, field, field_name):
        # The snapshot is taken when the page is drawn, after every `__init__` has set the
        # values the page shows.
        instance = getattr(self, "instance", None)
        if field_name == OPENED_FIELD and not self.is_bound and instance is not None:
            return sign(instance, snapshot(self, self.sealed_formsets))
        return super().get_initial_for_field(field, field_name)

    def clean_version(self):
        version = self.cleaned_data.get(VERSION_FIELD)
        return NEW_VERSION if version is None else version

    def clean(self):
        cleaned = super().clean()
        if self.missing_choices:
            for key in self.missing_choices:
                name = key.removeprefix(f"{self.prefix}-") if self.prefix else key
                if name in self.fields:
                    self.add_error(name, gettext("Choose: keep the saved version, or use yours."))
            self.add_error(
                None,
                gettext(
                    "Someone else changed some of the same fields as you: for each of them,"
                    " choose to keep the saved version or use yours, then save again."
                ),
            )
        return cleaned

    @property
    def conflict(self) -> dict | None:
        """The conflict section of the page: set by `rebase_form`, or, when a save from the
        conflict page is refused, rebuilt for the fields that still wait for a choice."""
        if not hasattr(self, "_conflict"):
            self._conflict = pending_conflict(self) if self.is_bound else None
        return self._conflict


# Values in the shape a browser posts them: every field a list of strings.


def as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return [str(value)]


def field_data(bound: forms.BoundField) -> list[str]:
    """What the browser posts for this field: typed (bound form) or shown (unbound)."""
    field, widget, form = bound.field, bound.field.widget, bound.form
    if form.is_bound:
        value = widget.value_from_datadict(form.data, form.files, bound.html_name)
    else:
        value = bound.value()
    if isinstance(widget, forms.CheckboxInput):
        return ["on"] if value else []
    if not form.is_bound:
        value = widget.format_value(value)
    if value is None and not is_multiple(field):
        return [""]
    return as_list(value)


def is_multiple(field: forms.Field) -> bool:
    return isinstance(field, forms.MultipleChoiceField) or getattr(
        field.widget, "allow_multiple_selected", False
    )


def compared_fields(form: forms.BaseForm):
    """The fields a person edits: not the technical ones, not file uploads (a browser never
    sends a file back)."""
    for name, field in form.fields.items():
        if name not in TECHNICAL_FIELDS and not isinstance(field, forms.FileField):
            yield name, field


def text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def comparable(field: forms.Field, values: list[str]):
    """A field's posted values as compared: a set as a sorted list, a box as a boolean,
    text without the line endings and outer spaces browsers and forms add."""
    if is_multiple(field):
        return sorted(set(values))
    last = values[-1] if values else ""
    if isinstance(field.widget, forms.CheckboxInput):
        return last.lower() not in ("", "false", "0")
    return text(last)


def formset_data(formset) -> dict[str, list[str]]:
    prefix = f"{formset.prefix}-"
    if formset.is_bound:
        data = formset.data
        return {key: as_list(data.getlist(key)) for key in data if key.startswith(prefix)}
    values = {bound.html_name: field_data(bound) for bound in formset.management_form}
    for form in formset.forms:
        values.update({bound.html_name: field_data(bound) for bound in form})
    return values


def row_key(formset) -> str | None:
    """The column naming the saved object of a model formset's row (its primary key): such
    rows are merged one by one. None for other formsets, compared as one list."""
    if isinstance(formset, forms.BaseModelFormSet):
        return formset.model._meta.pk.name
    return None


def blank_row(formset) -> dict[str, str]:
    """A new, untouched row's values: an extra row still equal to it is not a row. Its
    columns are those a person edits: not the row's position, nor the parent row of an
    inline formset (the same on every row, and not always in the page)."""
    empty = formset.empty_form
    fk = getattr(formset, "fk", None)
    parent = fk.name if fk is not None else None
    return {
        name: text(field_data(empty[name])[-1] if field_data(empty[name]) else "")
        for name in empty.fields
        if name not in ROW_POSITION_FIELDS and not name.endswith("_id") and name != parent
    }


def formset_rows(data: dict[str, list[str]], prefix: str, blank: dict[str, str]) -> list[list]:
    """The rows a formset keeps, in their order, each as [[column, value], ...]."""

    def first(key: str) -> str:
        values = data.get(f"{prefix}-{key}") or [""]
        return values[-1]

    def number(raw: str, default: int) -> int:
        try:
            return int(raw)
        except (TypeError, ValueError):
            return default

    total = min(number(first("TOTAL_FORMS"), 0), 1000)
    initial = number(first("INITIAL_FORMS"), 0)
    rows = []
    for index in range(total):
        cell = f"{prefix}-{index}-"
        if (data.get(f"{cell}DELETE") or [""])[-1].lower() not in ("", "false", "0"):
            continue
        values = [[name, text(", ".join(data.get(cell + name) or []))] for name in sorted(blank)]
        if index >= initial and all(value == blank[name] for name, value in values):
            continue
        order = number((data.get(f"{cell}ORDER") or [""])[-1], 10_000 + index)
        rows.append((order, index, values))
    return [values for _order, _index, values in sorted(rows)]


def rows_text(rows: list[list]) -> str:
    """A formset's rows as lines a person reads and a word diff can compare."""
    lines = []
    for position, row in enumerate(rows, start=1):
        parts = [value for _name, value in row if value]
        lines.append(f"{position}. " + pgettext("between the values of a row", " · ").join(parts))
    return "\n".join(lines)


def snapshot(form: forms.BaseForm, formsets=()) -> dict:
    return {
        "fields": {
            form.add_prefix(name): field_data(form[name]) for name, _ in compared_fields(form)
        },
        "formsets": {
            formset.prefix: {"data": formset_data(formset), "blank": blank_row(formset)}
            for formset in formsets
        },
    }


def identity(instance) -> list:
    return [instance._meta.label_lower, instance.pk]


def sign(instance, values: dict) -> str:
    version = instance.version if instance.pk else NEW_VERSION
    payload = {"row": identity(instance), "version": version, **values}
    return signing.dumps(payload, salt=SALT, compress=True)


def unsign(value, instance) -> dict | None:
    """The signed payload, if it is ours and about this row (or about a row of its kind not
    saved yet, when the form was opened before it was created); None otherwise."""
    try:
        payload = signing.loads(value or "", salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    if payload.get("row") not in (identity(instance), [instance._meta.label_lower, None]):
        return None
    return payload


# The merge.


@dataclass
class Unit:
    """One thing compared as a whole: a field, or a formset's list of rows. A formset of
    saved objects (`rows_key`) is not compared as a whole but row by row (`merge_rows`)."""

    key: str  # the data key of the field, or the formset's prefix
    label: str
    field: forms.Field | None = None
    blank: dict | None = None
    rows_key: str | None = None  # the column naming a row's saved object
    columns: dict | None = None  # a row's form fields, by name

    def value(self, values: dict | None):
        """The comparable value in a snapshot, or None when the snapshot lacks it."""
        if values is None:
            return None
        if self.field is not None:
            posted = values.get("fields", {}).get(self.key)
            return None if posted is None else comparable(self.field, posted)
        rows = values.get("formsets", {}).get(self.key)
        if rows is None:
            return None
        return formset_rows(rows["data"], self.key, self.blank)

    def display(self, value) -> str:
        if value is None:
            return ""
        if self.field is None:
            return rows_text(value)
        return display_value(self.field, value)

    def write(self, data: QueryDict, values: dict) -> None:
        """Put this unit's values from the snapshot `values` into the posted `data`."""
        if self.field is not None:
            write_values(data, self.key, values["fields"][self.key])
            return
        for key in [key for key in data if key.startswith(f"{self.key}-")]:
            del data[key]
        for key, posted in values["formsets"][self.key]["data"].items():
            write_values(data, key, posted)

    # A formset's rows, merged one by one.

    def compared_columns(self) -> list[str]:
        return [name for name in self.columns if name in self.blank]

    def cell(self, column: str, values: list[str]):
        return comparable(self.columns[column], values)

    def cell_text(self, column: str, values: list[str]) -> str:
        return display_value(self.columns[column], self.cell(column, values))

    def same(self, first: "PostedRow", second: "PostedRow") -> bool:
        return all(
            self.cell(name, first.get(name)) == self.cell(name, second.get(name))
            for name in self.compared_columns()
        )

    def row_text(self, row: "PostedRow") -> str:
        parts = (self.cell_text(name, row.get(name)) for name in self.compared_columns())
        return pgettext("between the values of a row", " · ").join(filter(None, parts))

    def row_label(self, number: int | None, column: str | None = None) -> str:
        if number is None:
            return gettext("%(rows)s, a deleted row") % {"rows": self.label}
        if column is None:
            return gettext("%(rows)s, row %(number)s") % {"rows": self.label, "number": number}
        return gettext("%(rows)s, row %(number)s: %(field)s") % {
            "rows": self.label,
            "number": number,
            "field": str(self.columns[column].label or column),
        }


@dataclass
class PostedRow:
    """One row of a model formset as posted: every column's values, and its delete box."""

    cells: dict
    deleted: bool = False

    def get(self, column: str) -> list[str]:
        return self.cells.get(column) or []


def posted_rows(values: dict | None, unit: Unit):
    """The rows of `unit`'s formset in a snapshot: ({primary key: row} of the rows of saved
    objects, in their order, the deleted ones flagged; [the new rows typed in empty ones]).
    None when the snapshot lacks the formset."""
    entry = (values or {}).get("formsets", {}).get(unit.key)
    if entry is None:
        return None
    data, start = entry["data"], f"{unit.key}-"
    grouped: dict[int, dict] = {}
    for name, posted in data.items():
        index, dash, column = name.removeprefix(start).partition("-")
        if name.startswith(start) and dash and index.isdigit():
            grouped.setdefault(int(index), {})[column] = posted
    try:
        total = min(int((data.get(f"{start}TOTAL_FORMS") or ["0"])[-1]), 1000)
    except ValueError:
        total = 0
    saved, new = {}, []
    for index in range(total):
        cells = grouped.get(index, {})
        row = PostedRow(cells, deleted=comparable(forms.BooleanField(), cells.get("DELETE", [])))
        pk = (cells.get(unit.rows_key) or [""])[-1]
        if pk:
            saved[pk] = row
        elif not row.deleted and any(
            text(", ".join(row.get(name))) != blank for name, blank in unit.blank.items()
        ):
            new.append(row)
    return saved, new


@dataclass
class Merge:
    """What `rebase_form` found: the conflict section's rows, the keys waiting for a choice,
    and for the rows of formsets, what "keep the saved version" writes and what the section
    shows again if the save is refused."""

    rows: list = dataclass_field(default_factory=list)
    pending: list = dataclass_field(default_factory=list)
    keep_saved: dict = dataclass_field(default_factory=dict)
    shown: dict = dataclass_field(default_factory=dict)

    def add(self, key, label, theirs, yours, status, *, opened=None, keep_saved=None, cell=None):
        self.rows.append(conflict_entry(key, label, theirs, yours, status, opened_text=opened))
        if status == "choose":
            self.pending.append(key)
            self.keep_saved[key] = keep_saved
            self.shown[key] = {"label": label, "theirs": theirs, "yours": yours, **(cell or {})}


def merge_rows(unit: Unit, data: QueryDict, saved: dict, typed: dict, opened, merge: Merge):
    """Merge the rows of a model formset into `data`, in the saved rows' order, then the
    rows this user's choice may bring back, then the new ones this user typed."""
    theirs, _none = posted_rows(saved, unit)
    mine, mine_new = posted_rows(typed, unit) or ({}, [])
    base = (posted_rows(opened, unit) or (None, None))[0]
    layout = []  # (cells, deleted) of each row of the merged page

    def at(index: int, column: str) -> str:
        return f"{unit.key}-{index}-{column}"

    for pk, their in theirs.items():
        index, number = len(layout), len(layout) + 1
        before = base.get(pk) if base is not None else None
        my = mine.get(pk)
        key = f"{unit.key}-row{pk}"
        if my is None:  # added by the other person
            layout.append((their.cells, False))
            if before is None or not unit.same(before, their):
                opened_text = unit.row_text(before) if before is not None else ""
                label = unit.row_label(number)
                merge.add(key, label, unit.row_text(their), "", "theirs", opened=opened_text)
            continue
        if my.deleted:
            layout.append((their.cells, True))
            label, their_text = unit.row_label(number), unit.row_text(their)
            if before is not None and unit.same(before, their):
                merge.add(key, label, their_text, "", "yours")
            else:  # deleted here, changed there
                merge.add(
                    key, label, their_text, "", "choose", keep_saved={at(index, "DELETE"): []}
                )
            continue
        cells = dict(their.cells)
        for column in unit.compared_columns():
            saved_cell, typed_cell = their.get(column), my.get(column)
            cells[column] = typed_cell
            value, typed_value = unit.cell(column, saved_cell), unit.cell(column, typed_cell)
            if value == typed_value:
                continue
            opened_value = unit.cell(column, before.get(column)) if before is not None else None
            label = unit.row_label(number, column)
            shown = (unit.cell_text(column, saved_cell), unit.cell_text(column, typed_cell))
            if opened_value is not None and opened_value == typed_value:
                cells[column] = saved_cell  # only the other person changed it
                opened_text = unit.cell_text(column, before.get(column))
                merge.add(f"{key}-{column}", label, *shown, "theirs", opened=opened_text)
            elif opened_value is not None and opened_value == value:
                merge.add(f"{key}-{column}", label, *shown, "yours")
            else:
                where = {"cell": at(index, column), "formset": unit.key, "column": column}
                merge.add(
                    f"{key}-{column}",
                    label,
                    *shown,
                    "choose",
                    keep_saved={at(index, column): saved_cell},
                    cell=where,
                )
        layout.append((cells, False))
    initial = len(layout)
    for pk, my in mine.items():
        if pk in theirs or my.deleted:
            continue
        before = base.get(pk) if base is not None else None
        if before is not None and unit.same(before, my):  # deleted by the other person
            label, opened_text = unit.row_label(None), unit.row_text(before)
            merge.add(f"{unit.key}-row{pk}", label, "", opened_text, "theirs", opened=opened_text)
            continue
        # Deleted there, changed here: back as a new row until the user chooses.
        index = len(layout)
        layout.append(({**my.cells, unit.rows_key: []}, False))
        label = unit.row_label(index + 1)
        merge.add(
            f"{unit.key}-row{pk}",
            label,
            "",
            unit.row_text(my),
            "choose",
            keep_saved={at(index, "DELETE"): ["on"]},
        )
    for my in mine_new:
        layout.append((my.cells, False))
        merge.add(
            f"{unit.key}-new{len(layout)}",
            unit.row_label(len(layout)),
            "",
            unit.row_text(my),
            "yours",
        )

    saved_data = saved["formsets"][unit.key]["data"]
    for name in [name for name in data if name.startswith(f"{unit.key}-")]:
        del data[name]
    for name in ("MIN_NUM_FORMS", "MAX_NUM_FORMS"):
        write_values(data, f"{unit.key}-{name}", saved_data.get(f"{unit.key}-{name}", []))
    data[f"{unit.key}-TOTAL_FORMS"] = str(len(layout))
    data[f"{unit.key}-INITIAL_FORMS"] = str(initial)
    for index, (cells, deleted) in enumerate(layout):
        for column, posted in cells.items():
            if column != "DELETE":
                write_values(data, at(index, column), posted)
        if deleted:
            data[at(index, "DELETE")] = "on"


def write_values(data: QueryDict, key: str, values: list[str]) -> None:
    if values:
        data.setlist(key, values)
    else:
        data.pop(key, None)  # an unticked box, an empty choice of several: not posted


def units(form: forms.BaseForm, formsets=()) -> list[Unit]:
    found = [
        Unit(key=form.add_prefix(name), label=str(field.label or name), field=field)
        for name, field in compared_fields(form)
    ]
    found += [
        Unit(
            key=formset.prefix,
            label=str(label),
            blank=blank_row(formset),
            rows_key=row_key(formset),
            columns=formset.empty_form.fields,
        )
        for formset, label in formsets
    ]
    return found


def mutable(data) -> QueryDict:
    if isinstance(data, QueryDict):
        return data.copy()
    copy = QueryDict(mutable=True)
    for key, value in data.items():
        copy.setlist(key, as_list(value))
    return copy


def rebase_form(form: forms.BaseForm, current, *, formsets=()) -> forms.BaseForm:
    """A new form bound to the merge of what the user opened, what was saved meanwhile
    (`current`) and what the user typed, on `current`'s version. `formsets` lists
    (typed formset, the same formset unbound on `current`, label); the merged rows are in the
    returned form's `data`, from which the view binds the formset again."""
    saved_form = type(form)(instance=current, **form.own_kwargs)
    saved = snapshot(saved_form, [saved for _typed, saved, _label in formsets])
    typed = snapshot(form, [typed for typed, _saved, _label in formsets])
    opened = unsign(form.data.get(form.add_prefix(OPENED_FIELD)), current)
    data = mutable(form.data)
    for key in [key for key in data if key.startswith(CHOICE_PREFIX)]:
        del data[key]
    merge = Merge()
    # The saved formsets give the rows' fields: their choices are those of the saved rows.
    for unit in units(form, [(saved_set, label) for _typed, saved_set, label in formsets]):
        if unit.rows_key:
            merge_rows(unit, data, saved, typed, opened, merge)
            continue
        theirs, yours, base = unit.value(saved), unit.value(typed), unit.value(opened)
        if theirs == yours:
            continue
        if base is not None and base == yours:
            status = "theirs"  # only the other person changed it: their value is kept
            unit.write(data, saved)
        elif base is not None and base == theirs:
            status = "yours"  # only this user changed it
        else:
            status = "choose"
            merge.pending.append(unit.key)
        merge.rows.append(conflict_row(unit, theirs, yours, status, base=base))
    data[form.add_prefix(VERSION_FIELD)] = str(current.version)
    data[form.add_prefix(OPENED_FIELD)] = sign(current, saved)
    labels = {row["key"]: row["label"] for row in merge.rows}
    token = {
        "pending": merge.pending,
        "labels": {key: labels[key] for key in merge.pending},
        "keep_saved": merge.keep_saved,
        "shown": merge.shown,
    }
    data[form.add_prefix(MERGE_FIELD)] = sign(current, token)
    merged = type(form)(data=data, files=form.files, instance=current, **form.own_kwargs)
    merged._errors = ErrorDict()  # shown again, not judged: the user has not saved yet
    saved_by, saved_at = last_change(current)
    merged._conflict = {
        "rows": merge.rows,
        "pending": bool(merge.pending),
        # A browser never sends a chosen file back with the page: it must be chosen again.
        "files_dropped": any(form.files.values()) if form.files else False,
        "saved_by": saved_by,
        "saved_at": saved_at,
    }
    return merged


def conflict_row(unit: Unit, theirs, yours, status: str, *, base=None, choice=None) -> dict:
    opened_text = unit.display(base) if base is not None else None
    return conflict_entry(
        unit.key,
        unit.label,
        unit.display(theirs),
        unit.display(yours),
        status,
        opened_text=opened_text,
        choice=choice,
    )


def conflict_entry(
    key: str,
    label: str,
    saved_text: str,
    typed_text: str,
    status: str,
    *,
    opened_text=None,
    choice=None,
) -> dict:
    return {
        "key": key,
        "choice_name": CHOICE_PREFIX + key,
        "label": label,
        "theirs": saved_text,
        "yours": typed_text,
        "status": status,
        "choice": choice,
        # What the other person changed, from the version this user opened; else how the
        # user's text differs from the saved one.
        "diff": word_diff(opened_text, saved_text)
        if status == "theirs" and opened_text is not None
        else word_diff(saved_text, typed_text),
    }


def apply_choices(form: forms.BaseForm):
    """The posted data with each "keep the saved version" choice of the conflict page
    applied; the fields still waiting for a choice are listed in `form.missing_choices`."""
    instance = getattr(form, "instance", None)
    if instance is None or not instance.pk:
        return form.data
    token = unsign(form.data.get(form.add_prefix(MERGE_FIELD)), instance)
    opened = unsign(form.data.get(form.add_prefix(OPENED_FIELD)), instance)
    if token is None or opened is None or token["version"] != opened["version"]:
        return form.data
    data = mutable(form.data)
    for key in token.get("pending", []):
        choice = data.get(CHOICE_PREFIX + key)
        if choice == KEEP_SAVED:
            if key in token.get("keep_saved", {}):  # a cell or a row of a model formset
                for name, posted in token["keep_saved"][key].items():
                    write_values(data, name, posted)
            elif key in opened["fields"]:
                write_values(data, key, opened["fields"][key])
            elif key in opened["formsets"]:
                for old in [name for name in data if name.startswith(f"{key}-")]:
                    del data[old]
                for name, posted in opened["formsets"][key]["data"].items():
                    write_values(data, name, posted)
        elif choice != KEEP_MINE:
            form.missing_choices.append(key)
    return data


def sealed_column(form: forms.BaseForm, prefix: str, column: str) -> forms.Field | None:
    for formset in form.sealed_formsets:
        if formset.prefix == prefix:
            return formset.empty_form.fields.get(column)
    return None


def pending_conflict(form: forms.BaseForm) -> dict | None:
    """The conflict section again, when a save from the conflict page is refused: the
    fields that wait for a choice, with the choice made so far."""
    instance = getattr(form, "instance", None)
    if instance is None or not instance.pk:
        return None
    token = unsign(form.data.get(form.add_prefix(MERGE_FIELD)), instance)
    opened = unsign(form.data.get(form.add_prefix(OPENED_FIELD)), instance)
    if token is None or opened is None or not token.get("pending"):
        return None
    typed = snapshot(form)
    rows = []
    for key in token["pending"]:
        choice = form.data.get(CHOICE_PREFIX + key)
        name = key.removeprefix(f"{form.prefix}-") if form.prefix else key
        shown = token.get("shown", {}).get(key)
        if shown is not None:  # a cell or a row of a model formset
            yours = shown["yours"]
            if "cell" in shown:  # as typed now, on the page the choice is asked on
                posted = as_list(form.data.getlist(shown["cell"]))
                column = sealed_column(form, shown["formset"], shown["column"])
                yours = (
                    display_value(column, comparable(column, posted))
                    if column
                    else text(", ".join(posted))
                )
            rows.append(
                conflict_entry(key, shown["label"], shown["theirs"], yours, "choose", choice=choice)
            )
            continue
        if name in form.fields:
            unit = Unit(key=key, label=str(form.fields[name].label or name), field=form[name].field)
            yours = unit.value(typed)
        elif key in opened["formsets"]:
            label = token.get("labels", {}).get(key, key)
            unit = Unit(key=key, label=label, blank=opened["formsets"][key]["blank"])
            yours = formset_rows(
                {name: as_list(form.data.getlist(name)) for name in form.data}, key, unit.blank
            )
        else:
            continue
        rows.append(conflict_row(unit, unit.value(opened), yours, "choose", choice=choice))
    saved_by, saved_at = last_change(instance)
    return {"rows": rows, "pending": True, "saved_by": saved_by, "saved_at": saved_at}


def display_value(field: forms.Field, value) -> str:
    """A form value as a person reads it: choice labels, names of related rows."""
    if value in (None, ""):
        return ""
    if isinstance(value, (list, tuple)):
        items = (display_value(field, item) for item in value)
        return pgettext("list separator", ", ").join(filter(None, items))
    if isinstance(field, forms.BooleanField):
        return "✓" if value else "✗"
    choices = getattr(field, "choices", None)
    if choices is not None:
        for key, label in choices:
            if isinstance(label, (list, tuple)):  # a group of options
                for inner_key, inner_label in label:
                    if str(getattr(inner_key, "value", inner_key)) == str(value):
                        return str(inner_label)
                continue
            key = getattr(key, "value", key)  # ModelChoiceIteratorValue
            if str(key) == str(value):
                return str(label)
    return str(value)


def last_change(current):
    """(user, time) of the newest history row of `current`, when it keeps history."""
    history = getattr(current, "history", None)
    record = history.select_related("history_user").first() if history is not None else None
    if record is None:
        return None, None
    return record.history_user, record.history_date


def conflict_context(form: forms.BaseForm, current=None) -> dict:
    """The template's `conflict`: the rows of the merge `rebase_form` made."""
    return {"conflict": getattr(form, "conflict", None)}


def conflict_page(request, form: forms.BaseForm, current, template: str, context) -> HttpResponse:
    """The 409 answer to a stale edit of a form without formsets: `template` with the form
    rebased on `current` (the row as saved meanwhile) and the merge's rows."""
    form = rebase_form(form, current)
    context = {**context, "form": form, **conflict_context(form, current)}
    return render(request, template, context, status=409)
