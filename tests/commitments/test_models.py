"""Commitment progress, a plan's achievement rate, and when an agency's approval goes stale."""

import datetime
from decimal import Decimal

from django.test import TestCase

from commitments.models import (
    APPROVED_TEXT_FIELDS,
    ApprovalLetter,
    Commitment,
    CommitmentStatus,
    Decision,
    MilestoneStatus,
    plan_achievement,
)
from tests.factories import make_approval_letter, make_commitment, make_milestone, make_plan

DONE = MilestoneStatus.COMPLETED


def milestones(commitment, *weights_and_statuses):
    for number, (weight, status) in enumerate(weights_and_statuses, start=1):
        make_milestone(commitment=commitment, number=number, weight=weight, status=status)


class ProgressTests(TestCase):
    """Progress is the weighted share of completed milestones, never typed by hand."""

    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment()

    def test_no_milestones_is_zero(self):
        assert self.commitment.progress == Decimal(0)

    def test_weights_decide_the_share(self):
        milestones(self.commitment, (1, MilestoneStatus.IN_PROGRESS), (3, DONE))
        assert self.commitment.progress == Decimal("75.0")

    def test_only_completed_milestones_count(self):
        milestones(
            self.commitment,
            (1, MilestoneStatus.NOT_STARTED),
            (1, MilestoneStatus.IN_PROGRESS),
            (1, MilestoneStatus.DELAYED),
            (1, DONE),
        )
        assert self.commitment.progress == Decimal("25.0")

    def test_all_completed_is_a_hundred(self):
        milestones(self.commitment, (2, DONE), (5, DONE))
        assert self.commitment.progress == Decimal("100.0")

    def test_thirds_are_rounded_to_one_decimal(self):
        milestones(self.commitment, (1, DONE), (1, MilestoneStatus.NOT_STARTED), (1, "delayed"))
        assert self.commitment.progress == Decimal("33.3")

    def test_listing_reads_progress_from_prefetched_milestones(self):
        """A list of commitments shows each one's progress without a query per commitment."""
        milestones(self.commitment, (1, MilestoneStatus.IN_PROGRESS), (3, DONE))
        listed = Commitment.objects.for_listing().get(pk=self.commitment.pk)
        with self.assertNumQueries(0):
            assert listed.progress == Decimal("75.0")


class PlanAchievementTests(TestCase):
    """A plan's achievement rate is the mean progress of its commitments."""

    def test_mean_of_commitment_progress(self):
        plan = make_plan()
        full, half, none = (make_commitment(plan=plan) for _ in range(3))
        milestones(full, (1, DONE))
        milestones(half, (1, DONE), (1, MilestoneStatus.IN_PROGRESS))
        milestones(none, (4, MilestoneStatus.NOT_STARTED))
        commitments = Commitment.objects.in_plan(plan).for_listing()
        assert plan_achievement(commitments) == Decimal("50.0")

    def test_mean_is_rounded_to_one_decimal(self):
        plan = make_plan()
        done, open_one, other = (make_commitment(plan=plan) for _ in range(3))
        milestones(done, (1, DONE))
        milestones(open_one, (1, MilestoneStatus.IN_PROGRESS))
        milestones(other, (1, MilestoneStatus.IN_PROGRESS))
        assert plan_achievement(Commitment.objects.in_plan(plan)) == Decimal("33.3")

    def test_plan_without_commitments_is_zero(self):
        assert plan_achievement(Commitment.objects.none()) == Decimal(0)


class ApprovalStalenessTests(TestCase):
    """An approval belongs to the text it approved: edit the text and it goes stale."""

    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment(
            title_ar="نشر الموازنة", description_ar="نشر الموازنة شهرياً", ogp_id="JO0070"
        )
        cls.letter = make_approval_letter(
            commitment=cls.commitment,
            decision=Decision.APPROVED,
            received_on=datetime.date(2021, 12, 20),
        )

    def reloaded_letter(self) -> ApprovalLetter:
        """The letter as the next page load sees it."""
        return ApprovalLetter.objects.select_related("commitment").get(pk=self.letter.pk)

    def test_fresh_approval_is_current(self):
        letter = self.reloaded_letter()
        assert letter.is_current()
        assert letter.approves_current_text()

    def test_editing_any_approved_text_makes_the_approval_stale(self):
        assert len(APPROVED_TEXT_FIELDS) == 18
        for name in APPROVED_TEXT_FIELDS:
            with self.subTest(field=name):
                commitment = Commitment.objects.get(pk=self.commitment.pk)
                original = getattr(commitment, name)
                setattr(commitment, name, original + " (معدّل)")
                commitment.save()
                letter = self.reloaded_letter()
                assert not letter.is_current()
                assert not letter.approves_current_text()
                setattr(commitment, name, original)
                commitment.save()

    def test_restoring_the_approved_wording_makes_it_current_again(self):
        commitment = Commitment.objects.get(pk=self.commitment.pk)
        commitment.title_ar = "نشر الموازنة العامة"
        commitment.save()
        assert not self.reloaded_letter().is_current()
        commitment.title_ar = "نشر الموازنة"
        commitment.save()
        assert self.reloaded_letter().is_current()

    def test_changes_outside_the_approved_text_keep_the_approval(self):
        commitment = Commitment.objects.get(pk=self.commitment.pk)
        commitment.status = CommitmentStatus.IN_IMPLEMENTATION
        commitment.is_published = False
        commitment.ogp_id = "JO0071"
        commitment.contact_email = "focal.point@mop.gov.jo"
        commitment.ends_on = datetime.date(2025, 6, 30)
        commitment.save()
        assert self.reloaded_letter().is_current()

    def test_letter_awaiting_reply_does_not_approve(self):
        letter = make_approval_letter(commitment=self.commitment)
        assert letter.is_current()
        assert not letter.approves_current_text()
