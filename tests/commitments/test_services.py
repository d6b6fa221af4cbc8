"""The rules of commitments.services, through the service itself: milestones and their
weights, stale edits, letters that keep the text they sent, replies, and progress reports."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, Decision, Milestone, MilestoneStatus
from commitments.services import MilestoneRow, Relations
from core.concurrency import StaleEdit
from tests.factories import make_commitment, make_milestone, make_organisation, make_plan, make_user

DAY = datetime.date(2022, 1, 1)

pytestmark = pytest.mark.usefixtures("english")


def row(title: str, weight: int, pk=None) -> MilestoneRow:
    return MilestoneRow(
        pk=pk,
        data={
            "title_ar": title,
            "title_en": "",
            "starts_on": DAY,
            "ends_on": DAY + datetime.timedelta(days=90),
            "weight": weight,
        },
    )


class MilestoneTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(role="editor")
        cls.plan = make_plan()
        cls.lead = make_organisation()

    def create(self, rows):
        return services.create_commitment(
            plan=self.plan,
            data={"number": 1, "title_ar": "التزام", "lead_institution": self.lead},
            milestones=rows,
            relations=Relations(supporting_institutions=[make_organisation()]),
            by=self.user,
        )

    def test_creates_with_numbered_milestones_and_records_who(self):
        commitment = self.create([row("أولاً", 40), row("ثانياً", 60)])
        assert [(m.number, m.title_ar) for m in commitment.milestones.all()] == [
            (1, "أولاً"),
            (2, "ثانياً"),
        ]
        assert commitment.history.first().history_user == self.user
        assert commitment.supporting_institutions.count() == 1
        assert not commitment.is_published

    def test_weights_that_do_not_add_up_save_nothing(self):
        with pytest.raises(ValidationError) as refused:
            self.create([row("أولاً", 40), row("ثانياً", 50)])
        assert refused.value.messages == [
            "The milestone weights add up to 90; they must add up to 100."
        ]
        assert not Commitment.objects.filter(plan=self.plan).exists()

    def test_reorder_and_remove_milestones(self):
        commitment = self.create([row("أ", 20), row("ب", 30), row("ج", 50)])
        a, b, c = commitment.milestones.all()
        services.update_commitment(
            commitment=commitment,
            data={},
            expected_version=commitment.version,
            milestones=[row("ج", 50, pk=c.pk), row("أ", 50, pk=a.pk)],
            by=self.user,
        )
        assert [(m.number, m.pk) for m in Milestone.objects.filter(commitment=commitment)] == [
            (1, c.pk),
            (2, a.pk),
        ]
        assert not Milestone.objects.filter(pk=b.pk).exists()

    def test_a_milestone_of_another_commitment_is_refused(self):
        commitment = self.create([row("أ", 100)])
        foreign = make_milestone()
        with pytest.raises(ValidationError):
            services.update_commitment(
                commitment=commitment,
                data={},
                expected_version=commitment.version,
                milestones=[row("x", 100, pk=foreign.pk)],
                by=self.user,
            )
        assert Milestone.objects.get(pk=foreign.pk).commitment_id == foreign.commitment_id

    def test_stale_edit_is_refused(self):
        commitment = self.create([row("أ", 100)])
        opened = commitment.version
        services.update_commitment(
            commitment=commitment, data={"title_en": "One"}, expected_version=opened, by=self.user
        )
        with pytest.raises(StaleEdit):
            services.update_commitment(
                commitment=commitment,
                data={"title_en": "Two"},
                expected_version=opened,
                by=make_user(role="editor"),
            )
        assert Commitment.objects.get(pk=commitment.pk).title_en == "One"


class ApprovalLetterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(role="editor")
        cls.commitment = make_commitment(title_ar="النص الأول")
        make_milestone(commitment=cls.commitment, number=1, weight=100)

    def send(self):
        return services.send_approval_request(
            commitment=self.commitment,
            reference="MOP/2021/15",
            sent_on=DAY,
            due_on=DAY + datetime.timedelta(days=14),
            by=self.user,
        )

    def test_a_letter_keeps_the_exact_text_it_sent(self):
        letter = self.send()
        assert letter.organisation == self.commitment.lead_institution
        self.commitment.title_ar = "نص معدل"
        self.commitment.save()
        letter.refresh_from_db()
        assert letter.text_snapshot["title_ar"] == "النص الأول"
        assert letter.text_snapshot["milestones"][0]["weight"] == "100"
        assert not letter.is_current()

    def test_a_due_date_before_the_sent_date_is_refused(self):
        with pytest.raises(ValidationError):
            services.send_approval_request(
                commitment=self.commitment,
                reference="x",
                sent_on=DAY,
                due_on=DAY - datetime.timedelta(days=1),
                by=self.user,
            )
        assert not self.commitment.approval_letters.exists()

    def test_reply_is_recorded_with_who_and_approves_the_current_text(self):
        letter = self.send()
        focal = make_user(role="focal_point")
        letter = services.record_approval_reply(
            letter=letter,
            decision=Decision.APPROVED,
            received_on=DAY + datetime.timedelta(days=5),
            expected_version=letter.version,
            by=focal,
        )
        assert letter.approves_current_text()
        assert letter.history.first().history_user == focal

    def test_editing_a_milestone_makes_the_approval_stale(self):
        letter = self.send()
        letter = services.record_approval_reply(
            letter=letter,
            decision=Decision.APPROVED,
            received_on=DAY,
            expected_version=letter.version,
            by=self.user,
        )
        Milestone.objects.filter(commitment=self.commitment).update(title_ar="معلم آخر")
        letter.refresh_from_db()
        assert not letter.approves_current_text()

    def test_a_reply_without_a_decision_is_refused(self):
        letter = self.send()
        with pytest.raises(ValidationError):
            services.record_approval_reply(
                letter=letter,
                decision=Decision.PENDING,
                received_on=DAY,
                expected_version=letter.version,
                by=self.user,
            )


class ProgressTests(TestCase):
    def test_a_report_moves_the_milestone_and_the_commitment_progress(self):
        commitment = make_commitment()
        first = make_milestone(commitment=commitment, number=1, weight=40)
        make_milestone(commitment=commitment, number=2, weight=60)
        focal = make_user(role="focal_point")
        services.report_progress(
            milestone=first,
            status=MilestoneStatus.IN_PROGRESS,
            progress_percent=50,
            narrative="أُنجز نصف العمل",
            by=focal,
            now=timezone.now(),
        )
        commitment = Commitment.objects.get(pk=commitment.pk)
        assert commitment.progress == 20  # 40 × 50%
        services.report_progress(
            milestone=first,
            status=MilestoneStatus.COMPLETED,
            progress_percent=80,
            by=focal,
            now=timezone.now(),
        )
        first.refresh_from_db()
        assert (first.status, first.progress_percent) == (MilestoneStatus.COMPLETED, 100)
        assert Commitment.objects.get(pk=commitment.pk).progress == 40
        assert first.progress_reports.count() == 2
        assert first.history.first().history_user == focal

    def test_a_percent_over_100_is_refused_and_nothing_changes(self):
        milestone = make_milestone()
        with pytest.raises(ValidationError):
            services.report_progress(
                milestone=milestone,
                status=MilestoneStatus.IN_PROGRESS,
                progress_percent=120,
                by=make_user(role="focal_point"),
                now=timezone.now(),
            )
        milestone.refresh_from_db()
        assert milestone.progress_percent == 0
        assert not milestone.progress_reports.exists()
