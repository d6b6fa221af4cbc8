"""Django admin for commitments, milestones, letters, IRM assessments and progress.

The admin is for superusers and bulk import/export; staff work in the staff workspace.
It writes through `commitments.services` like the workspace: a commitment's text through
`create_commitment`/`update_commitment` (version bumped, who recorded), publication
through `set_commitment_published`, a new approval letter through `send_approval_request`
(which keeps the exact text sent) and its reply through `record_approval_reply`. A
milestone's status and percent done move only through progress reports.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.concurrency import save_as
from core.spreadsheets import SpreadsheetImportExportMixin
from plans.admin import form_data, save_versioned_formset

from . import services
from .models import (
    ApprovalLetter,
    Commitment,
    IRMAssessment,
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


# Milestone fields that move only through progress reports (services.report_progress).
MILESTONE_PROGRESS_FIELDS = ("status", "progress_percent", "evidence_file")


class MilestoneInline(admin.TabularInline):
    model = Milestone
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


class ApprovalLetterInline(admin.TabularInline):
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
    # A letter's text snapshot is taken by ApprovalLetter.save, after the commitment's
    # own changes on this page are saved: the letter asks about the text as it now stands.
    readonly_fields = ("is_current",)
    autocomplete_fields = ("organisation",)
    extra = 0
    show_change_link = True

    @admin.display(description=_("still current"), boolean=True)
    def is_current(self, letter):
        return letter_is_current(letter)


@admin.register(Commitment)
class CommitmentAdmin(SpreadsheetImportExportMixin, SimpleHistoryAdmin):
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
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "plan",
                    "number",
                    "ogp_id",
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
                    "title_ar",
                    "title_en",
                    "description_ar",
                    "description_en",
                    "problem_ar",
                    "problem_en",
                    "causes_ar",
                    "causes_en",
                    "solution_ar",
                    "solution_en",
                    "how_it_solves_ar",
                    "how_it_solves_en",
                )
            },
        ),
        (
            _("Relevance to OGP values"),
            {
                "fields": (
                    "transparency",
                    "civic_participation",
                    "public_accountability",
                    "technology_innovation",
                    "relevance_ar",
                    "relevance_en",
                    "policy_areas",
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
        if change:
            saved = services.update_commitment(
                commitment=obj, data=data, expected_version=obj.version, by=request.user
            )
        else:
            saved = services.create_commitment(
                plan=form.cleaned_data["plan"], data=data, by=request.user
            )
        # The admin goes on with `obj` (relations, inlines, its log): make it the saved row.
        obj.pk, obj.version = saved.pk, saved.version
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
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


@admin.register(Milestone)
class MilestoneAdmin(SpreadsheetImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [MilestoneResource]
    list_display = ("__str__", "commitment", "starts_on", "ends_on", "weight", "status")
    list_filter = ("status", "commitment__plan")
    list_select_related = ("commitment", "commitment__plan")
    search_fields = ("title_ar", "title_en", "commitment__title_ar", "commitment__ogp_id")
    autocomplete_fields = ("commitment",)
    fields = (
        "commitment",
        "number",
        "title_ar",
        "title_en",
        "expected_output_ar",
        "expected_output_en",
        "starts_on",
        "ends_on",
        "weight",
        "status",
        "evidence_ar",
        "evidence_en",
        "evidence_url",
        "evidence_file",
        "progress_percent",
        "version",
    )
    readonly_fields = (*MILESTONE_PROGRESS_FIELDS, "version")

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        save_as(obj, request.user)


@admin.register(ApprovalLetter)
class ApprovalLetterAdmin(admin.ModelAdmin):
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
    # which keeps the exact text sent; its reply is recorded on the change page.
    add_fields = ("commitment", "reference", "sent_on", "due_on")

    def get_queryset(self, request):
        # "Still current" compares with the commitment's milestones too.
        return super().get_queryset(request).prefetch_related("commitment__milestones")

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("commitment", "organisation", *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
            save_as(obj, request.user)
            return
        saved = services.send_approval_request(
            commitment=form.cleaned_data["commitment"],
            reference=form.cleaned_data["reference"],
            sent_on=form.cleaned_data["sent_on"],
            due_on=form.cleaned_data["due_on"],
            by=request.user,
        )
        obj.pk, obj.organisation_id, obj.version = saved.pk, saved.organisation_id, saved.version
        obj.text_snapshot, obj.text_fingerprint = saved.text_snapshot, saved.text_fingerprint
        obj._state.adding = False

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
    )


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
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
