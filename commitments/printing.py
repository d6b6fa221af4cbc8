"""What the plan document prints of the commitments (registered in `CommitmentsConfig.ready`)."""

from django.db.models import Prefetch

from .models import ApprovalLetter, Commitment


def plan_commitments(plan, *, public_only: bool) -> list[Commitment]:
    """The plan's commitments with their milestones, institutions and letters, in order."""
    commitments = Commitment.objects.filter(plan=plan)
    if public_only:
        commitments = commitments.filter(is_published=True)
    return list(
        commitments.select_related(
            "lead_institution",
            "irm_assessment__design_report",
            "irm_assessment__results_report",
        )
        .prefetch_related(
            "milestones",
            "supporting_institutions",
            Prefetch(
                "approval_letters",
                queryset=ApprovalLetter.objects.select_related("organisation").order_by(
                    "sent_on", "pk"
                ),
            ),
        )
        .order_by("number")
    )
