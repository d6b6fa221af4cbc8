"""Stage gates owned by commitments, registered with `plans.gates` at start-up."""

from django.utils.translation import gettext as _

from .models import Commitment, CommitmentStatus


def every_commitment_approved(plan) -> list[str]:
    """Stage 5: each commitment approved by its lead agency for its current text."""
    problems = []
    commitments = (
        Commitment.objects.in_plan(plan)
        .exclude(status=CommitmentStatus.WITHDRAWN)
        .prefetch_related("approval_letters")
    )
    for commitment in commitments:
        letters = commitment.approval_letters.all()
        if not any(letter.approves_current_text() for letter in letters):
            problems.append(
                _(
                    "Commitment %(number)s has no approval from its lead agency"
                    " for its current text."
                )
                % {"number": commitment.number}
            )
    return problems
