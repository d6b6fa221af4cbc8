"""Workspace forms for commitments: the OGP template with its milestones, and the small
organisation form used to add a missing institution without leaving the page."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.conflicts import VersionedFormMixin
from core.forms import DATE_WIDGET
from plans.models import Organisation, Sector

from .models import (
    ADDITIONAL_SECTIONS,
    SDG_CHOICES,
    TEMPLATE_SECTIONS,
    Commitment,
    Milestone,
    PolicyArea,
)
from .services import COMMITMENT_EDIT_FIELDS, MILESTONE_EDIT_FIELDS, MilestoneRow, Relations

LANGUAGE_ATTRS = {
    "ar": {"lang": "ar", "dir": "rtl"},
    "en": {"lang": "en", "dir": "ltr"},
}
# Values written the same way in both languages: codes, e-mails, phone numbers.
LTR_FIELDS = ["ogp_id", "contact_email", "contact_phone"]

# The relevance text is asked beside the OGP values' boxes, as a question (its heading on
# pages and documents is `RELEVANCE_SECTION`'s).
RELEVANCE_QUESTION = ("relevance", _("Why it is relevant to these values"))


def mark_languages(form: forms.BaseForm) -> None:
    """Give every `<name>_ar` / `<name>_en` input its language and direction, and codes a
    left-to-right direction, so each column reads and types the right way."""
    for name, field in form.fields.items():
        code = name.rsplit("_", 1)[-1]
        if code in LANGUAGE_ATTRS:
            field.widget.attrs.update(LANGUAGE_ATTRS[code])
        elif name in LTR_FIELDS:
            field.widget.attrs["dir"] = "ltr"
        # Django's default textarea has ten rows: too tall for two columns on a phone.
        if isinstance(field.widget, forms.Textarea) and str(field.widget.attrs["rows"]) == "10":
            field.widget.attrs["rows"] = 3
        add_bootstrap_class(field.widget)


def add_bootstrap_class(widget: forms.Widget) -> None:
    """Bootstrap's class for the widget: the forms are laid out by hand (two languages side
    by side), not through crispy's field templates."""
    if isinstance(widget, forms.HiddenInput):
        return
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    classes = widget.attrs.get("class", "").split()
    widget.attrs["class"] = " ".join([css, *[name for name in classes if name != css]])


def text_rows(commitment: Commitment, sections) -> list[dict]:
    """The saved text of template parts, both languages side by side, for reading."""
    rows = []
    for name, label in sections:
        arabic, english = getattr(commitment, f"{name}_ar"), getattr(commitment, f"{name}_en")
        rows.append(
            {
                "label": label,
                "ar": arabic,
                "en": english,
                "missing_ar": bool(english.strip()) and not arabic.strip(),
                "missing_en": bool(arabic.strip()) and not english.strip(),
            }
        )
    return rows


def bilingual_pair(form: forms.BaseForm, name: str, label) -> dict:
    """The Arabic and English inputs of one template part, and which one is missing when
    only the other is filled in."""
    arabic, english = form[f"{name}_ar"], form[f"{name}_en"]
    has_ar = bool(str(arabic.value() or "").strip())
    has_en = bool(str(english.value() or "").strip())
    return {
        "name": name,
        "label": label,
        "ar": arabic,
        "en": english,
        "missing_ar": has_en and not has_ar,
        "missing_en": has_ar and not has_en,
    }


class SectorGroupedSelect(forms.Select):
    """A select whose options are grouped under their organisation's sector."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector_of: dict[str, str] = {}

    def optgroups(self, name, value, attrs=None):
        flat = super().optgroups(name, value, attrs)
        grouped: dict[str, list] = {}
        leading = []
        for _group, options, index in flat:
            for option in options:
                sector = self.sector_of.get(str(option["value"]))
                if sector is None:
                    leading.append((None, [option], index))
                else:
                    grouped.setdefault(sector, []).append(option)
        return leading + [
            (sector, options, index) for index, (sector, options) in enumerate(grouped.items())
        ]


class SectorGroupedSelectMultiple(SectorGroupedSelect, forms.SelectMultiple):
    pass


def organisation_choices(form: forms.BaseForm, *names: str) -> None:
    """Fill the organisation fields `names` from one query, grouped by sector."""
    organisations = list(Organisation.objects.order_by("sector", "name_ar"))
    sector_labels = dict(Sector.choices)
    choices = [(org.pk, organisation_label(org)) for org in organisations]
    sector_of = {str(org.pk): str(sector_labels[org.sector]) for org in organisations}
    for name in names:
        field = form.fields[name]
        blank = [] if field.widget.allow_multiple_selected else [("", "---------")]
        field.choices = blank + choices
        field.widget.sector_of = sector_of


def organisation_label(organisation: Organisation) -> str:
    if organisation.acronym:
        return f"{organisation.name} ({organisation.acronym})"
    return organisation.name


class SdgField(forms.TypedMultipleChoiceField):
    def clean(self, value):
        return sorted(super().clean(value))


def sdg_field() -> SdgField:
    """The goals a commitment contributes to, as boxes to tick (the workspace and the admin):
    the model keeps them as a list of numbers in order, never empty (`[]`)."""
    return SdgField(
        label=_("Sustainable Development Goals"),
        choices=SDG_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The goals this commitment contributes to."),
    )


class CommitmentForm(forms.ModelForm):
    """The OGP commitment template. Milestones come in their own formset; the publish flag
    and the version are never fields here (see `commitments.services`)."""

    sdgs = sdg_field()

    class Meta:
        model = Commitment
        fields = [*COMMITMENT_EDIT_FIELDS, "policy_areas", "supporting_institutions"]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "lead_institution": SectorGroupedSelect,
            "supporting_institutions": SectorGroupedSelectMultiple(attrs={"size": 8}),
            "policy_areas": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "supporting_institutions": _(
                "Hold Ctrl (or ⌘) to choose several. Missing one? Add it below."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_languages(self)
        organisation_choices(self, "lead_institution", "supporting_institutions")
        self.fields["policy_areas"].queryset = PolicyArea.objects.order_by("name_ar")
        if self.instance.pk and not self.is_bound:
            self.initial["sdgs"] = [str(number) for number in self.instance.sdgs or []]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The commitment must not end before it starts."))
        return cleaned

    def template_sections(self) -> list[dict]:
        return [bilingual_pair(self, name, label) for name, label in TEMPLATE_SECTIONS]

    def relevance_section(self) -> dict:
        return bilingual_pair(self, *RELEVANCE_QUESTION)

    def additional_sections(self) -> list[dict]:
        return [bilingual_pair(self, name, label) for name, label in ADDITIONAL_SECTIONS]

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in COMMITMENT_EDIT_FIELDS}

    def relations(self) -> Relations:
        return Relations(
            supporting_institutions=list(self.cleaned_data["supporting_institutions"]),
            policy_areas=list(self.cleaned_data["policy_areas"]),
        )


class CommitmentEditForm(VersionedFormMixin, CommitmentForm):
    """The template form of a saved commitment, carrying the version it was opened on."""


class MilestoneForm(forms.ModelForm):
    """One milestone's wording, dates and weight; status and percent are reported by the
    agency's focal point elsewhere."""

    milestone_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Milestone
        fields = MILESTONE_EDIT_FIELDS
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "weight": forms.NumberInput(attrs={"min": 1, "max": 100, "class": "milestone-weight"}),
            "expected_output_ar": forms.Textarea(attrs={"rows": 2}),
            "expected_output_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_languages(self)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The milestone must not end before it starts."))
        return cleaned

    def title_pair(self) -> dict:
        return bilingual_pair(self, "title", _("Milestone title"))

    def output_pair(self) -> dict:
        return bilingual_pair(self, "expected_output", _("Expected output"))


BaseMilestoneFormSet = formset_factory(
    MilestoneForm, extra=1, can_order=True, can_delete=True, max_num=60, validate_max=True
)


class MilestoneFormSet(BaseMilestoneFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        order, delete = form.fields["ORDER"], form.fields["DELETE"]
        order.label = pgettext_lazy("order of a milestone", "Position")
        order.help_text = _("Change the numbers to reorder.")
        order.widget.attrs.update({"min": 1, "class": "form-control milestone-order"})
        delete.label = _("Remove this milestone")
        delete.widget.attrs["class"] = "form-check-input milestone-delete"

    def total_weight(self) -> int:
        """The weights of the rows being kept, as typed (shown beside the formset)."""
        total = 0
        for index, form in enumerate(self.forms):
            prefix = form.add_prefix
            if self.is_bound:
                if form.data.get(prefix("DELETE")):
                    continue
                raw = form.data.get(prefix("weight"))
                title = form.data.get(prefix("title_ar"), "")
                if index >= self.initial_form_count() and not str(title).strip():
                    continue
            else:
                if index >= self.initial_form_count():
                    continue
                raw = form.initial.get("weight")
            try:
                total += int(raw or 0)
            except (TypeError, ValueError):
                continue
        return total

    def rows(self) -> list[MilestoneRow]:
        """The kept milestones in their new order, for `commitments.services`."""
        return [
            MilestoneRow(
                data={name: form.cleaned_data[name] for name in MILESTONE_EDIT_FIELDS},
                pk=form.cleaned_data.get("milestone_id"),
            )
            for form in self.ordered_forms
        ]


def milestone_initial(commitment: Commitment) -> list[dict]:
    return [
        {
            "milestone_id": milestone.pk,
            "ORDER": milestone.number,
            **{name: getattr(milestone, name) for name in MILESTONE_EDIT_FIELDS},
        }
        for milestone in sorted(commitment.milestones.all(), key=lambda m: m.number)
    ]


class OrganisationInlineForm(forms.ModelForm):
    """A missing institution, added from inside the commitment form (prefix `org`)."""

    use_required_attribute = False  # it sits inside the commitment form; see the template

    class Meta:
        model = Organisation
        fields = ["name_ar", "name_en", "acronym", "sector"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "org")
        super().__init__(*args, **kwargs)
        mark_languages(self)
        self.fields["acronym"].widget.attrs["dir"] = "ltr"
