"""Workspace forms for approval letters. A letter's text, organisation, decision and version
are never set from a form directly: they move only through `commitments.services`."""

import datetime

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.conflicts import VersionedFormMixin
from core.forms import DATE_WIDGET
from core.uploads import validate_document

from .models import ApprovalLetter, Decision

REPLY_DAYS = 14


class LetterRequestForm(forms.ModelForm):
    """Reference and dates of a new request letter; the reply is due 14 days after it is
    sent unless another date is given."""

    class Meta:
        model = ApprovalLetter
        fields = ["reference", "sent_on", "due_on"]
        widgets = {
            "reference": forms.TextInput(attrs={"dir": "ltr"}),
            "sent_on": DATE_WIDGET,
            "due_on": DATE_WIDGET,
        }
        help_texts = {
            "due_on": _("Leave empty for 14 days after the letter is sent."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("sent_on", today)
            self.initial.setdefault("due_on", today + datetime.timedelta(days=REPLY_DAYS))

    def clean(self):
        cleaned = super().clean()
        sent_on, due_on = cleaned.get("sent_on"), cleaned.get("due_on")
        if sent_on and not due_on and "due_on" not in self.errors:
            cleaned["due_on"] = sent_on + datetime.timedelta(days=REPLY_DAYS)
            self.instance.due_on = cleaned["due_on"]
        if sent_on and due_on and due_on < sent_on:
            self.add_error("due_on", _("The reply cannot be due before the letter was sent."))
        return cleaned


class LetterReplyForm(VersionedFormMixin, forms.ModelForm):
    """The agency's answer: its decision, when it arrived, notes and the scanned letter
    (PDF, PNG or JPEG, checked by its first bytes)."""

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[(value, label) for value, label in Decision.choices if value != Decision.PENDING],
        widget=forms.RadioSelect,
    )
    scan = forms.FileField(
        label=_("scanned letter"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        help_text=_("PDF, PNG or JPEG. Leave empty to keep the scan already recorded."),
    )

    class Meta:
        model = ApprovalLetter
        fields = ["decision", "received_on", "notes", "scan"]
        widgets = {
            "received_on": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].required = True
        if not self.is_bound and self.instance.decision == Decision.PENDING:
            self.initial["decision"] = None
            self.initial["received_on"] = self.initial.get("received_on") or timezone.localdate()

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        if isinstance(upload, UploadedFile):
            validate_document(upload)
        return upload
