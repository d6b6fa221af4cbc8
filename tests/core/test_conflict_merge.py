"""The three-way merge of the edit-conflict page (core.conflicts), on a small form: what
the user opened (signed in the page), what was saved meanwhile, what the user typed."""

from types import SimpleNamespace

from django import forms
from django.http import QueryDict
from django.utils import translation

from core.conflicts import (
    VersionedFormMixin,
    comparable,
    formset_rows,
    rebase_form,
    sign,
    unsign,
)
from tests.helpers import browser_form_data


def row(pk=1, version=1, **values):
    return SimpleNamespace(
        _meta=SimpleNamespace(label_lower="tests.row"), pk=pk, version=version, values=values
    )


class RowForm(VersionedFormMixin, forms.Form):
    title = forms.CharField()
    notes = forms.CharField(widget=forms.Textarea, required=False)
    areas = forms.MultipleChoiceField(
        choices=[("1", "Health"), ("2", "Water"), ("3", "Youth")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    public = forms.BooleanField(required=False)

    def __init__(self, *args, instance, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(instance.values)


OPENED = {"title": "Open data", "notes": "One.\nTwo.", "areas": ["2", "1"], "public": False}


def posted(form: forms.Form, **changes) -> QueryDict:
    """The unbound `form` as a browser posts it, with `changes`."""
    data = QueryDict(mutable=True)
    for name, values in browser_form_data(f'<form id="edit-form">{form.as_div()}</form>').items():
        data.setlist(name, values)
    for name, value in changes.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


def test_sets_compare_as_sets_and_text_without_line_endings():
    areas = RowForm.base_fields["areas"]
    assert comparable(areas, ["2", "1"]) == comparable(areas, ["1", "2", "1"])
    assert comparable(RowForm.base_fields["notes"], ["One.\r\nTwo. "]) == "One.\nTwo."
    assert comparable(RowForm.base_fields["public"], ["on"]) is True
    assert comparable(RowForm.base_fields["public"], []) is False


def test_a_snapshot_signed_for_one_row_is_refused_for_another():
    token = sign(row(pk=1), {"fields": {}})
    assert unsign(token, row(pk=1))["version"] == 1
    assert unsign(token, row(pk=2)) is None
    assert unsign(token + "x", row(pk=1)) is None
    assert unsign("", row(pk=1)) is None


def test_formset_rows_in_their_order_without_deleted_or_untouched_new_rows():
    data = {
        "m-TOTAL_FORMS": ["4"],
        "m-INITIAL_FORMS": ["3"],
        **{"m-0-title": ["First"], "m-0-ORDER": ["2"]},
        **{"m-1-title": ["Second"], "m-1-ORDER": ["1"]},
        **{"m-2-title": ["Gone"], "m-2-ORDER": ["3"], "m-2-DELETE": ["on"]},
        **{"m-3-title": [""], "m-3-ORDER": [""]},
    }
    rows = formset_rows(data, "m", {"title": ""})
    assert rows == [[["title", "Second"]], [["title", "First"]]]


def test_three_way_merge_and_the_choice_it_asks_for():
    opened_page = RowForm(instance=row(**OPENED))
    typed = posted(
        opened_page, title="Open budget data", notes="One.\nTwo.\nThree.", areas=["1", "2"]
    )
    # Saved meanwhile by someone else: the title (differently), the areas, the box.
    saved = row(version=2, title="Open contracts", notes="One.\nTwo.", areas=["3"], public=True)

    with translation.override("en"):
        merged = rebase_form(RowForm(typed, instance=row(**OPENED)), saved)

    statuses = {item["key"]: item["status"] for item in merged.conflict["rows"]}
    assert statuses == {
        "title": "choose",
        "notes": "yours",
        "areas": "theirs",
        "public": "theirs",
    }
    areas = next(item for item in merged.conflict["rows"] if item["key"] == "areas")
    assert (areas["theirs"], areas["yours"]) == ("Youth", "Health, Water")
    title = next(item for item in merged.conflict["rows"] if item["key"] == "title")
    assert "<del>contracts</del><ins>budget data</ins>" in title["diff"]
    assert merged.data["version"] == "2"
    assert merged.data.getlist("areas") == ["3"] and merged.data["public"] == "on"
    assert merged.data["title"] == "Open budget data"  # waits for the choice, in the form
    assert not merged.errors  # shown again, not judged

    again = browser_form_data(f'<form id="edit-form">{merged.as_div()}</form>')
    resubmitted = QueryDict(mutable=True)
    for name, values in again.items():
        resubmitted.setlist(name, values)

    unchosen = RowForm(resubmitted, instance=saved)
    assert not unchosen.is_valid()
    assert unchosen.errors["title"] and unchosen.non_field_errors()
    assert [item["key"] for item in unchosen.conflict["rows"]] == ["title"]

    resubmitted["keep-title"] = "saved"
    kept = RowForm(resubmitted, instance=saved)
    assert kept.is_valid(), kept.errors
    assert kept.cleaned_data["title"] == "Open contracts"
    assert kept.cleaned_data["notes"] == "One.\nTwo.\nThree."
    assert sorted(kept.cleaned_data["areas"]) == ["3"] and kept.cleaned_data["public"]

    resubmitted["keep-title"] = "mine"
    mine = RowForm(resubmitted, instance=saved)
    assert mine.is_valid() and mine.cleaned_data["title"] == "Open budget data"


def test_without_a_snapshot_every_difference_waits_for_a_choice():
    typed = posted(RowForm(instance=row(**OPENED)), title="Mine", opened="")
    merged = rebase_form(RowForm(typed, instance=row(**OPENED)), row(version=2, **OPENED))
    assert [(item["key"], item["status"]) for item in merged.conflict["rows"]] == [
        ("title", "choose")
    ]
