"""The plans list, creating a plan, editing it (with the no-lost-edits conflict page), and
whether a plan shows on the public site."""

import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from plans.models import ActionPlan, MethodologyStage, StageStatus
from tests.factories import make_plan, make_stages, make_user


def plan_data(**overrides) -> dict:
    data = {
        "number": 6,
        "title_ar": "خطة العمل الوطنية السادسة",
        "title_en": "Sixth national action plan",
        "summary_ar": "ملخص الخطة",
        "summary_en": "The plan in brief",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
    }
    return data | overrides


class PlanListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coordinator = make_user(role=COORDINATOR)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.outsider = make_user()
        cls.plan = make_plan(number=5, title_en="Fifth plan", is_public=False)
        stages = make_stages(cls.plan)
        MethodologyStage.objects.filter(pk__in=[s.pk for s in stages[:2]]).update(
            status=StageStatus.COMPLETED,
            actual_start=datetime.date(2021, 1, 1),
            actual_end=datetime.date(2021, 2, 1),
        )
        cls.url = reverse("manage:plan_list")

    def test_anonymous_goes_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('manage:login')}?next={self.url}")

    def test_account_without_a_staff_role_is_refused(self):
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_lists_plans_with_status_public_flag_period_and_stages_done(self):
        self.client.force_login(self.coordinator)
        response = self.client.get("/en/manage/plans/")
        self.assertContains(response, "Fifth plan")
        self.assertContains(response, "Drafting")
        self.assertContains(response, "Not public")
        self.assertContains(response, "2021–2025")
        self.assertContains(response, "<bdi>2</bdi> of <bdi>7</bdi>", html=False)
        self.assertContains(response, reverse("manage:plan_create"))

    def test_new_plan_button_only_for_who_may_add_plans(self):
        self.client.force_login(self.focal_point)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, reverse("manage:plan_create"))


class PlanCreateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.url = reverse("manage:plan_create")

    def test_anonymous_goes_to_sign_in(self):
        response = self.client.post(self.url, plan_data())
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ActionPlan.objects.exists())

    def test_forum_member_cannot_create(self):
        self.client.force_login(self.forum_member)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, plan_data()).status_code, 403)
        self.assertFalse(ActionPlan.objects.exists())

    def test_editor_creates_a_plan_not_public_with_seven_stages(self):
        self.client.force_login(self.editor)
        response = self.client.post(self.url, plan_data())
        self.assertRedirects(response, reverse("manage:plan_detail", args=[6]))
        plan = ActionPlan.objects.get(number=6)
        self.assertFalse(plan.is_public)
        self.assertEqual(plan.status, "drafting")
        self.assertEqual(
            list(plan.stages.values_list("number", "status")),
            [(n, "not_started") for n in range(1, 8)],
        )
        self.assertEqual(plan.history.first().history_user, self.editor)

    def test_end_before_start_shows_a_message_and_saves_nothing(self):
        self.client.force_login(self.editor)
        response = self.client.post("/en/manage/plans/new/", plan_data(ends_on="2025-01-01"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The plan period must end after it starts.")
        self.assertContains(response, "Sixth national action plan")  # what was typed stays
        self.assertFalse(ActionPlan.objects.exists())

    def test_a_number_already_taken_is_refused(self):
        make_plan(number=6)
        self.client.force_login(self.editor)
        response = self.client.post(self.url, plan_data())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ActionPlan.objects.count(), 1)
        self.assertTrue(response.context["form"].errors)


class PlanEditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.other_editor = make_user(role=EDITOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.plan = make_plan(number=5, title_en="Fifth plan")
        with translation.override("ar"):
            cls.url = reverse("manage:plan_edit", args=[5])

    def edit_data(self, **overrides):
        return plan_data(number=5, version=self.plan.version) | overrides

    def test_anonymous_goes_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("manage:login"), response["Location"])

    def test_forum_member_cannot_edit(self):
        self.client.force_login(self.forum_member)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        response = self.client.post(self.url, self.edit_data(title_en="Hijacked"))
        self.assertEqual(response.status_code, 403)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.title_en, "Fifth plan")
        self.assertEqual(self.plan.version, 1)

    def test_unknown_plan_is_404(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(reverse("manage:plan_edit", args=[99])).status_code, 404)

    def test_form_puts_arabic_and_english_side_by_side(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.url)
        self.assertContains(response, 'class="col-md-6" dir="rtl" lang="ar"')
        self.assertContains(response, 'class="col-md-6" dir="ltr" lang="en"')
        self.assertContains(response, 'name="version"')

    def test_editor_saves(self):
        self.client.force_login(self.editor)
        response = self.client.post(self.url, self.edit_data(title_en="Fifth plan, revised"))
        self.assertRedirects(response, reverse("manage:plan_detail", args=[5]))
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.title_en, "Fifth plan, revised")
        self.assertEqual(self.plan.version, 2)

    def test_end_before_start_shows_a_message_and_saves_nothing(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            "/en/manage/plans/5/edit/", self.edit_data(starts_on="2026-01-01", ends_on="2025-06-30")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The plan period must end after it starts.")
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.ends_on, datetime.date(2025, 12, 31))
        self.assertEqual(self.plan.version, 1)

    def test_second_save_on_the_same_version_gets_the_conflict_page(self):
        """Two editors open the form on version 1; the first save wins, the second is told,
        keeps its text in the form, and nothing of the first is lost."""
        first, second = self.client_class(), self.client_class()
        first.force_login(self.editor)
        second.force_login(self.other_editor)
        self.assertEqual(first.get(self.url).context["form"]["version"].value(), 1)
        self.assertEqual(second.get(self.url).context["form"]["version"].value(), 1)

        saved = first.post(self.url, self.edit_data(title_en="First editor's title"))
        self.assertEqual(saved.status_code, 302)
        conflict = second.post(self.url, self.edit_data(title_en="Second editor's title"))

        self.assertEqual(conflict.status_code, 409)
        self.assertContains(conflict, "حفظ شخص آخر هذه الصفحة", status_code=409)
        self.assertContains(conflict, 'value="Second editor&#x27;s title"', status_code=409)
        self.assertEqual(conflict.context["form"]["version"].value(), "2")
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.title_en, "First editor's title")
        self.assertEqual(self.plan.version, 2)


class PublicVisibilityTests(TestCase):
    """A plan not public stays off the public site until the coordinator makes it public."""

    @classmethod
    def setUpTestData(cls):
        cls.coordinator = make_user(role=COORDINATOR)
        cls.editor = make_user(role=EDITOR)

    def test_created_plan_appears_publicly_only_once_made_public(self):
        self.client.force_login(self.editor)
        self.client.post(reverse("manage:plan_create"), plan_data(title_ar="خطة سرية جديدة"))
        self.client.logout()

        self.assertNotContains(self.client.get("/ar/"), "خطة سرية جديدة")
        self.assertEqual(self.client.get("/ar/plans/6/").status_code, 404)

        self.client.force_login(self.coordinator)
        response = self.client.post(reverse("manage:plan_public", args=[6]), {"public": "1"})
        self.assertRedirects(response, reverse("manage:plan_detail", args=[6]))
        self.client.logout()

        self.assertContains(self.client.get("/ar/"), "خطة سرية جديدة")
        self.assertContains(self.client.get("/ar/plans/6/"), "خطة سرية جديدة")
