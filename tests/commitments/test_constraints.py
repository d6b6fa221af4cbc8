"""The database refuses commitments, milestones, letters and assessments that break an invariant.

Each test is named after the constraint it covers (see `ConstraintCoverageTests`); the
validation tests at the end check the messages staff read in forms and the admin.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS
from django.test import TestCase

from commitments.models import (
    Commitment,
    CommitmentStatus,
    Completion,
    Decision,
    EarlyResults,
    Milestone,
    MilestoneStatus,
    Potential,
    ProgressReport,
)
from tests.factories import (
    make_approval_letter,
    make_civil_society_rating,
    make_commitment,
    make_irm_assessment,
    make_irm_finding,
    make_irm_report,
    make_milestone,
    make_plan,
    make_policy_area,
)
from tests.helpers import check_choices, validation_errors, violates

DAY = datetime.date(2022, 1, 1)
BEFORE = DAY - datetime.timedelta(days=1)


class PolicyAreaConstraintTests(TestCase):
    def test_policyarea_unique_name_ar(self):
        make_policy_area(name_ar="الحوكمة")
        with violates("policyarea_unique_name_ar"):
            make_policy_area(name_ar="الحوكمة")
        make_policy_area(name_ar="الحوكمة الرقمية")


class CommitmentConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan()

    def test_commitment_unique_number_per_plan(self):
        make_commitment(plan=self.plan, number=3)
        with violates("commitment_unique_number_per_plan"):
            make_commitment(plan=self.plan, number=3)
        make_commitment(plan=make_plan(), number=3)
        make_commitment(plan=self.plan, number=4)

    def test_commitment_unique_ogp_id(self):
        make_commitment(ogp_id="JO0064")
        with violates("commitment_unique_ogp_id"):
            make_commitment(ogp_id="JO0064")
        make_commitment(ogp_id="JO0065")
        # Commitments not yet given an OGP id do not collide.
        make_commitment(ogp_id="")
        make_commitment(ogp_id="")

    def test_commitment_number_positive(self):
        with violates("commitment_number_positive"):
            make_commitment(plan=self.plan, number=0)
        make_commitment(plan=self.plan, number=1)

    def test_commitment_status_valid(self):
        check_choices(
            "commitment_status_valid", make_commitment(), "status", CommitmentStatus.values
        )

    def test_commitment_dates_in_order(self):
        with violates("commitment_dates_in_order"):
            make_commitment(starts_on=DAY, ends_on=BEFORE)
        make_commitment(starts_on=DAY, ends_on=DAY)
        make_commitment(starts_on=DAY, ends_on=None)

    def test_commitment_has_a_title(self):
        with violates("commitment_has_a_title"):
            make_commitment(title_ar="", title_en="")
        make_commitment(title_ar="أ", title_en="")
        make_commitment(title_ar="", title_en="Access to information")


class MilestoneConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment()

    def test_milestone_unique_number_per_commitment(self):
        make_milestone(commitment=self.commitment, number=1)
        with violates("milestone_unique_number_per_commitment"):
            make_milestone(commitment=self.commitment, number=1)
        make_milestone(commitment=make_commitment(), number=1)

    def test_milestone_number_positive(self):
        with violates("milestone_number_positive"):
            make_milestone(commitment=self.commitment, number=0)
        make_milestone(commitment=self.commitment, number=1)

    def test_milestone_weight_positive(self):
        with violates("milestone_weight_positive"):
            make_milestone(commitment=self.commitment, weight=0)
        make_milestone(commitment=self.commitment, weight=1)

    def test_milestone_dates_in_order(self):
        with violates("milestone_dates_in_order"):
            make_milestone(commitment=self.commitment, starts_on=DAY, ends_on=BEFORE)
        make_milestone(commitment=self.commitment, starts_on=DAY, ends_on=DAY)

    def test_milestone_status_valid(self):
        milestone = make_milestone(commitment=self.commitment)
        check_choices("milestone_status_valid", milestone, "status", MilestoneStatus.values)

    def test_milestone_percent_at_most_100(self):
        with violates("milestone_percent_at_most_100"):
            make_milestone(commitment=self.commitment, progress_percent=101)
        make_milestone(commitment=self.commitment, progress_percent=100)


class ProgressReportConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.milestone = make_milestone()

    def report(self, **fields) -> ProgressReport:
        fields.setdefault("status", MilestoneStatus.IN_PROGRESS)
        fields.setdefault("progress_percent", 50)
        return ProgressReport.objects.create(milestone=self.milestone, **fields)

    def test_progressreport_percent_at_most_100(self):
        with violates("progressreport_percent_at_most_100"):
            self.report(progress_percent=101)
        self.report(progress_percent=100)

    def test_progressreport_status_valid(self):
        check_choices(
            "progressreport_status_valid", self.report(), "status", MilestoneStatus.values
        )


class ApprovalLetterConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment()

    def test_approval_decision_valid(self):
        letter = make_approval_letter(commitment=self.commitment, received_on=DAY)
        check_choices("approval_decision_valid", letter, "decision", Decision.values)

    def test_approval_due_after_sent(self):
        with violates("approval_due_after_sent"):
            make_approval_letter(commitment=self.commitment, sent_on=DAY, due_on=BEFORE)
        make_approval_letter(commitment=self.commitment, sent_on=DAY, due_on=DAY)

    def test_approval_received_after_sent(self):
        with violates("approval_received_after_sent"):
            make_approval_letter(commitment=self.commitment, sent_on=DAY, received_on=BEFORE)
        make_approval_letter(commitment=self.commitment, sent_on=DAY, received_on=DAY)

    def test_approval_decision_has_reply_date(self):
        for decision in (Decision.APPROVED, Decision.CHANGES_REQUESTED, Decision.DECLINED):
            with self.subTest(decision=decision), violates("approval_decision_has_reply_date"):
                make_approval_letter(commitment=self.commitment, decision=decision)
        make_approval_letter(commitment=self.commitment, decision=Decision.PENDING)
        make_approval_letter(
            commitment=self.commitment, decision=Decision.APPROVED, received_on=DAY
        )


class IRMAssessmentConstraintTests(TestCase):
    """Each IRM rating is either not given yet (empty) or one of the IRM's own words."""

    def test_irm_potential_valid(self):
        values = ["", *Potential.values]
        check_choices("irm_potential_valid", make_irm_assessment(), "potential_for_results", values)

    def test_irm_completion_valid(self):
        values = ["", *Completion.values]
        check_choices("irm_completion_valid", make_irm_assessment(), "completion", values)

    def test_irm_early_results_valid(self):
        values = ["", *EarlyResults.values]
        check_choices("irm_early_results_valid", make_irm_assessment(), "early_results", values)


class CommitmentValidationTests(TestCase):
    """`full_clean()` (forms, the admin) explains a broken rule before the database refuses it."""

    @classmethod
    def setUpTestData(cls):
        cls.existing = make_commitment(number=2, ogp_id="JO0064")

    def unsaved_commitment(self, **fields):
        fields.setdefault("plan", self.existing.plan)
        fields.setdefault("lead_institution", self.existing.lead_institution)
        fields.setdefault("number", 3)
        fields.setdefault("title_ar", "التزام جديد")
        return Commitment(**fields)

    def test_duplicate_number_in_a_plan_is_explained(self):
        commitment = self.unsaved_commitment(number=2)
        assert validation_errors(commitment)[NON_FIELD_ERRORS] == [
            "Commitment with this Plan and Number already exists."
        ]
        self.unsaved_commitment(number=2, plan=make_plan()).full_clean()

    def test_duplicate_ogp_id_is_explained(self):
        commitment = self.unsaved_commitment(ogp_id="JO0064")
        assert validation_errors(commitment)[NON_FIELD_ERRORS] == [
            "Another commitment already has this OGP id."
        ]
        self.unsaved_commitment(ogp_id="JO0065").full_clean()

    def test_milestone_ending_before_it_starts_is_explained(self):
        milestone = Milestone(
            commitment=self.existing, number=1, title_ar="معلم", starts_on=DAY, ends_on=BEFORE
        )
        assert validation_errors(milestone)[NON_FIELD_ERRORS] == [
            "The milestone must not end before it starts."
        ]
        milestone.ends_on = DAY
        milestone.full_clean()


class IRMReportingConstraintTests(TestCase):
    """The IRM's reports and findings, and civil society's own ratings (issue 21)."""

    def test_irmreport_kind_valid(self):
        from commitments.models import IRMReportKind

        check_choices("irmreport_kind_valid", make_irm_report(), "kind", IRMReportKind.values)

    def test_irmreport_title_not_empty(self):
        with violates("irmreport_title_not_empty"):
            make_irm_report(title_en="")

    def test_irmfinding_unique_requirement_per_report(self):
        finding = make_irm_finding()
        with violates("irmfinding_unique_requirement_per_report"):
            make_irm_finding(report=finding.report, requirement=finding.requirement)

    def test_irmfinding_verdict_valid(self):
        from commitments.models import RequirementVerdict

        values = RequirementVerdict.values
        check_choices("irmfinding_verdict_valid", make_irm_finding(), "verdict", values)

    def test_irmfinding_requirement_valid(self):
        from commitments.models import MinimumRequirement

        values = MinimumRequirement.values
        check_choices("irmfinding_requirement_valid", make_irm_finding(), "requirement", values)

    def test_irm_opened_government_valid(self):
        from commitments.models import OpenedGovernment

        values = ["", *OpenedGovernment.values]
        assessment = make_irm_assessment()
        check_choices("irm_opened_government_valid", assessment, "opened_government", values)

    def test_csrating_one_per_organisation(self):
        rating = make_civil_society_rating()
        with violates("csrating_one_per_organisation"):
            make_civil_society_rating(milestone=rating.milestone, organisation=rating.organisation)
        make_civil_society_rating(milestone=rating.milestone)

    def test_csrating_status_valid(self):
        values = MilestoneStatus.values
        check_choices("csrating_status_valid", make_civil_society_rating(), "status", values)

    def test_csrating_rating_valid(self):
        from commitments.models import CivilSocietyRating, ProgressLevel

        rows = CivilSocietyRating.objects.filter(pk=make_civil_society_rating().pk)
        with violates("csrating_rating_valid"):
            rows.update(rating=9)
        for value in ProgressLevel.values:
            rows.update(rating=value)

    def test_csrating_evidence_not_empty(self):
        with violates("csrating_evidence_not_empty"):
            make_civil_society_rating(evidence="")
