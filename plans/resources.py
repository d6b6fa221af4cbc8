"""Spreadsheet import/export of plans, stages and organisations."""

from import_export import fields

from ogp_portal.spreadsheets import LookupWidget, SpreadsheetResource

from .models import ActionPlan, MethodologyStage, Organisation


class OrganisationResource(SpreadsheetResource):
    class Meta:
        model = Organisation
        fields = ("name_ar", "name_en", "acronym", "sector", "website")
        import_id_fields = ("name_ar",)


class ActionPlanResource(SpreadsheetResource):
    constraint_fields = {
        "actionplan_period_in_order": "ends_on",
        "actionplan_published_has_date": "published_on",
    }

    class Meta:
        model = ActionPlan
        fields = (
            "country_code",
            "number",
            "title_ar",
            "title_en",
            "summary_ar",
            "summary_en",
            "starts_on",
            "ends_on",
            "status",
            "published_on",
        )
        import_id_fields = ("country_code", "number")


class MethodologyStageResource(SpreadsheetResource):
    plan = fields.Field(
        attribute="plan", column_name="plan", widget=LookupWidget(ActionPlan, "number")
    )
    constraint_fields = {
        "stage_planned_dates_in_order": "planned_end",
        "stage_actual_dates_in_order": "actual_end",
        "stage_completed_has_end_date": "actual_end",
    }
    export_select_related = ("plan",)

    class Meta:
        model = MethodologyStage
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
        import_id_fields = ("plan", "number")
