from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Commitment


@require_GET
def commitment_detail(request, plan_number: int, number: int):
    """One published commitment in the OGP template, with its milestones and progress."""
    commitment = get_object_or_404(
        Commitment.objects.published()
        .select_related("plan", "lead_institution")
        .prefetch_related("milestones", "supporting_institutions", "policy_areas"),
        plan__number=plan_number,
        number=number,
    )
    return render(request, "commitments/commitment_detail.html", {"commitment": commitment})
