"""Django admin for plans, and the import/export mixins every app's admin uses.

The admin is for superusers and bulk import/export; staff work in the staff workspace.
"""

from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from .models import ActionPlan, Document, MethodologyStage, Organisation
from .resources import ActionPlanResource, MethodologyStageResource, OrganisationResource

SPREADSHEET_FORMATS = [base_formats.CSV, base_formats.XLSX]


def import_error_messages(result) -> list[str]:
    """One line per problem of a failed import, naming the row and the column."""
    lines = []
    for error in result.base_errors:
        lines.append(str(error.error))
    for row in result.error_rows:
        for error in row.errors:
            lines.append(_("Row %(row)s: %(error)s") % {"row": row.number, "error": error.error})
    for row in result.invalid_rows:
        for column, errors in row.error_dict.items():
            for error in errors:
                if column == NON_FIELD_ERRORS:
                    lines.append(_("Row %(row)s: %(error)s") % {"row": row.number, "error": error})
                else:
                    lines.append(
                        _("Row %(row)s, column “%(column)s”: %(error)s")
                        % {"row": row.number, "column": column, "error": error}
                    )
    return lines


class SpreadsheetExportMixin(ExportMixin):
    """Export as CSV or XLSX (the resources neutralise spreadsheet formulae)."""

    formats = SPREADSHEET_FORMATS


class SpreadsheetImportExportMixin(ImportExportMixin):
    """Import and export CSV or XLSX; a failed import saves nothing and says where it failed.

    The preview step already refuses a file with errors. The confirm step imports the file
    again; if the data changed in between and a row now fails, the resource rolls back the
    whole file, and this mixin reports the rows instead of django-import-export's
    "Import finished" message (and writes no log entries for rows that were never saved).
    """

    formats = SPREADSHEET_FORMATS

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request, _("Nothing was imported. Correct the file and import it again.")
            )
            for line in import_error_messages(result):
                messages.error(request, line)
            url = reverse(
                "admin:{}_{}_import".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)
        return super().process_result(result, request)


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
    max_num = 7
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
