from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ogp_portal.spreadsheets import SpreadsheetImportExportMixin

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


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ("number", "title_ar", "title_en", "starts_on", "ends_on", "weight", "status")
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
    readonly_fields = ("version", "progress")
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
        "version",
    )
    readonly_fields = ("version",)


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

    def get_queryset(self, request):
        # "Still current" compares with the commitment's milestones too.
        return super().get_queryset(request).prefetch_related("commitment__milestones")

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
