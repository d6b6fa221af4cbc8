"""Django admin for commitments, milestones, letters, IRM assessments and progress.

The admin is for superusers: raw data and spreadsheet export; staff work in the workspace.
It writes through `commitments.services` like the workspace: a commitment's text through
`create_commitment`/`update_commitment` (version bumped, who recorded), its milestones
through `save_milestones` and `update_milestones` (the weights add up to 100), publication
through `set_commitment_published`, a new approval letter through `send_approval_request`
(addressed to the lead institution, keeping the exact text sent) and its reply through
`record_approval_reply`. A milestone's status, percent done and evidence move only through
progress reports. A rule the services refuse shows on the form and nothing is saved.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyMixin, form_data, save_versioned, save_versioned_formset, take_saved
from core.i18n import bilingual_names
from core.spreadsheets import SpreadsheetExportMixin

from . import services
from .forms import sdg_field
from .models import (
    ADDITIONAL_TEXT_NAMES,
    OGP_VALUE_FIELDS,
    TEMPLATE_TEXT_NAMES,
    ApprovalLetter,
    CivilSocietyRating,
    Commitment,
    IRMAssessment,
    IRMFinding,
    IRMReport,
    Milestone,
    PolicyArea,
    ProgressReport,
)
from .resources import CommitmentResource, MilestoneResource


def letter_is_current(letter) -> bool | None:
    """Whether the letter is still about the commitment's current text (None before saving)."""
    if letter is None or letter.pk is None:
        return None
    return letter.is_current()


@admin.register(PolicyArea)
class PolicyAreaAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en")
    search_fields = ("name_ar", "name_en")
    fields = ("name_ar", "name_en")


def milestone_rows(formset) -> list[services.MilestoneRow]:
    """The milestones an inline formset keeps, in number order, as the services take them."""
    forms_kept = [
        form
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and (form.instance.pk is not None or form.has_changed())
    ]
    forms_kept.sort(key=lambda form: form.cleaned_data.get("number") or 0)
    return [
        services.MilestoneRow(
            data={
                name: form.cleaned_data[name]
                for name in services.MILESTONE_EDIT_FIELDS
                if name in form.cleaned_data
            },
            pk=form.instance.pk,
        )
        for form in forms_kept
    ]


class MilestoneFormSet(BaseInlineFormSet):
    """A commitment's milestones are saved together, so their weights are checked together."""

    def clean(self):
        super().clean()
        if any(self.errors) or not self.has_changed():
            return
        problems = services.weight_problems(milestone_rows(self))
        if problems:
            raise ValidationError(problems)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    formset = MilestoneFormSet
    fields = (
        "number",
        "title_ar",
        "title_en",
        "starts_on",
        "ends_on",
        "weight",
        "status",
        "progress_percent",
    )
    readonly_fields = ("status", "progress_percent")
    extra = 0
    show_change_link = True


class ApprovalLetterInline(ReadOnlyMixin, admin.TabularInline):
    """Letters shown on their commitment, read only: a letter is sent from its own add page
    (to the lead institution, through send_approval_request) and answered on its own page."""

    model = ApprovalLetter
    fields = (
        "organisation",
        "reference",
        "sent_on",
        "due_on",
        "received_on",
        "decision",
        "scan",
        "is_current",
    )
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("still current"), boolean=True)
    def is_current(self, letter):
        return letter_is_current(letter)


class CommitmentAdminForm(forms.ModelForm):
    sdgs = sdg_field()


@admin.register(Commitment)
class CommitmentAdmin(SpreadsheetExportMixin, SimpleHistoryAdmin):
    resource_classes = [CommitmentResource]
    list_display = (
        "number",
        "title_ar",
        "plan",
        "lead_institution",
        "status",
        "is_published",
        "progress",
    )
    list_display_links = ("number", "title_ar")
    list_filter = ("plan", "status", "is_published", "lead_institution__sector")
    list_select_related = ("plan", "lead_institution")
    search_fields = ("title_ar", "title_en", "ogp_id", "lead_institution__name_ar")
    autocomplete_fields = ("plan", "lead_institution", "supporting_institutions", "policy_areas")
    # Publication moves through set_commitment_published (the actions below).
    readonly_fields = ("is_published", "version", "progress")
    actions = ["publish", "unpublish"]
    # Every field the services write (COMMITMENT_EDIT_FIELDS) has its place here
    # (tests/core/test_spreadsheet_resources.py).
    form = CommitmentAdminForm
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "plan",
                    "number",
                    "ogp_id",
                    "short_title_ar",
                    "short_title_en",
                    "status",
                    "is_published",
                    "version",
                    "progress",
                )
            },
        ),
        (
            _("OGP template"),
            {
                "fields": (
                    *bilingual_names(name for name in TEMPLATE_TEXT_NAMES if name != "relevance"),
                    *bilingual_names(ADDITIONAL_TEXT_NAMES),
                )
            },
        ),
        (
            _("Relevance to OGP values"),
            {
                "fields": (
                    *OGP_VALUE_FIELDS,
                    *bilingual_names(["relevance"]),
                    "policy_areas",
                    "sdgs",
                )
            },
        ),
        (
            _("Institutions and contact (contact is private)"),
            {
                "fields": (
                    "lead_institution",
                    "supporting_institutions",
                    "contact_name",
                    "contact_title",
                    "contact_email",
                    "contact_phone",
                )
            },
        ),
        (_("Period"), {"fields": ("starts_on", "ends_on")}),
    )
    inlines = [MilestoneInline, ApprovalLetterInline]

    def get_queryset(self, request):
        # `progress` reads the milestones; one prefetch for the whole page.
        return super().get_queryset(request).prefetch_related("milestones")

    def get_readonly_fields(self, request, obj=None):
        # A commitment stays in its plan (update_commitment does not move it).
        if obj is None:
            return self.readonly_fields
        return ("plan", *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        data = form_data(form, services.COMMITMENT_EDIT_FIELDS)
        save_versioned(
            obj,
            change,
            # The plan is a form field only on the add page.
            create=lambda: services.create_commitment(
                plan=form.cleaned_data["plan"], data=data, by=request.user
            ),
            update=partial(services.update_commitment, commitment=obj, data=data, by=request.user),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is Milestone:
            # The inline's clean already checked the weights; the service checks them again
            # under the transaction and numbers the milestones in order.
            if formset.has_changed():
                services.save_milestones(form.instance, milestone_rows(formset), request.user)
            # The change message reads what formset.save() would have recorded.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        save_versioned_formset(formset, request.user)

    @admin.action(description=_("Publish the selected commitments"))
    def publish(self, request, queryset):
        for commitment in queryset:
            try:
                services.set_commitment_published(
                    commitment=commitment, published=True, by=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, f"{commitment}: {message}", messages.ERROR)

    @admin.action(description=_("Unpublish the selected commitments"))
    def unpublish(self, request, queryset):
        for commitment in queryset:
            services.set_commitment_published(
                commitment=commitment, published=False, by=request.user
            )

    @admin.display(description=_("progress (%)"))
    def progress(self, commitment):
        if commitment.pk is None:
            return "–"
        return commitment.progress


class MilestoneForm(forms.ModelForm):
    """One milestone changed or added as the workspace spreadsheet does it: numbered on from
    the commitment's last milestone, the weights still adding up to 100."""

    def clean(self):
        cleaned = super().clean()
        commitment = self.instance.commitment if self.instance.pk else cleaned.get("commitment")
        number = self.instance.number if self.instance.pk else cleaned.get("number")
        if commitment is None or number is None:
            return cleaned
        milestones = list(commitment.milestones.all())
        problems = services.milestone_change_problems(milestones, {number: milestone_data(self)})
        if problems:
            raise ValidationError(problems)
        return cleaned


def milestone_data(form) -> dict:
    return form_data(form, services.MILESTONE_EDIT_FIELDS)


@admin.register(Milestone)
class MilestoneAdmin(SpreadsheetExportMixin, SimpleHistoryAdmin):
    resource_classes = [MilestoneResource]
    form = MilestoneForm
    list_display = ("__str__", "commitment", "starts_on", "ends_on", "weight", "status")
    list_filter = ("status", "commitment__plan")
    list_select_related = ("commitment", "commitment__plan")
    search_fields = ("title_ar", "title_en", "commitment__title_ar", "commitment__ogp_id")
    autocomplete_fields = ("commitment",)
    fields = (
        "commitment",
        "number",
        *services.MILESTONE_EDIT_FIELDS,
        "status",
        "evidence_ar",
        "evidence_en",
        "evidence_url",
        "evidence_file",
        "progress_percent",
        "version",
    )
    readonly_fields = (*services.MILESTONE_PROGRESS_FIELDS, "version")

    def get_readonly_fields(self, request, obj=None):
        # A milestone stays in its commitment, at its number (the services renumber).
        if obj is None:
            return self.readonly_fields
        return ("commitment", "number", *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        commitment = obj.commitment if change else form.cleaned_data["commitment"]
        number = obj.number if change else form.cleaned_data["number"]
        services.update_milestones(
            commitment=commitment,
            changes={number: milestone_data(form)},
            expected_version=Commitment.objects.get(pk=commitment.pk).version,
            by=request.user,
        )
        saved = Milestone.objects.get(commitment=commitment, number=number)
        take_saved(obj, saved, "version")


class ApprovalReplyForm(forms.ModelForm):
    """The change page records the agency's reply, as the workspace's reply form does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "received_on" in self.fields:
            self.fields["received_on"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or "decision" not in cleaned:
            return cleaned
        problems = services.reply_problems(decision=cleaned["decision"])
        if problems:
            raise ValidationError(problems)
        return cleaned


@admin.register(ApprovalLetter)
class ApprovalLetterAdmin(admin.ModelAdmin):
    form = ApprovalReplyForm
    list_display = (
        "commitment",
        "organisation",
        "reference",
        "sent_on",
        "due_on",
        "received_on",
        "decision",
        "is_current",
    )
    list_filter = ("decision", "commitment__plan", "organisation")
    list_select_related = ("commitment", "organisation")
    search_fields = ("reference", "commitment__title_ar", "organisation__name_ar")
    autocomplete_fields = ("commitment", "organisation")
    date_hierarchy = "sent_on"
    fields = (
        "commitment",
        "organisation",
        "reference",
        "sent_on",
        "due_on",
        "received_on",
        "decision",
        "notes",
        "scan",
        "text_fingerprint",
        "is_current",
    )
    readonly_fields = ("text_fingerprint", "is_current")
    # A new letter goes to the commitment's lead institution through send_approval_request,
    # which keeps the exact text sent; its reply is recorded on the change page through
    # record_approval_reply. What was sent, to whom and when stays as sent.
    add_fields = ("commitment", "reference", "sent_on", "due_on")
    sent_fields = ("commitment", "organisation", "reference", "sent_on", "due_on")

    def get_queryset(self, request):
        # "Still current" compares with the commitment's milestones too.
        return super().get_queryset(request).prefetch_related("commitment__milestones")

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*self.sent_fields, *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        if change:
            scan = form.cleaned_data.get("scan") if "scan" in form.changed_data else None
            saved = services.record_approval_reply(
                letter=obj,
                decision=form.cleaned_data["decision"],
                received_on=form.cleaned_data["received_on"],
                expected_version=obj.version,
                by=request.user,
                notes=form.cleaned_data.get("notes", ""),
                scan=scan or None,
            )
            obj.version = saved.version
            return
        saved = services.send_approval_request(
            commitment=form.cleaned_data["commitment"],
            reference=form.cleaned_data["reference"],
            sent_on=form.cleaned_data["sent_on"],
            due_on=form.cleaned_data["due_on"],
            by=request.user,
        )
        take_saved(obj, saved, "organisation_id", "version", "text_snapshot", "text_fingerprint")

    @admin.display(description=_("still current"), boolean=True)
    def is_current(self, letter):
        return letter_is_current(letter)


@admin.register(IRMAssessment)
class IRMAssessmentAdmin(admin.ModelAdmin):
    list_display = (
        "commitment",
        "verifiable",
        "ogp_values_lens",
        "potential_for_results",
        "completion",
        "early_results",
    )
    list_filter = ("potential_for_results", "completion", "early_results", "commitment__plan")
    list_select_related = ("commitment",)
    search_fields = ("commitment__title_ar", "commitment__ogp_id")
    autocomplete_fields = ("commitment",)
    fields = (
        "commitment",
        "verifiable",
        "ogp_values_lens",
        "potential_for_results",
        "completion",
        "early_results",
        "notes_ar",
        "notes_en",
        "report_url",
        "design_report",
        "promising",
        "results_report",
        "opened_government",
        "results_text_ar",
        "results_text_en",
    )

    def save_model(self, request, obj, form, change):
        from .irm import SAVED_FIELDS, save_irm_assessment

        data = {name: getattr(obj, name) for name in SAVED_FIELDS}
        saved = save_irm_assessment(commitment=obj.commitment, data=data, by=request.user)
        take_saved(obj, saved)


class IRMFindingInline(admin.TabularInline):
    model = IRMFinding
    fields = ("requirement", "verdict", "text_ar", "text_en")
    extra = 0


@admin.register(IRMFinding)
class IRMFindingAdmin(admin.ModelAdmin):
    """Plain data copied from the IRM's report: its finding on one minimum requirement."""

    list_display = ("report", "requirement", "verdict")
    list_select_related = ("report",)
    list_filter = ("requirement", "verdict")
    fields = ("report", "requirement", "verdict", "text_ar", "text_en")
    autocomplete_fields = ()

    # Through `irm.save_irm_finding`: each change counts in its report's version.
    def save_model(self, request, obj, form, change):
        from .irm import save_irm_finding

        save_irm_finding(finding=obj, by=request.user)

    def delete_model(self, request, obj):
        from .irm import save_irm_finding

        save_irm_finding(finding=obj, by=request.user, delete=True)

    def delete_queryset(self, request, queryset):
        for finding in queryset:
            self.delete_model(request, finding)


@admin.register(IRMReport)
class IRMReportAdmin(admin.ModelAdmin):
    """Plain data copied from the IRM's published report; its findings inline."""

    list_display = ("title_en", "plan", "kind", "published_on")
    list_select_related = ("plan",)
    list_filter = ("kind", "plan")
    fields = ("plan", "kind", "title_en", "title_ar", "url", "published_on")
    inlines = [IRMFindingInline]

    # Through `irm.save_irm_report`, as the workspace saves it: the version is raised, so a
    # report page opened before this change merges instead of overwriting it.
    def save_model(self, request, obj, form, change):
        from .irm import save_irm_report

        save_irm_report(report=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        save_versioned_formset(formset, request.user)


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read only: reports are made by focal points through services.report_progress, which
    carries them to the milestone."""

    list_display = ("milestone", "status", "progress_percent", "reported_by", "reported_at")
    list_select_related = ("milestone__commitment", "reported_by")
    list_filter = ("status",)
    date_hierarchy = "reported_at"
    fields = (
        "milestone",
        "status",
        "progress_percent",
        "narrative",
        "evidence_url",
        "evidence_file",
        "reported_by",
        "reported_at",
    )
    readonly_fields = fields


@admin.register(CivilSocietyRating)
class CivilSocietyRatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read only: a rating is civil society's own word, written by the organisation itself
    through `monitoring.rate_milestone`; the superuser may delete spam."""

    list_display = ("milestone", "organisation", "status", "rating", "rated_on")
    list_select_related = ("milestone__commitment", "organisation")
    list_filter = ("rating", "status")
    fields = (
        "milestone",
        "organisation",
        "author",
        "status",
        "rating",
        "evidence",
        "evidence_url",
        "rated_on",
    )
    readonly_fields = fields
