"""The edit-conflict page: two people opened the same row and the second saves.

The service refuses with `StaleEdit` (see `concurrency.py`). The view then answers 409
with the same form, still holding everything the user typed, now carrying the version saved
meanwhile, and above it the fields where the saved text and the user's text differ, with
a word diff. Saving again keeps the user's text deliberately; nothing is lost either way.

    except StaleEdit as stale:
        form = rebase_form(form, stale.current)
        context |= conflict_context(form, stale.current)
        return render(request, template, context, status=409)
"""

from django import forms
from django.utils.translation import pgettext

from .diffs import word_diff

VERSION_FIELD = "version"


class VersionedFormMixin(forms.Form):
    """Adds the hidden version the form was opened on; the service compares it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial[VERSION_FIELD] = instance.version


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
            key = getattr(key, "value", key)  # ModelChoiceIteratorValue
            if str(key) == str(value):
                return str(label)
    return str(value)


def conflict_rows(form: forms.BaseForm, current) -> list[dict]:
    """The fields where the row as saved now and the user's form differ."""
    saved = type(form)(instance=current) if hasattr(form, "instance") else None
    rows = []
    for name, field in form.fields.items():
        if name == VERSION_FIELD or saved is None:
            continue
        theirs = display_value(field, saved[name].value())
        yours = display_value(field, form[name].value())
        if theirs != yours:
            rows.append(
                {
                    "label": field.label,
                    "theirs": theirs,
                    "yours": yours,
                    "diff": word_diff(theirs, yours),
                }
            )
    return rows


def last_change(current):
    """(user, time) of the newest history row of `current`, when it keeps history."""
    history = getattr(current, "history", None)
    record = history.select_related("history_user").first() if history is not None else None
    if record is None:
        return None, None
    return record.history_user, record.history_date


def conflict_context(form: forms.BaseForm, current) -> dict:
    saved_by, saved_at = last_change(current)
    return {
        "conflict": {
            "rows": conflict_rows(form, current),
            "saved_by": saved_by,
            "saved_at": saved_at,
        }
    }


def rebase_form(form: forms.BaseForm, current) -> forms.BaseForm:
    """The same bound form, now carrying the version saved meanwhile, so that saving it
    again replaces that version on purpose."""
    data = form.data.copy()
    data[form.add_prefix(VERSION_FIELD)] = str(current.version)
    kwargs = {"data": data, "files": form.files, "prefix": form.prefix}
    if hasattr(form, "instance"):
        kwargs["instance"] = current
    rebased = type(form)(**kwargs)
    rebased.is_valid()
    return rebased
