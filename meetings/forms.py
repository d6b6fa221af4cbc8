"""Workspace forms for meetings and their minutes. The minutes state and its dates are
never form fields: they move only through `meetings.services`."""

import zipfile

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment
from core.conflicts import VersionedFormMixin
from core.forms import DATE_WIDGET, DATETIME_WIDGET
from core.uploads import MAX_UPLOAD_BYTES, validate_document
from plans.models import Organisation, Sector

from .models import (
    AgendaItem,
    Attachment,
    Attendance,
    AttendanceStatus,
    Body,
    Honorific,
    Meeting,
    Membership,
    Outcome,
    Person,
    Role,
)
from .richtext import clean_rich_text
from .services import BODY_EDIT_FIELDS, MEETING_EDIT_FIELDS, MEMBERSHIP_EDIT_FIELDS

AR = {"dir": "rtl", "lang": "ar"}
EN = {"dir": "ltr", "lang": "en"}


class MeetingCreateForm(forms.ModelForm):
    """The facts of a meeting; the model's constraints explain a missing place or platform."""

    class Meta:
        model = Meeting
        fields = MEETING_EDIT_FIELDS
        widgets = {
            "title_ar": forms.TextInput(attrs=AR),
            "title_en": forms.TextInput(attrs=EN),
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "place_ar": forms.TextInput(attrs=AR),
            "place_en": forms.TextInput(attrs=EN),
            "platform": forms.TextInput(attrs={"dir": "auto"}),
        }


class MeetingForm(VersionedFormMixin, MeetingCreateForm):
    class Meta(MeetingCreateForm.Meta):
        pass


class MeetingRowsForm(VersionedFormMixin, forms.Form):
    """The page of one kind of the meeting's rows (attendance, agenda items, outcomes): the
    meeting's version it was opened on (the rows share it) and, sealed with the rows'
    formset, the rows it showed, for the merge when someone saved in between."""

    def __init__(self, *args, instance: Meeting, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)


class AttendanceForm(forms.ModelForm):
    """One attendee, picked from the body's members on the day of the meeting, or from the
    guests already recorded for it (guests are added with `GuestForm`). A member's
    organisation and role are taken from the membership when left empty."""

    class Meta:
        model = Attendance
        fields = ["order", "person", "organisation", "position_ar", "role", "status"]
        widgets = {
            "order": forms.NumberInput(attrs={"dir": "ltr", "min": 0, "class": "narrow-number"}),
            "position_ar": forms.TextInput(attrs=AR),
        }

    def __init__(self, *args, memberships=(), guests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {m.person_id: m for m in memberships}
        allowed = set(self.memberships) | {p.pk for p in guests}
        self.fields["person"].queryset = Person.objects.filter(pk__in=allowed)
        self.fields["person"].choices = [
            ("", "---------"),
            (
                _("Members of the body"),
                [
                    (m.person_id, f"{m.person.name_ar} – {m.organisation.name_ar}")
                    for m in memberships
                ],
            ),
            (_("Guests"), [(p.pk, p.name_ar) for p in guests if p.pk not in self.memberships]),
        ]
        self.fields["organisation"].required = False
        self.fields["organisation"].help_text = _("Empty: the member's organisation.")

    def clean(self):
        data = super().clean()
        person = data.get("person")
        if person and not data.get("organisation"):
            membership = self.memberships.get(person.pk)
            if membership is None:
                self.add_error("organisation", _("Choose the guest's organisation."))
            else:
                data["organisation"] = membership.organisation
                self.instance.organisation = membership.organisation
                if not data.get("position_ar"):
                    data["position_ar"] = membership.position_ar
                if not self.instance.pk and data.get("role") == Role.MEMBER:
                    data["role"] = membership.role
        return data


class GuestForm(forms.Form):
    """Someone who is not a member of the body: matched by name and organisation."""

    honorific = forms.ChoiceField(label=_("Honorific"), choices=Honorific.choices, required=False)
    name_ar = forms.CharField(
        label=_("Name (Arabic)"), max_length=200, widget=forms.TextInput(attrs=AR)
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name_ar")
    )
    position_ar = forms.CharField(
        label=_("Position (Arabic)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=AR),
    )
    status = forms.ChoiceField(
        label=_("Attendance"), choices=AttendanceStatus.choices, initial=AttendanceStatus.PRESENT
    )


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = BODY_EDIT_FIELDS
        widgets = {"name_ar": forms.TextInput(attrs=AR), "name_en": forms.TextInput(attrs=EN)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].queryset = Commitment.objects.select_related("plan").order_by(
            "plan__number", "number"
        )
        self.fields["commitment"].help_text = _("Only for a commitment task force.")


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = MEMBERSHIP_EDIT_FIELDS
        widgets = {
            "position_ar": forms.TextInput(attrs=AR),
            "position_en": forms.TextInput(attrs=EN),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.order_by("name_ar")
        self.fields["organisation"].queryset = Organisation.objects.order_by("name_ar")

    def validate_unique(self):
        """The service explains a person already sitting for the organisation."""


class MembershipEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day of the term"), widget=DATE_WIDGET)


class RemarkForm(forms.Form):
    body = forms.CharField(
        label=_("Your remarks"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text=_(
            "Plain text. The unit's staff read it with your name and the time you sent it."
        ),
    )


def number_given_in_order(form) -> None:
    """A numbered row (agenda item, outcome) may leave its number empty: it then takes the
    next one (NumberedRowsFormSet)."""
    form.fields["number"].required = False
    form.fields["number"].help_text = _("Empty: the next number.")


class NumberedRowsFormSet(forms.BaseInlineFormSet):
    """Several agenda items or outcomes saved in one form, numbered 1, 2, 3…: a new row left
    without a number takes the next after the highest one kept, in the order of the form."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        ]
        last = max((form.cleaned_data.get("number") or 0 for form in kept), default=0)
        for form in kept:
            if not form.cleaned_data.get("number"):
                last += 1
                form.cleaned_data["number"] = last
                form.instance.number = last


class AgendaItemForm(forms.ModelForm):
    """An agenda item; its discussion may hold a little HTML, cleaned by nh3 on the way in."""

    class Meta:
        model = AgendaItem
        fields = ["number", "title_ar", "title_en", "presenter", "discussion_ar", "discussion_en"]
        widgets = {
            "number": forms.NumberInput(attrs={"dir": "ltr", "min": 1}),
            "title_ar": forms.TextInput(attrs=AR),
            "title_en": forms.TextInput(attrs=EN),
            "discussion_ar": forms.Textarea(attrs={**AR, "rows": 5}),
            "discussion_en": forms.Textarea(attrs={**EN, "rows": 5}),
        }
        help_texts = {
            "discussion_ar": _(
                "Paragraphs, bold, italics, lists and links are kept; anything else is removed."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number_given_in_order(self)

    def clean_discussion_ar(self):
        return clean_rich_text(self.cleaned_data["discussion_ar"])

    def clean_discussion_en(self):
        return clean_rich_text(self.cleaned_data["discussion_en"])


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = [
            "number",
            "decision_ar",
            "decision_en",
            "owner",
            "due_on",
            "status",
            "commitments",
        ]
        widgets = {
            "number": forms.NumberInput(attrs={"dir": "ltr", "min": 1}),
            "decision_ar": forms.Textarea(attrs={**AR, "rows": 3}),
            "decision_en": forms.Textarea(attrs={**EN, "rows": 3}),
            "due_on": DATE_WIDGET,
            "commitments": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        number_given_in_order(self)
        commitments = Commitment.objects.select_related("plan").order_by("plan__number", "number")
        if plan is not None:
            commitments = commitments.filter(plan=plan)
        self.fields["commitments"].queryset = commitments


def meeting_formset(model, form, fields_extra=1, formset=forms.BaseInlineFormSet):
    return forms.inlineformset_factory(
        Meeting, model, form=form, formset=formset, extra=fields_extra, can_delete=True
    )


AttendanceFormSet = meeting_formset(Attendance, AttendanceForm, 2)
# Three empty rows: several items or outcomes are added in one save ("Save and add more").
AgendaItemFormSet = meeting_formset(AgendaItem, AgendaItemForm, 3, NumberedRowsFormSet)
OutcomeFormSet = meeting_formset(Outcome, OutcomeForm, 3, NumberedRowsFormSet)

# Office documents are ZIP packages; the part below tells a real one from a renamed ZIP.
OFFICE_KINDS = {".pptx": "ppt/presentation.xml", ".docx": "word/document.xml"}


def validate_attachment(upload) -> None:
    """PDF, PNG, JPEG (checked by `validate_document`), or a real PPTX/DOCX, at most 10 MB."""
    name = (upload.name or "").lower()
    part = next((part for ending, part in OFFICE_KINDS.items() if name.endswith(ending)), None)
    if part is None:
        try:
            validate_document(upload)
        except ValidationError as error:
            if error.code == "wrong_type":
                raise ValidationError(
                    _("Only PDF, PNG, JPEG, PowerPoint (PPTX) and Word (DOCX) files are accepted."),
                    code="wrong_type",
                ) from None
            raise
        return
    if upload.size > MAX_UPLOAD_BYTES:
        validate_document(upload)  # refuses with the shared "too big" message
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            ok = part in package.namelist()
    except zipfile.BadZipFile:
        ok = False
    upload.seek(0)
    if not ok:
        raise ValidationError(
            _("This file is not a real PowerPoint or Word document."), code="wrong_type"
        )


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["agenda_item", "title", "file"]
        widgets = {"title": forms.TextInput(attrs={"dir": "auto"})}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_attachment(upload)
        return upload


class PasteForm(forms.Form):
    text = forms.CharField(
        label=_("Attendee list"),
        widget=forms.Textarea(attrs={"rows": 10, "dir": "rtl", "lang": "ar"}),
        help_text=_(
            "One person a line, as in the minutes: honorific and name, then the position and"
            " organisation after a slash, a dash, a comma or a tab. An HTML list copied from"
            " earlier minutes, or rows copied from a table, work too."
        ),
    )


NEW = ""


class PastedRowForm(forms.Form):
    """One parsed line, for the user to check and correct before anything is saved."""

    include = forms.BooleanField(label=_("Add"), required=False, initial=True)
    line = forms.CharField(widget=forms.HiddenInput, required=False)
    honorific = forms.ChoiceField(label=_("Honorific"), choices=Honorific.choices, required=False)
    name_ar = forms.CharField(label=_("Name"), max_length=200, required=False)
    position_ar = forms.CharField(label=_("Position"), max_length=300, required=False)
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, empty_value=None, required=False)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), coerce=int, empty_value=None, required=False
    )
    new_organisation_name = forms.CharField(
        label=_("or a new organisation"), max_length=200, required=False
    )
    new_organisation_sector = forms.ChoiceField(
        label=_("Sector of the new organisation"),
        choices=[("", "---------"), *Sector.choices],
        required=False,
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    status = forms.ChoiceField(
        label=_("Attendance"), choices=AttendanceStatus.choices, initial=AttendanceStatus.PRESENT
    )

    def __init__(self, *args, matcher, **kwargs):
        super().__init__(*args, **kwargs)
        self.matcher = matcher
        if self.is_bound:
            name = self.data.get(self.add_prefix("name_ar"), "")
        else:
            name = self.initial.get("name_ar", "")
        self.fields["person"].choices = [(NEW, _("A new person")), *matcher.person_choices(name)]
        self.fields["organisation"].choices = [
            ("", "---------"),
            *((o.pk, o.name_ar) for o in matcher.organisations),
        ]

    def clean(self):
        data = super().clean()
        if not data.get("include"):
            return data
        if not (data.get("name_ar") or "").strip():
            self.add_error("name_ar", _("Write the person's name, or untick this line."))
        if not data.get("organisation"):
            if not (data.get("new_organisation_name") or "").strip():
                self.add_error("organisation", _("Choose the organisation, or name a new one."))
            elif not data.get("new_organisation_sector"):
                self.add_error(
                    "new_organisation_sector", _("Choose the sector of the new organisation.")
                )
        return data


PastedRowFormSet = forms.formset_factory(PastedRowForm, extra=0)
