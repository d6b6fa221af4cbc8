"""Django admin for plans, stages, organisations and documents.

The admin is for superusers: raw data and spreadsheet export; staff work in the workspace.
It writes through `plans.services` like the workspace: a plan's status and public flag and
a stage's status and actual dates are read-only here (they move only through the
services' rules: gates, the status order), and every save bumps the row's version and
records who made it.
"""

from functools import partial

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyMixin, form_data, save_versioned, save_versioned_formset
from core.concurrency import save_as
from core.spreadsheets import SpreadsheetExportMixin

from . import services
from .models import (
    STAGE_COUNT,
    ActionPlan,
    Document,
    MethodologyStage,
    Organisation,
    OrganisationName,
    PlanPdf,
    PlanPublication,
)
from .resources import (
    STAGE_FIELDS,
    ActionPlanResource,
    MethodologyStageResource,
    OrganisationResource,
)

# Stage fields that move only through plans.services (start_stage, complete_stage).
STAGE_STATUS_FIELDS = ("status", "actual_start", "actual_end")


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    resource_classes = [OrganisationResource]
    list_display = ("name_ar", "name_en", "acronym", "sector")
    list_filter = ("sector",)
    search_fields = ("name_ar", "name_en", "acronym")
    fields = (*services.ORGANISATION_EDIT_FIELDS, "focal_points")
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
    readonly_fields = STAGE_STATUS_FIELDS
    extra = 0
    max_num = STAGE_COUNT
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(SpreadsheetExportMixin, SimpleHistoryAdmin):
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
        (
            None,
            {
                "fields": (
                    "number",
                    "country_code",
                    "status",
                    "published_on",
                    "is_public",
                    "version",
                )
            },
        ),
        (_("Period"), {"fields": ("starts_on", "ends_on")}),
        (_("Text"), {"fields": ("title_ar", "title_en", "summary_ar", "summary_en")}),
        (_("The plan’s text"), {"fields": services.NARRATIVE_EDIT_FIELDS}),
    )
    # Status moves in its allowed order and public/hidden through plans.services; the
    # plan's text is written on its own workspace page (update_plan_narrative), shown here.
    readonly_fields = ("status", "published_on", "is_public", "version")
    readonly_fields += tuple(services.NARRATIVE_EDIT_FIELDS)
    inlines = [MethodologyStageInline]
    actions = ["make_public", "take_off_public_site"]

    def save_model(self, request, obj, form, change):
        data = form_data(form, services.PLAN_EDIT_FIELDS)
        save_versioned(
            obj,
            change,
            create=partial(services.create_plan, data=data, by=request.user),
            update=partial(services.update_plan, plan=obj, data=data, by=request.user),
        )

    def save_formset(self, request, form, formset, change):
        save_versioned_formset(formset, request.user)

    @admin.action(description=_("Show the selected plans on the public site"))
    def make_public(self, request, queryset):
        for plan in queryset:
            services.set_plan_public(plan=plan, public=True, by=request.user)

    @admin.action(description=_("Take the selected plans off the public site"))
    def take_off_public_site(self, request, queryset):
        for plan in queryset:
            services.set_plan_public(plan=plan, public=False, by=request.user)


@admin.register(MethodologyStage)
class MethodologyStageAdmin(SpreadsheetExportMixin, SimpleHistoryAdmin):
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
    readonly_fields = STAGE_STATUS_FIELDS
    fields = STAGE_FIELDS
    autocomplete_fields = ("plan",)

    def save_model(self, request, obj, form, change):
        if not change:
            save_as(obj, request.user)
            return
        saved = services.update_stage(
            stage=obj,
            data=form_data(form, services.STAGE_EDIT_FIELDS),
            expected_version=obj.version,
            by=request.user,
        )
        obj.version = saved.version


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


@admin.register(PlanPublication)
class PlanPublicationAdmin(admin.ModelAdmin):
    """Published final versions are frozen: the admin shows them and changes nothing."""

    list_display = ("plan", "number", "language", "published_at", "published_by", "size")
    list_select_related = ("plan", "published_by")
    list_filter = ("language",)
    fields = ("plan", "number", "language", "published_at", "published_by", "file", "size")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanPdf)
class PlanPdfAdmin(admin.ModelAdmin):
    """Cached draft PDFs: made again whenever their content changes."""

    list_display = ("plan", "language", "audience", "rendered_at", "size")
    list_select_related = ("plan",)
    list_filter = ("language", "audience")
    fields = ("plan", "language", "audience", "content_key", "file", "size", "rendered_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(OrganisationName)
class OrganisationNameAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Other names of organisations, remembered when a user maps a name in an import
    (`plans.services.remember_organisation_name`): read here, and deleted if wrong."""

    list_display = ("name", "organisation", "created_at")
    list_select_related = ("organisation",)
    search_fields = ("name", "organisation__name_ar", "organisation__name_en")
    fields = ("organisation", "name", "key", "created_at")
    readonly_fields = fields
