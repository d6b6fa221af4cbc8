"""The focal point's progress report form (saved through `services.report_progress`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.constraints import PERCENT_DONE_MESSAGE, is_percent
from core.uploads import validate_document

from .models import MilestoneStatus, ProgressReport


class ProgressReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["status", "progress_percent", "narrative", "evidence_url", "evidence_file"]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
            "evidence_url": forms.URLInput(attrs={"dir": "ltr"}),
            "evidence_file": forms.ClearableFileInput(
                attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}
            ),
        }
        help_texts = {
            "progress_percent": _("From 0 to 100. A completed milestone counts as 100."),
            "narrative": _("What was done since the last report, and what is still to do."),
            "evidence_url": _("A link to a published document, page or news item."),
            "evidence_file": _("Or a file: PDF, PNG or JPEG, at most 10 MB."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress_percent"].widget.attrs.update(
            {"min": 0, "max": 100, "step": 1, "dir": "ltr"}
        )
        self.fields["narrative"].required = True

    def clean_progress_percent(self):
        value = self.cleaned_data["progress_percent"]
        if value is not None and not is_percent(value):
            raise forms.ValidationError(PERCENT_DONE_MESSAGE)
        return value

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and hasattr(upload, "size"):
            validate_document(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        percent = cleaned.get("progress_percent")
        if status == MilestoneStatus.NOT_STARTED and percent:
            self.add_error(
                "progress_percent",
                _("A milestone that has not started has no work done yet; choose “In progress”."),
            )
        return cleaned
