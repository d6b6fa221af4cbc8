"""Stage gates owned by commitments, registered with `plans.gates` at start-up.

Each problem names the commitment and exactly what is missing, so staff can fix it.
"""

from django.utils.translation import gettext as _

from core.i18n import isolated

from .models import Commitment, CommitmentStatus


def active_commitments(plan):
    return Commitment.objects.in_plan(plan).exclude(status=CommitmentStatus.WITHDRAWN)


def every_commitment_complete(plan) -> list[str]:
    """Stage 4: every commitment has every OGP template field in both languages
    (`Commitment.template_gaps`, the rule the final plan document checks too)."""
    problems = []
    for commitment in active_commitments(plan).prefetch_related("milestones"):
        problem = commitment.template_problem()
        if problem:
            problems.append(problem)
    if not problems and not active_commitments(plan).exists():
        problems.append(_("The plan has no commitments yet."))
    return problems


def approval_problem(commitment: Commitment) -> str | None:
    """Why a commitment is not approved by its lead institution for its current text."""
    lead = commitment.lead_institution
    letters = [
        letter for letter in commitment.approval_letters.all() if letter.organisation_id == lead.pk
    ]
    # The agency's name isolated: it keeps its direction inside the sentence (core.i18n).
    values = {"number": commitment.number, "agency": isolated(lead.name)}
    if any(letter.approves_current_text() for letter in letters):
        return None
    if any(letter.decision == "approved" for letter in letters):
        return (
            _("Commitment %(number)s: the approval from %(agency)s is for an older text.") % values
        )
    if any(letter.decision == "pending" for letter in letters):
        return _("Commitment %(number)s: the reply of %(agency)s is still awaited.") % values
    if letters:
        return _("Commitment %(number)s: %(agency)s has not approved the text.") % values
    return _("Commitment %(number)s has no approval letter from %(agency)s.") % values


def every_commitment_approved(plan) -> list[str]:
    """Stage 5: each commitment approved by its lead institution for its current text."""
    commitments = (
        active_commitments(plan)
        .select_related("lead_institution")
        .prefetch_related("approval_letters", "milestones")
    )
    problems = [approval_problem(commitment) for commitment in commitments]
    return [problem for problem in problems if problem]
