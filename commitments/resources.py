"""Spreadsheet import/export of commitments and milestones.

A commitment row names its plan by number and its institutions by their Arabic names;
a milestone row names its commitment by plan number and commitment number.
"""

from django.utils.translation import gettext_lazy as _
from import_export import fields

from ogp_portal.spreadsheets import LookupWidget, SpreadsheetResource, StrictManyToManyWidget
from plans.models import ActionPlan, Organisation

from .models import Commitment, Milestone, PolicyArea


class CommitmentResource(SpreadsheetResource):
    plan = fields.Field(
        attribute="plan", column_name="plan", widget=LookupWidget(ActionPlan, "number")
    )
    lead_institution = fields.Field(
        attribute="lead_institution",
        column_name="lead_institution",
        widget=LookupWidget(Organisation, "name_ar"),
    )
    supporting_institutions = fields.Field(
        attribute="supporting_institutions",
        column_name="supporting_institutions",
        widget=StrictManyToManyWidget(Organisation, "name_ar"),
    )
    policy_areas = fields.Field(
        attribute="policy_areas",
        column_name="policy_areas",
        widget=StrictManyToManyWidget(PolicyArea, "name_ar"),
    )
    constraint_fields = {"commitment_dates_in_order": "ends_on"}
    export_select_related = ("plan", "lead_institution")
    export_prefetch_related = ("supporting_institutions", "policy_areas")

    class Meta:
        model = Commitment
        fields = (
            "plan",
            "number",
            "ogp_id",
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
            "transparency",
            "civic_participation",
            "public_accountability",
            "technology_innovation",
            "relevance_ar",
            "relevance_en",
            "policy_areas",
            "lead_institution",
            "supporting_institutions",
            "contact_name",
            "contact_title",
            "contact_email",
            "contact_phone",
            "starts_on",
            "ends_on",
            "status",
            "is_published",
        )
        import_id_fields = ("plan", "number")


class CommitmentInPlanWidget(LookupWidget):
    """A commitment by its number within the plan named in the row's `plan` column."""

    def __init__(self):
        super().__init__(Commitment, "number")

    def get_queryset(self, value, row, *args, **kwargs):
        plan = (row or {}).get("plan")
        if plan in (None, ""):
            raise ValueError(_("The “plan” column is needed to find the commitment."))
        return Commitment.objects.filter(plan__number=plan)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.number


class MilestoneResource(SpreadsheetResource):
    # Read only: `commitment` is found by its number within this plan.
    plan = fields.Field(attribute="commitment__plan__number", column_name="plan", readonly=True)
    commitment = fields.Field(
        attribute="commitment", column_name="commitment", widget=CommitmentInPlanWidget()
    )
    constraint_fields = {"milestone_dates_in_order": "ends_on"}
    export_select_related = ("commitment__plan",)

    class Meta:
        model = Milestone
        fields = (
            "plan",
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
        )
        import_id_fields = ("commitment", "number")
