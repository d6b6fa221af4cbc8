from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from plans.models import Sector

from .models import Commitment


def institutions_by_sector(organisations) -> list[tuple[str, list]]:
    """(sector label, organisations) pairs in the order sectors are declared."""
    groups: dict[str, list] = {}
    for organisation in organisations:
        groups.setdefault(organisation.sector, []).append(organisation)
    return [(sector.label, groups[sector.value]) for sector in Sector if sector.value in groups]


@require_GET
def commitment_detail(request, plan_number: int, number: int):
    """One published commitment in the OGP template, with its milestones and progress."""
    commitment = get_object_or_404(
        Commitment.objects.published().for_detail(),
        plan__number=plan_number,
        number=number,
    )
    milestones = list(commitment.milestones.all())
    context = {
        "commitment": commitment,
        "plan": commitment.plan,
        "milestones": milestones,
        "total_weight": sum(milestone.weight for milestone in milestones),
        "supporting_by_sector": institutions_by_sector(commitment.supporting_institutions.all()),
        "policy_areas": list(commitment.policy_areas.all()),
    }
    return render(request, "commitments/commitment_detail.html", context)
