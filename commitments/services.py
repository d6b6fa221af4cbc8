"""Every write to commitments, milestones, approval letters and progress that has a rule:
one function per action, atomic, recording who did it on the history row. The workspace,
the admin and the importers call these.

Rules broken raise `ValidationError` with messages meant for the user; an edit opened on
an older version raises `StaleEdit` (see `core.concurrency`).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.concurrency import lock_for_edit, save_as
from core.i18n import bilingual_names

from .models import (
    ADDITIONAL_TEXT_NAMES,
    MILESTONE_EDIT_FIELDS,
    OGP_VALUE_FIELDS,
    TEMPLATE_TEXT_NAMES,
    ApprovalLetter,
    Commitment,
    Decision,
    Milestone,
    MilestoneStatus,
    ProgressReport,
)

# The fields of the commitment form; `is_published` moves only through
# `set_commitment_published` (the coordinator's), `version` only through the services.
COMMITMENT_EDIT_FIELDS = [
    "number",
    "ogp_id",
    "short_title_ar",
    "short_title_en",
    *bilingual_names(TEMPLATE_TEXT_NAMES),
    *bilingual_names(ADDITIONAL_TEXT_NAMES),
    "sdgs",
    *OGP_VALUE_FIELDS,
    "lead_institution",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
    "starts_on",
    "ends_on",
    "status",
]
# The milestone fields that move only through progress reports (`report_progress`), beside
# the `MILESTONE_EDIT_FIELDS` staff write.
MILESTONE_PROGRESS_FIELDS = (
    "status",
    "progress_percent",
    "evidence_ar",
    "evidence_en",
    "evidence_url",
    "evidence_file",
)
TOTAL_WEIGHT = 100


@dataclass
class MilestoneRow:
    """One milestone as the form lists it: `pk` None for a new one. The list's order is the
    milestones' numbering; a saved milestone left out of the list is removed."""

    data: dict
    pk: int | None = None


@dataclass
class Relations:
    """The commitment's many-to-many choices; None leaves a relation as it is."""

    supporting_institutions: list | None = None
    policy_areas: list | None = None


def weight_problems(rows: list[MilestoneRow]) -> list[str]:
    if not rows:
        return []
    total = sum(int(row.data.get("weight") or 0) for row in rows)
    if total != TOTAL_WEIGHT:
        return [
            _("The milestone weights add up to %(total)s; they must add up to %(expected)s.")
            % {"total": total, "expected": TOTAL_WEIGHT}
        ]
    return []


def apply_fields(instance, data: dict, names: list[str]) -> None:
    for name in names:
        if name in data:
            setattr(instance, name, data[name])


def save_milestones(commitment: Commitment, rows: list[MilestoneRow], by) -> None:
    """Make the commitment's milestones exactly `rows`, numbered in their order."""
    problems = weight_problems(rows)
    if problems:
        raise ValidationError(problems)
    existing = {milestone.pk: milestone for milestone in commitment.milestones.all()}
    kept = {row.pk for row in rows if row.pk is not None}
    unknown = kept - existing.keys()
    if unknown:
        raise ValidationError(_("A milestone in the form does not belong to this commitment."))
    for pk, milestone in existing.items():
        if pk not in kept:
            milestone._history_user = by
            milestone.delete()
    # Renumber through a free range first: (commitment, number) is unique.
    offset = 1000
    for milestone in existing.values():
        if milestone.pk in kept and milestone.number < offset:
            Milestone.objects.filter(pk=milestone.pk).update(number=milestone.number + offset)
    for number, row in enumerate(rows, start=1):
        milestone = existing[row.pk] if row.pk is not None else Milestone(commitment=commitment)
        apply_fields(milestone, row.data, MILESTONE_EDIT_FIELDS)
        milestone.number = number
        if milestone.pk is not None:
            milestone.version += 1
        milestone.full_clean(exclude=["commitment"])
        save_as(milestone, by)


def save_relations(commitment: Commitment, relations: Relations | None) -> None:
    if relations is None:
        return
    if relations.supporting_institutions is not None:
        commitment.supporting_institutions.set(relations.supporting_institutions)
    if relations.policy_areas is not None:
        commitment.policy_areas.set(relations.policy_areas)


def save_commitment(
    commitment: Commitment,
    *,
    by,
    milestones: list[MilestoneRow] | None,
    relations: Relations | None,
) -> None:
    """Validate and save `commitment` as `by`, then its relations and milestones (each only
    when given): the steps a new commitment and an edit share."""
    commitment.full_clean()
    save_as(commitment, by)
    save_relations(commitment, relations)
    if milestones is not None:
        save_milestones(commitment, milestones, by)


@transaction.atomic
def create_commitment(
    *,
    plan,
    data: dict,
    by,
    milestones: list[MilestoneRow] | None = None,
    relations: Relations | None = None,
) -> Commitment:
    """A new commitment of `plan`, unpublished, with its milestones."""
    commitment = Commitment(plan=plan)
    apply_fields(commitment, data, COMMITMENT_EDIT_FIELDS)
    save_commitment(commitment, by=by, milestones=milestones, relations=relations)
    return commitment


@transaction.atomic
def update_commitment(
    *,
    commitment: Commitment,
    data: dict,
    expected_version: int,
    by,
    milestones: list[MilestoneRow] | None = None,
    relations: Relations | None = None,
) -> Commitment:
    """Save an edit opened on `expected_version`; `StaleEdit` if someone saved since."""
    current = lock_for_edit(commitment, expected_version)
    apply_fields(current, data, COMMITMENT_EDIT_FIELDS)
    current.version += 1
    save_commitment(current, by=by, milestones=milestones, relations=relations)
    return current


def merged_milestones(milestones, changes: dict[int, dict]) -> list[MilestoneRow]:
    """The commitment's milestones, in number order, with `changes` (milestone number → the
    fields it changes) applied: a number the commitment has is edited, only in the fields
    given; a new number is a new milestone. What the commitment form would list."""
    existing = {milestone.number: milestone for milestone in milestones}
    rows = []
    for number in sorted(existing.keys() | changes.keys()):
        milestone = existing.get(number)
        data = (
            {name: getattr(milestone, name) for name in MILESTONE_EDIT_FIELDS} if milestone else {}
        )
        for name, value in changes.get(number, {}).items():
            if name in MILESTONE_EDIT_FIELDS:
                data[name] = value
        rows.append(MilestoneRow(data=data, pk=milestone.pk if milestone else None))
    return rows


def numbering_problems(milestones, changes: dict[int, dict]) -> list[str]:
    """Milestones are numbered 1, 2, 3… in the commitment: new numbers must follow on."""
    numbers = sorted({milestone.number for milestone in milestones} | changes.keys())
    if numbers == list(range(1, len(numbers) + 1)):
        return []
    return [
        _(
            "The milestones would be numbered %(numbers)s: number new milestones on from "
            "%(next)s, without gaps."
        )
        % {
            "numbers": ", ".join(str(number) for number in numbers),
            "next": len({m.number for m in milestones}) + 1,
        }
    ]


def milestone_change_problems(milestones, changes: dict[int, dict]) -> list[str]:
    """Why `changes` (milestone number → fields) cannot be made to these milestones: a gap
    in the numbering, or weights that would no longer add up to 100 (empty when they can)."""
    return numbering_problems(milestones, changes) or weight_problems(
        merged_milestones(milestones, changes)
    )


@transaction.atomic
def update_milestones(
    *, commitment: Commitment, changes: dict[int, dict], expected_version: int, by
) -> Commitment:
    """Edit and add a commitment's milestones by number (the workspace spreadsheet): saved
    as the commitment form saves them, so the weights must add up to 100, the commitment's
    version moves on, and approval letters for the earlier wording no longer match it."""
    current = lock_for_edit(commitment, expected_version)
    milestones = list(current.milestones.all())
    problems = milestone_change_problems(milestones, changes)
    if problems:
        raise ValidationError(problems)
    return update_commitment(
        commitment=current,
        data={},
        expected_version=current.version,
        by=by,
        milestones=merged_milestones(milestones, changes),
    )


@transaction.atomic
def set_commitment_published(*, commitment: Commitment, published: bool, by) -> Commitment:
    current = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if published and not current.is_published:
        problems = publication_problems(current)
        if problems:
            raise ValidationError(problems)
    if current.is_published != published:
        current.is_published = published
        current.version += 1
        save_as(current, by)
    return current


@transaction.atomic
def send_approval_request(
    *,
    commitment: Commitment,
    reference: str,
    sent_on: datetime.date,
    due_on: datetime.date | None,
    by,
) -> ApprovalLetter:
    """Ask the lead institution to approve the commitment's current text; the letter keeps
    that exact text."""
    commitment = Commitment.objects.select_related("lead_institution").get(pk=commitment.pk)
    letter = ApprovalLetter(
        commitment=commitment,
        organisation=commitment.lead_institution,
        reference=reference,
        sent_on=sent_on,
        due_on=due_on,
        text_snapshot=commitment.approved_text(),
    )
    letter.full_clean()
    save_as(letter, by)
    return letter


def reply_problems(*, decision: str) -> list[str]:
    """Why an agency's reply cannot be recorded with this decision (empty when it can)."""
    if decision == Decision.PENDING:
        return [_("Choose the agency's decision.")]
    return []


@transaction.atomic
def record_approval_reply(
    *,
    letter: ApprovalLetter,
    decision: str,
    received_on: datetime.date,
    expected_version: int,
    by,
    notes: str = "",
    scan=None,
) -> ApprovalLetter:
    """Record the agency's answer to a letter (approved, changes requested, declined)."""
    problems = reply_problems(decision=decision)
    if problems:
        raise ValidationError(problems)
    current = lock_for_edit(letter, expected_version)
    current.decision = decision
    current.received_on = received_on
    current.notes = notes
    if scan:
        current.scan = scan
    current.version += 1
    current.full_clean()
    save_as(current, by)
    return current


@transaction.atomic
def report_progress(
    *,
    milestone: Milestone,
    status: str,
    progress_percent: int,
    by,
    narrative: str = "",
    evidence_url: str = "",
    evidence_file=None,
    now: datetime.datetime,
) -> ProgressReport:
    """A focal point's progress update: kept as a report, and carried to the milestone, so
    the commitment's progress and the plan's achievement rate follow."""
    if status == MilestoneStatus.COMPLETED:
        progress_percent = 100
    report = ProgressReport(
        milestone=milestone,
        reported_by=by,
        reported_at=now,
        status=status,
        progress_percent=progress_percent,
        narrative=narrative,
        evidence_url=evidence_url,
    )
    if evidence_file:
        report.evidence_file = evidence_file
    report.full_clean()
    report.save()
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    current.status = status
    current.progress_percent = progress_percent
    if evidence_url:
        current.evidence_url = evidence_url
    if report.evidence_file:
        current.evidence_file = report.evidence_file
    current.version += 1
    current.full_clean(exclude=["commitment"])
    save_as(current, by)
    return report


def publication_problems(commitment: Commitment) -> list[str]:
    """Why a commitment cannot be published yet: an import may create it from its English
    title alone, and the public site, Arabic first, needs the Arabic title."""
    if not commitment.title_ar.strip():
        return [_("Write the Arabic title before publishing: the translation is missing.")]
    return []


def make_room_for_numbers(*, commitments: list[Commitment]) -> None:
    """Give `commitments` temporary numbers above every number of their plan, so that a
    renumbering that exchanges numbers can then save each one with its new number through
    `update_commitment` ((plan, number) is unique). Call it inside the transaction that saves
    them: the version is not raised here, `update_commitment` raises it."""
    from django.db.models import Max

    tops: dict[int, int] = {}
    for commitment in commitments:
        if commitment.plan_id not in tops:
            tops[commitment.plan_id] = (
                Commitment.objects.filter(plan_id=commitment.plan_id).aggregate(top=Max("number"))[
                    "top"
                ]
                or 0
            )
        tops[commitment.plan_id] += 1
        Commitment.objects.filter(pk=commitment.pk).update(number=tops[commitment.plan_id])
