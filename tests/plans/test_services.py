"""The rules of plans.services, through the service itself: stages in order, gates that hold,
plan status in its allowed order, public or not, version checks, and who did it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from commitments.models import Decision
from core.concurrency import StaleEdit
from plans import services
from plans.models import ActionPlan, MethodologyStage, PlanStatus, StageStatus
from tests.factories import (
    make_approval_letter,
    make_commitment,
    make_organisation,
    make_plan,
    make_stages,
    make_user,
)

TODAY = datetime.date(2021, 12, 1)

pytestmark = pytest.mark.usefixtures("english")


def stage(plan, number) -> MethodologyStage:
    return MethodologyStage.objects.get(plan=plan, number=number)


def complete_up_to(plan, number, by):
    """Start and complete stages 1..number (their gates must hold)."""
    for n in range(1, number + 1):
        services.start_stage(stage=stage(plan, n), by=by, today=TODAY)
        services.complete_stage(stage=stage(plan, n), by=by, today=TODAY)


class StageOrderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(role="coordinator")
        cls.plan = make_plan()
        make_stages(cls.plan)

    def test_a_stage_starts_only_after_the_one_before_it_started(self):
        with pytest.raises(ValidationError) as refused:
            services.start_stage(stage=stage(self.plan, 2), by=self.user, today=TODAY)
        assert refused.value.messages == ["Stage 1 must be started first."]
        assert stage(self.plan, 2).status == StageStatus.NOT_STARTED
        services.start_stage(stage=stage(self.plan, 1), by=self.user, today=TODAY)
        services.start_stage(stage=stage(self.plan, 2), by=self.user, today=TODAY)
        assert stage(self.plan, 2).status == StageStatus.IN_PROGRESS

    def test_a_stage_completes_only_after_the_one_before_it_completed(self):
        services.start_stage(stage=stage(self.plan, 1), by=self.user, today=TODAY)
        services.start_stage(stage=stage(self.plan, 2), by=self.user, today=TODAY)
        with pytest.raises(ValidationError) as refused:
            services.complete_stage(stage=stage(self.plan, 2), by=self.user, today=TODAY)
        assert refused.value.messages == ["Stage 1 must be completed first."]
        assert stage(self.plan, 2).status == StageStatus.IN_PROGRESS

    def test_start_then_complete_records_dates_and_who(self):
        services.start_stage(stage=stage(self.plan, 1), by=self.user, today=TODAY)
        later = TODAY + datetime.timedelta(days=3)
        done = services.complete_stage(stage=stage(self.plan, 1), by=self.user, today=later)
        assert (done.status, done.actual_start, done.actual_end) == (
            StageStatus.COMPLETED,
            TODAY,
            later,
        )
        assert done.history.first().history_user == self.user
        assert done.version == 3

    def test_a_stage_not_started_cannot_complete(self):
        with pytest.raises(ValidationError) as refused:
            services.complete_stage(stage=stage(self.plan, 1), by=self.user, today=TODAY)
        assert refused.value.messages == ["Only a stage in progress can be completed."]

    def test_a_started_stage_cannot_start_again(self):
        services.start_stage(stage=stage(self.plan, 1), by=self.user, today=TODAY)
        with pytest.raises(ValidationError):
            services.start_stage(stage=stage(self.plan, 1), by=self.user, today=TODAY)


class GateThroughServiceTests(TestCase):
    """Stages 4 and 5 complete only when their gate holds, and say what is missing."""

    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(role="coordinator")
        cls.plan = make_plan()
        make_stages(cls.plan)
        cls.lead = make_organisation(name_en="Ministry of Youth")
        cls.commitment = make_commitment(plan=cls.plan, number=3, lead_institution=cls.lead)

    def test_stage_4_lists_each_missing_template_field(self):
        complete_up_to(self.plan, 3, self.user)
        services.start_stage(stage=stage(self.plan, 4), by=self.user, today=TODAY)
        with pytest.raises(ValidationError) as refused:
            services.complete_stage(stage=stage(self.plan, 4), by=self.user, today=TODAY)
        (message,) = refused.value.messages
        assert message.startswith("Commitment 3 is missing: brief description (Arabic)")
        assert "at least one milestone" in message
        assert stage(self.plan, 4).status == StageStatus.IN_PROGRESS

    def test_stage_5_names_the_lead_institution_of_a_stale_approval(self):
        letter = make_approval_letter(
            commitment=self.commitment, decision=Decision.APPROVED, received_on=TODAY
        )
        assert letter.approves_current_text()
        self.commitment.title_en = "A new title"
        self.commitment.save()
        from plans.gates import gate_problems

        assert gate_problems(self.plan, 5) == [
            "Commitment 3: the approval from \u2068Ministry of Youth\u2069 is for an older text."
        ]

    def test_an_approval_from_another_organisation_does_not_count(self):
        make_approval_letter(
            commitment=self.commitment,
            organisation=make_organisation(),
            decision=Decision.APPROVED,
            received_on=TODAY,
        )
        from plans.gates import gate_problems

        assert gate_problems(self.plan, 5) == [
            "Commitment 3 has no approval letter from \u2068Ministry of Youth\u2069."
        ]


class PlanStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(role="coordinator")

    def test_status_moves_one_step_at_a_time(self):
        plan = make_plan()
        with pytest.raises(ValidationError) as refused:
            services.change_plan_status(
                plan=plan, status=PlanStatus.FINAL, by=self.user, today=TODAY
            )
        assert "cannot move" in refused.value.messages[0]
        plan = services.change_plan_status(
            plan=plan, status=PlanStatus.CONSULTATION, by=self.user, today=TODAY
        )
        assert plan.status == PlanStatus.CONSULTATION
        assert plan.history.first().history_user == self.user

    def test_publishing_needs_every_stage_completed(self):
        plan = make_plan(status=PlanStatus.FINAL)
        make_stages(plan)
        with pytest.raises(ValidationError) as refused:
            services.change_plan_status(
                plan=plan, status=PlanStatus.PUBLISHED, by=self.user, today=TODAY
            )
        assert refused.value.messages == [
            "Every stage must be completed before the plan is published."
        ]
        MethodologyStage.objects.filter(plan=plan).update(
            status=StageStatus.COMPLETED, actual_start=TODAY, actual_end=TODAY
        )
        plan = services.change_plan_status(
            plan=plan, status=PlanStatus.PUBLISHED, by=self.user, today=TODAY
        )
        assert (plan.status, plan.published_on) == (PlanStatus.PUBLISHED, TODAY)

    def test_a_new_plan_is_not_public_and_has_its_seven_stages(self):
        plan = services.create_plan(
            data={
                "number": 6,
                "title_ar": "الخطة السادسة",
                "starts_on": datetime.date(2026, 1, 1),
                "ends_on": datetime.date(2028, 12, 31),
            },
            by=self.user,
        )
        assert not plan.is_public
        assert plan.stages.count() == 7
        assert ActionPlan.objects.public().filter(pk=plan.pk).count() == 0
        services.set_plan_public(plan=plan, public=True, by=self.user)
        assert ActionPlan.objects.public().filter(pk=plan.pk).count() == 1


class StaleEditTests(TestCase):
    def test_a_second_save_from_the_same_version_is_refused_and_the_first_kept(self):
        first, second = make_user(role="editor"), make_user(role="editor")
        plan = make_plan()
        opened = plan.version
        services.update_plan(
            plan=plan, data={"title_en": "First"}, expected_version=opened, by=first
        )
        with pytest.raises(StaleEdit) as refused:
            services.update_plan(
                plan=plan, data={"title_en": "Second"}, expected_version=opened, by=second
            )
        assert refused.value.current.title_en == "First"
        assert ActionPlan.objects.get(pk=plan.pk).title_en == "First"

    def test_bad_dates_are_refused_and_nothing_changes(self):
        plan = make_plan()
        with pytest.raises(ValidationError):
            services.update_plan(
                plan=plan,
                data={"ends_on": plan.starts_on - datetime.timedelta(days=1)},
                expected_version=plan.version,
                by=make_user(role="editor"),
            )
        assert ActionPlan.objects.get(pk=plan.pk).ends_on == plan.ends_on
