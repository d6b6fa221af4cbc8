"""The admin's plan and meeting pages save through their services (`core.admin.save_versioned`):
an edit is a new version recorded with the superuser, a new plan gets its seven stages."""

from django.test import TestCase

from meetings.models import Meeting
from plans.models import STAGE_COUNT, ActionPlan
from tests.factories import make_meeting, make_plan, make_stages, make_user
from tests.helpers import change_form_data


class AdminVersionedSavesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)
        cls.plan = make_plan(is_public=False)
        make_stages(cls.plan)
        cls.meeting = make_meeting(plan=cls.plan)

    def setUp(self):
        self.client.force_login(self.superuser)

    def edit(self, url, **changes):
        data = change_form_data(self.client.get(url))
        data.update(changes)
        response = self.client.post(url, {**data, "_save": "Save"})
        self.assertEqual(response.status_code, 302, response.context and response.context["errors"])

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
