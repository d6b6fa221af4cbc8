"""The plan page's seven-stage tracker: editing a stage, starting and completing stages in
order, and each gate blocking completion with its message on the page until fixed."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from commitments.models import Commitment
from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from plans.models import MethodologyStage, StageStatus
from tests.factories import (
    make_approval_letter,
    make_comment,
    make_commitment,
    make_complete_commitment,
    make_organisation,
    make_plan,
    make_response,
    make_stages,
    make_user,
    make_window,
)

DAY = datetime.date(2021, 3, 1)


def reach_stage(plan, number: int) -> MethodologyStage:
    """Stages before `number` completed, `number` in progress, the rest not started."""
    MethodologyStage.objects.filter(plan=plan, number__lt=number).update(
        status=StageStatus.COMPLETED, actual_start=DAY, actual_end=DAY
    )
    MethodologyStage.objects.filter(plan=plan, number=number).update(
        status=StageStatus.IN_PROGRESS, actual_start=DAY
    )
    return MethodologyStage.objects.get(plan=plan, number=number)


def stage_status(plan, number: int) -> str:
    return MethodologyStage.objects.get(plan=plan, number=number).status


class StageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coordinator = make_user(role=COORDINATOR)
        cls.editor = make_user(role=EDITOR)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.outsider = make_user()
        cls.plan = make_plan(number=5)
        make_stages(cls.plan)

    def url(self, name: str, stage: int | None = None) -> str:
        """An English workspace URL (the messages checked are the English ones)."""
        args = [self.plan.number] if stage is None else [self.plan.number, stage]
        with translation.override("en"):
            return reverse(name, args=args)

    def complete(self, stage: int):
        self.client.force_login(self.coordinator)
        return self.client.post(self.url("manage:stage_complete", stage))


class PlanPageTests(StageTestCase):
    def test_anonymous_goes_to_sign_in(self):
        response = self.client.get(self.url("manage:plan_detail"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/manage/login/", response["Location"])

    def test_account_without_a_staff_role_is_refused(self):
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url("manage:plan_detail")).status_code, 403)

    def test_unknown_plan_is_404(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get("/en/manage/plans/99/").status_code, 404)

    def test_draws_the_seven_stages_with_dates_and_notes(self):
        MethodologyStage.objects.filter(plan=self.plan, number=2).update(
            planned_start=datetime.date(2021, 4, 1), notes_en="Proposals by e-mail too"
        )
        self.client.force_login(self.forum_member)
        response = self.client.get(self.url("manage:plan_detail"))
        self.assertEqual(response.status_code, 200)
        for name in ["Prepare the methodology", "Collect proposals", "Prepare the final plan"]:
            self.assertContains(response, name)
        self.assertContains(response, "Proposals by e-mail too")
        self.assertContains(response, "April 1, 2021")
        self.assertContains(response, 'id="stage-7"')

    def test_forum_member_sees_no_actions(self):
        self.client.force_login(self.forum_member)
        response = self.client.get(self.url("manage:plan_detail"))
        self.assertNotContains(response, "Edit dates and notes")
        self.assertNotContains(response, "Start stage 1")
        self.assertNotContains(response, reverse("manage:plan_status", args=[5]))

    def test_editor_may_edit_stages_but_not_start_them(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.url("manage:plan_detail"))
        self.assertContains(response, "Edit dates and notes")
        self.assertNotContains(response, "Start stage 1")

    def test_coordinator_is_offered_only_the_stages_that_may_start(self):
        self.client.force_login(self.coordinator)
        response = self.client.get(self.url("manage:plan_detail"))
        self.assertContains(response, "Start stage 1")
        self.assertNotContains(response, "Start stage 2")
        reach_stage(self.plan, 1)
        response = self.client.get(self.url("manage:plan_detail"))
        self.assertContains(response, "Complete stage 1")
        self.assertContains(response, "Start stage 2")
        self.assertNotContains(response, "Start stage 3")

    def test_blockers_of_the_stage_in_progress_show_before_clicking(self):
        reach_stage(self.plan, 4)
        make_commitment(plan=self.plan, number=3)
        self.client.force_login(self.coordinator)
        response = self.client.get(self.url("manage:plan_detail"))
        self.assertContains(response, "Still needed before this stage can be completed")
        self.assertContains(response, "Commitment 3 is missing:")


class StageEditTests(StageTestCase):
    def data(self, **overrides):
        stage = MethodologyStage.objects.get(plan=self.plan, number=2)
        return {
            "planned_start": "2021-04-01",
            "planned_end": "2021-05-15",
            "notes_ar": "ملاحظات",
            "notes_en": "Notes",
            "version": stage.version,
        } | overrides

    def test_anonymous_goes_to_sign_in(self):
        response = self.client.post(self.url("manage:stage_edit", 2), self.data())
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(MethodologyStage.objects.get(plan=self.plan, number=2).planned_start)

    def test_forum_member_cannot_edit(self):
        self.client.force_login(self.forum_member)
        self.assertEqual(self.client.get(self.url("manage:stage_edit", 2)).status_code, 403)
        response = self.client.post(self.url("manage:stage_edit", 2), self.data())
        self.assertEqual(response.status_code, 403)
        stage = MethodologyStage.objects.get(plan=self.plan, number=2)
        self.assertEqual((stage.planned_start, stage.notes_en, stage.version), (None, "", 1))

    def test_editor_saves_planned_dates_and_notes(self):
        self.client.force_login(self.editor)
        response = self.client.post(self.url("manage:stage_edit", 2), self.data())
        self.assertRedirects(response, self.url("manage:plan_detail"))
        stage = MethodologyStage.objects.get(plan=self.plan, number=2)
        self.assertEqual(stage.planned_end, datetime.date(2021, 5, 15))
        self.assertEqual(stage.notes_en, "Notes")
        self.assertEqual(stage.version, 2)
        self.assertEqual(stage.status, StageStatus.NOT_STARTED)

    def test_planned_end_before_start_is_refused(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            self.url("manage:stage_edit", 2), self.data(planned_end="2021-03-01")
        )
        self.assertContains(response, "The planned end must not be before the planned start.")
        self.assertIsNone(MethodologyStage.objects.get(plan=self.plan, number=2).planned_end)

    def test_stale_form_gets_the_conflict_page(self):
        self.client.force_login(self.editor)
        self.client.post(self.url("manage:stage_edit", 2), self.data(notes_en="First"))
        response = self.client.post(
            self.url("manage:stage_edit", 2), self.data(notes_en="Second", version=1)
        )
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Second", status_code=409)
        self.assertEqual(MethodologyStage.objects.get(plan=self.plan, number=2).notes_en, "First")

    def test_stage_number_out_of_range_is_404(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(self.url("manage:stage_edit", 8)).status_code, 404)


class StartAndCompleteTests(StageTestCase):
    def test_anonymous_post_changes_nothing(self):
        response = self.client.post(self.url("manage:stage_start", 1))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(stage_status(self.plan, 1), StageStatus.NOT_STARTED)

    def test_get_is_not_allowed(self):
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(self.url("manage:stage_start", 1)).status_code, 405)

    def test_editor_cannot_start_or_complete(self):
        reach_stage(self.plan, 2)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.post(self.url("manage:stage_start", 3)).status_code, 403)
        self.assertEqual(self.client.post(self.url("manage:stage_complete", 2)).status_code, 403)
        self.assertEqual(stage_status(self.plan, 2), StageStatus.IN_PROGRESS)
        self.assertEqual(stage_status(self.plan, 3), StageStatus.NOT_STARTED)

    def test_focal_point_cannot_start(self):
        self.client.force_login(self.focal_point)
        self.assertEqual(self.client.post(self.url("manage:stage_start", 1)).status_code, 403)
        self.assertEqual(stage_status(self.plan, 1), StageStatus.NOT_STARTED)

    def test_coordinator_starts_and_completes_stage_1(self):
        self.client.force_login(self.coordinator)
        response = self.client.post(self.url("manage:stage_start", 1))
        self.assertRedirects(response, self.url("manage:plan_detail"))
        self.assertEqual(stage_status(self.plan, 1), StageStatus.IN_PROGRESS)
        response = self.client.post(self.url("manage:stage_complete", 1), follow=True)
        self.assertContains(response, "Stage 1 is completed.")
        stage = MethodologyStage.objects.get(plan=self.plan, number=1)
        self.assertEqual(stage.status, StageStatus.COMPLETED)
        self.assertEqual(stage.actual_end, timezone.localdate())
        self.assertEqual(stage.history.first().history_user, self.coordinator)

    def test_a_stage_starts_only_after_the_one_before_started(self):
        self.client.force_login(self.coordinator)
        response = self.client.post(self.url("manage:stage_start", 3))
        self.assertContains(response, "Stage 2 must be started first.", status_code=400)
        self.assertEqual(stage_status(self.plan, 3), StageStatus.NOT_STARTED)

    def test_stages_complete_only_in_order(self):
        reach_stage(self.plan, 2)
        self.client.force_login(self.coordinator)
        self.assertRedirects(
            self.client.post(self.url("manage:stage_start", 3)), self.url("manage:plan_detail")
        )
        response = self.complete(3)
        self.assertContains(response, "Stage 2 must be completed first.", status_code=400)
        self.assertEqual(stage_status(self.plan, 3), StageStatus.IN_PROGRESS)
        self.assertRedirects(self.complete(2), self.url("manage:plan_detail"))
        self.assertRedirects(self.complete(3), self.url("manage:plan_detail"))
        self.assertEqual(stage_status(self.plan, 3), StageStatus.COMPLETED)

    def test_a_stage_not_started_cannot_be_completed(self):
        response = self.complete(2)
        self.assertContains(response, "Only a stage in progress can be completed.", status_code=400)
        self.assertEqual(stage_status(self.plan, 2), StageStatus.NOT_STARTED)

    def test_a_missing_stage_row_is_created_when_acted_on(self):
        plan = make_plan(number=9)
        self.client.force_login(self.coordinator)
        response = self.client.get("/en/manage/plans/9/")
        self.assertContains(response, "Start stage 1")
        self.assertFalse(plan.stages.exists())
        self.client.post("/en/manage/plans/9/stages/1/start/")
        self.assertEqual(plan.stages.count(), 7)
        self.assertEqual(stage_status(plan, 1), StageStatus.IN_PROGRESS)


class Stage4GateTests(StageTestCase):
    """Stage 4 completes only when every commitment has the template in both languages."""

    def test_a_commitment_missing_an_english_field_blocks_until_written(self):
        reach_stage(self.plan, 4)
        commitment = make_complete_commitment(self.plan, number=3, description_en="")

        response = self.complete(4)
        self.assertContains(
            response,
            "Commitment 3 is missing: brief description (English).",
            status_code=400,
        )
        self.assertContains(response, "Stage 4 was not changed. What is missing:", status_code=400)
        self.assertEqual(stage_status(self.plan, 4), StageStatus.IN_PROGRESS)

        Commitment.objects.filter(pk=commitment.pk).update(description_en="What it is")
        self.assertRedirects(self.complete(4), self.url("manage:plan_detail"))
        self.assertEqual(stage_status(self.plan, 4), StageStatus.COMPLETED)


class Stage5GateTests(StageTestCase):
    """Stage 5 needs the lead institution's approval of the commitment's current text."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lead = make_organisation(name_en="Ministry of Youth")
        cls.other = make_organisation(name_en="Ministry of Finance")

    def setUp(self):
        reach_stage(self.plan, 5)
        self.commitment = make_complete_commitment(self.plan, number=3, lead_institution=self.lead)

    def approve(self, organisation):
        return make_approval_letter(
            commitment=self.commitment,
            organisation=organisation,
            decision="approved",
            received_on=datetime.date(2021, 12, 10),
        )

    def test_approval_from_an_organisation_that_is_not_the_lead_does_not_count(self):
        self.approve(self.other)
        response = self.complete(5)
        self.assertContains(
            response,
            "Commitment 3 has no approval letter from \u2068Ministry of Youth\u2069.",
            status_code=400,
        )
        self.assertEqual(stage_status(self.plan, 5), StageStatus.IN_PROGRESS)

        self.approve(self.lead)
        self.assertRedirects(self.complete(5), self.url("manage:plan_detail"))
        self.assertEqual(stage_status(self.plan, 5), StageStatus.COMPLETED)

    def test_approval_of_an_older_text_is_stale(self):
        self.approve(self.lead)
        Commitment.objects.filter(pk=self.commitment.pk).update(solution_en="A changed text")

        response = self.complete(5)
        self.assertContains(
            response,
            "Commitment 3: the approval from \u2068Ministry of Youth\u2069 is for an older text.",
            status_code=400,
        )
        self.assertEqual(stage_status(self.plan, 5), StageStatus.IN_PROGRESS)

        self.commitment.refresh_from_db()
        self.approve(self.lead)  # a new letter for the text as it is now
        self.assertRedirects(self.complete(5), self.url("manage:plan_detail"))
        self.assertEqual(stage_status(self.plan, 5), StageStatus.COMPLETED)


class Stage7GateTests(StageTestCase):
    """Stage 7 needs every comment window closed and every published comment answered."""

    def setUp(self):
        reach_stage(self.plan, 7)

    def test_an_open_window_blocks_until_it_closes(self):
        window = make_window(plan=self.plan)
        response = self.complete(7)
        self.assertContains(
            response, "1 comment window(s) are still open or not yet opened.", status_code=400
        )
        self.assertEqual(stage_status(self.plan, 7), StageStatus.IN_PROGRESS)

        window.closes_at = timezone.now() - datetime.timedelta(minutes=1)
        window.opens_at = window.closes_at - datetime.timedelta(days=14)
        window.save()
        self.assertRedirects(self.complete(7), self.url("manage:plan_detail"))
        self.assertEqual(stage_status(self.plan, 7), StageStatus.COMPLETED)

    def test_an_unanswered_published_comment_blocks_until_answered(self):
        now = timezone.now()
        window = make_window(
            plan=self.plan,
            opens_at=now - datetime.timedelta(days=20),
            closes_at=now - datetime.timedelta(days=6),
        )
        comment = make_comment(window=window, state="published", published_at=now)
        response = self.complete(7)
        self.assertContains(
            response, "1 published comment(s) have no response yet.", status_code=400
        )
        self.assertEqual(stage_status(self.plan, 7), StageStatus.IN_PROGRESS)

        make_response(comment=comment)
        self.assertRedirects(self.complete(7), self.url("manage:plan_detail"))
        self.assertEqual(stage_status(self.plan, 7), StageStatus.COMPLETED)


class PlanPageQueryCountTests(StageTestCase):
    """The plan list and the plan page: no query per plan, stage or commitment (N+1 on the
    stages-done count, and on the gate check of the stage in progress)."""

    def test_query_counts_do_not_grow(self):
        reach_stage(self.plan, 4)
        make_complete_commitment(self.plan, number=1)
        make_complete_commitment(self.plan, number=2, description_en="")
        self.client.force_login(self.coordinator)
        with CaptureQueriesContext(connection) as small_page:
            self.client.get(self.url("manage:plan_detail"))
        with CaptureQueriesContext(connection) as small_list:
            self.client.get(reverse("manage:plan_list"))

        for number in range(3, 23):
            make_complete_commitment(self.plan, number=number, description_en="")
        for number in range(10, 20):
            make_stages(make_plan(number=number))
        with self.assertNumQueries(len(small_page)):
            response = self.client.get(self.url("manage:plan_detail"))
        self.assertContains(response, "Commitment 22 is missing")
        with self.assertNumQueries(len(small_list)):
            self.client.get(reverse("manage:plan_list"))
