"""Django admin for plans, stages, organisations and documents.

The admin is for superusers and bulk import/export; staff work in the staff workspace.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ogp_portal.spreadsheets import SpreadsheetImportExportMixin

from .models import STAGE_COUNT, ActionPlan, Document, MethodologyStage, Organisation
from .resources import ActionPlanResource, MethodologyStageResource, OrganisationResource


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [OrganisationResource]
    list_display = ("name_ar", "name_en", "acronym", "sector")
    list_filter = ("sector",)
    search_fields = ("name_ar", "name_en", "acronym")
    fields = ("name_ar", "name_en", "acronym", "sector", "website", "focal_points")
    autocomplete_fields = ("focal_points",)


class MethodologyStageInline(admin.TabularInline):
    model = MethodologyStage
    fields = (
        "number",
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
    )
    extra = 0
    max_num = STAGE_COUNT
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(SpreadsheetImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [ActionPlanResource]
    list_display = (
        "number",
        "title_ar",
        "title_en",
        "country_code",
        "starts_on",
        "ends_on",
        "status",
        "published_on",
    )
    list_display_links = ("number", "title_ar")
    list_filter = ("status", "country_code")
    search_fields = ("title_ar", "title_en", "summary_ar", "summary_en")
    fieldsets = (
        (None, {"fields": ("number", "country_code", "status", "published_on", "version")}),
        (_("Period"), {"fields": ("starts_on", "ends_on")}),
        (_("Text"), {"fields": ("title_ar", "title_en", "summary_ar", "summary_en")}),
    )
    readonly_fields = ("version",)
    inlines = [MethodologyStageInline]


@admin.register(MethodologyStage)
class MethodologyStageAdmin(SpreadsheetImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [MethodologyStageResource]
    list_display = (
        "__str__",
        "plan",
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
    )
    list_filter = ("status", "number", "plan")
    list_select_related = ("plan",)
    search_fields = ("plan__title_ar", "plan__title_en", "notes_ar", "notes_en")
    fields = (
        "plan",
        "number",
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "notes_ar",
        "notes_en",
    )
    autocomplete_fields = ("plan",)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title_ar", "kind", "plan", "stage", "language", "is_public", "published_at")
    list_filter = ("kind", "is_public", "language", "plan")
    list_select_related = ("plan", "stage")
    search_fields = ("title_ar", "title_en")
    date_hierarchy = "published_at"
    fields = (
        "plan",
        "stage",
        "kind",
        "title_ar",
        "title_en",
        "language",
        "file",
        "url",
        "is_public",
        "published_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("created_at", "updated_at")
    autocomplete_fields = ("plan",)
    raw_id_fields = ("stage",)
