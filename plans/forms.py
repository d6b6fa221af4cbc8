"""Workspace forms for plans and their stages. Status fields are never form fields: they
move only through `plans.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.conflicts import VersionedFormMixin
from core.forms import DATE_WIDGET

from .models import ActionPlan, MethodologyStage
from .services import NARRATIVE_EDIT_FIELDS, PLAN_EDIT_FIELDS

# Every field staff edit but the country code, which the admin alone sets.
PLAN_FORM_FIELDS = [name for name in PLAN_EDIT_FIELDS if name != "country_code"]


class PlanCreateForm(forms.ModelForm):
    """A new plan: it starts in drafting, not public, with its seven stages. The model's
    constraints give the messages for a bad period (end before start)."""

    class Meta:
        model = ActionPlan
        fields = PLAN_FORM_FIELDS
        widgets = {
            "number": forms.NumberInput(attrs={"dir": "ltr", "min": 1}),
            "title_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "title_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "summary_ar": forms.Textarea(attrs={"dir": "rtl", "lang": "ar", "rows": 6}),
            "summary_en": forms.Textarea(attrs={"dir": "ltr", "lang": "en", "rows": 6}),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
        }


class PlanForm(VersionedFormMixin, PlanCreateForm):
    """Edit a plan's text, number and period; saved with the version it was opened on."""

    class Meta(PlanCreateForm.Meta):
        pass


class StageForm(VersionedFormMixin, forms.ModelForm):
    """A stage's planned dates and notes; its status moves only through start/complete."""

    class Meta:
        model = MethodologyStage
        fields = ["planned_start", "planned_end", "notes_ar", "notes_en"]
        widgets = {
            "planned_start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
            "notes_ar": forms.Textarea(attrs={"dir": "rtl", "lang": "ar", "rows": 5}),
            "notes_en": forms.Textarea(attrs={"dir": "ltr", "lang": "en", "rows": 5}),
        }


class PlanNarrativeForm(VersionedFormMixin, forms.ModelForm):
    """The narrative sections of the plan document, both languages side by side; saved with
    the version it was opened on (the same version as the plan's own form)."""

    class Meta:
        model = ActionPlan
        fields = NARRATIVE_EDIT_FIELDS
        widgets = {
            name: forms.Textarea(
                attrs={
                    "dir": "rtl" if name.endswith("_ar") else "ltr",
                    "lang": name[-2:],
                    "rows": 8,
                }
            )
            for name in NARRATIVE_EDIT_FIELDS
        }
        help_texts = {
            name: _("Plain text: leave an empty line between paragraphs.")
            for name in NARRATIVE_EDIT_FIELDS
        }
