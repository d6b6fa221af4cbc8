"""The superuser's admin writes through the services: status fields are read-only, every
save bumps the version and records who, and a new letter keeps the text it was sent for."""

import datetime

from django.test import TestCase

from commitments.models import ApprovalLetter, Commitment, Milestone
from meetings.models import Meeting
from plans.models import STAGE_COUNT, ActionPlan, MethodologyStage
from tests.factories import (
    make_commitment,
    make_meeting,
    make_milestone,
    make_organisation,
    make_plan,
    make_stages,
    make_user,
)
from tests.helpers import change_form_data


class AdminWritesThroughServicesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)
        cls.plan = make_plan(is_public=False)
        make_stages(cls.plan)
        cls.commitment = make_commitment(plan=cls.plan, is_published=False)
        cls.milestone = make_milestone(commitment=cls.commitment, number=1, weight=100)
        cls.meeting = make_meeting(plan=cls.plan)

    def setUp(self):
        self.client.force_login(self.superuser)

    def edit(self, url, **changes):
        data = change_form_data(self.client.get(url))
        data.update(changes)
        response = self.client.post(url, {**data, "_save": "Save"})
        assert response.status_code == 302, response.context and [
            form.errors for form in [response.context["adminform"].form]
        ]
        return response

    # The plan and meeting admins save through their services (`core.admin.save_versioned`):
    # an edit is a new version recorded with the superuser, a new plan gets its seven stages.

    def test_a_plan_edit_is_a_new_version_by_the_superuser(self):
        self.edit(f"/en/admin/plans/actionplan/{self.plan.pk}/change/", title_en="Edited")
        plan = ActionPlan.objects.get(pk=self.plan.pk)
        self.assertEqual((plan.title_en, plan.version), ("Edited", self.plan.version + 1))
        self.assertEqual(plan.history.latest().history_user, self.superuser)

    def test_a_plan_added_in_the_admin_has_its_stages(self):
        response = self.client.post(
            "/en/admin/plans/actionplan/add/",
            {
                "number": 77,
                "country_code": "JO",
                "title_ar": "خطة جديدة",
                "starts_on": "2026-01-01",
                "ends_on": "2027-12-31",
                "stages-TOTAL_FORMS": "0",
                "stages-INITIAL_FORMS": "0",
                "_save": "Save",
            },
        )
        self.assertEqual(response.status_code, 302, response.context and response.context["errors"])
        plan = ActionPlan.objects.get(number=77)
        self.assertEqual(plan.stages.count(), STAGE_COUNT)
        self.assertEqual(plan.history.get().history_user, self.superuser)

    def test_a_meeting_edit_is_a_new_version_by_the_superuser(self):
        self.edit(f"/en/admin/meetings/meeting/{self.meeting.pk}/change/", title_en="Edited")
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        self.assertEqual((meeting.title_en, meeting.version), ("Edited", self.meeting.version + 1))
        self.assertEqual(meeting.history.latest().history_user, self.superuser)

    def test_a_commitment_edit_bumps_the_version_and_records_the_superuser(self):
        url = f"/en/admin/commitments/commitment/{self.commitment.pk}/change/"
        self.edit(url, title_ar="نص معدل", is_published="on", plan=str(make_plan().pk))
        commitment = Commitment.objects.get(pk=self.commitment.pk)
        assert (commitment.title_ar, commitment.version) == ("نص معدل", 2)
        assert commitment.history.latest().history_user == self.superuser
        # Publication and the plan are not changed from the form.
        assert (commitment.is_published, commitment.plan_id) == (False, self.plan.pk)

    def test_the_whole_template_is_edited_in_the_admin_sdgs_as_boxes(self):
        """The parts of the template added after the admin was written (situation before,
        results, budget, SDGs) have their fields, and SDGs are ticked, not typed as JSON."""
        url = f"/en/admin/commitments/commitment/{self.commitment.pk}/change/"
        page = self.client.get(url).content.decode()
        for name in ("status_quo_ar", "results_en", "budget_ar", "short_title_en"):
            assert f'name="{name}"' in page, name
        assert 'type="checkbox" name="sdgs" value="16"' in page
        self.edit(url, status_quo_ar="الوضع قبل الالتزام", sdgs=["17", "5"])
        commitment = Commitment.objects.get(pk=self.commitment.pk)
        assert (commitment.status_quo_ar, commitment.sdgs) == ("الوضع قبل الالتزام", [5, 17])

    def test_a_commitment_added_in_the_admin_records_the_superuser(self):
        organisation = make_organisation()
        response = self.client.post(
            "/en/admin/commitments/commitment/add/",
            {
                "plan": self.plan.pk,
                "number": 42,
                "title_ar": "التزام جديد",
                "lead_institution": organisation.pk,
                "status": "draft",
                "milestones-TOTAL_FORMS": "0",
                "milestones-INITIAL_FORMS": "0",
                "approval_letters-TOTAL_FORMS": "0",
                "approval_letters-INITIAL_FORMS": "0",
                "_save": "Save",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        commitment = Commitment.objects.get(number=42)
        assert commitment.history.get().history_user == self.superuser

    def test_publish_action_goes_through_the_service(self):
        self.client.post(
            "/en/admin/commitments/commitment/",
            {"action": "publish", "_selected_action": [self.commitment.pk]},
        )
        commitment = Commitment.objects.get(pk=self.commitment.pk)
        assert (commitment.is_published, commitment.version) == (True, 2)
        assert commitment.history.latest().history_user == self.superuser

    def test_plan_status_and_public_flag_are_read_only(self):
        url = f"/en/admin/plans/actionplan/{self.plan.pk}/change/"
        form = self.client.get(url).context["adminform"].form
        assert {"status", "is_public", "published_on"} & set(form.fields) == set()
        self.edit(url, title_en="Renamed", status="published", is_public="on")
        plan = ActionPlan.objects.get(pk=self.plan.pk)
        assert (plan.title_en, plan.status, plan.is_public) == ("Renamed", "drafting", False)
        assert plan.version == 2
        assert plan.history.latest().history_user == self.superuser

    def test_stage_status_and_actual_dates_are_read_only(self):
        stage = MethodologyStage.objects.get(plan=self.plan, number=1)
        url = f"/en/admin/plans/methodologystage/{stage.pk}/change/"
        form = self.client.get(url).context["adminform"].form
        assert {"status", "actual_start", "actual_end"} & set(form.fields) == set()
        self.edit(url, notes_en="Checked", status="completed", actual_end="2022-01-01")
        stage.refresh_from_db()
        assert (stage.notes_en, stage.status, stage.actual_end) == ("Checked", "not_started", None)
        assert stage.version == 2
        assert stage.history.latest().history_user == self.superuser

    def test_milestone_progress_is_read_only_in_the_admin(self):
        url = f"/en/admin/commitments/milestone/{self.milestone.pk}/change/"
        self.edit(url, status="completed", progress_percent="90", title_en="Guide")
        milestone = Milestone.objects.get(pk=self.milestone.pk)
        assert (milestone.status, milestone.progress_percent) == ("not_started", 0)
        assert (milestone.title_en, milestone.version) == ("Guide", 2)

    def test_a_letter_added_in_the_admin_keeps_the_text_it_was_sent_for(self):
        response = self.client.post(
            "/en/admin/commitments/approvalletter/add/",
            {
                "commitment": self.commitment.pk,
                "reference": "MoPIC/2021/77",
                "sent_on": "2021-12-01",
                "due_on": "2021-12-15",
                "_save": "Save",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        letter = ApprovalLetter.objects.get()
        assert letter.organisation == self.commitment.lead_institution
        assert letter.text_snapshot == self.commitment.approved_text()
        assert letter.is_current()
        assert letter.sent_on == datetime.date(2021, 12, 1)
        assert letter.history.get().history_user == self.superuser
