"""The plan's narrative sections (introduction, context, co-creation, forum, monitoring),
edited in both languages in the workspace with the version check and history."""

from django.test import TestCase
from django.urls import reverse

from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from plans.models import ActionPlan
from tests.factories import make_plan, make_user

NAMES = ["introduction", "context", "co_creation", "forum", "monitoring"]


def narrative_data(version: int, **overrides) -> dict:
    data = {"version": version}
    for name in NAMES:
        data[f"{name}_ar"] = f"نص {name}"
        data[f"{name}_en"] = f"Text of {name}"
    return data | overrides


class NarrativeEditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.coordinator = make_user(role=COORDINATOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.plan = make_plan(number=5)
        cls.url = reverse("manage:plan_narrative", args=[5])

    def test_anonymous_goes_to_sign_in(self):
        response = self.client.post(self.url, narrative_data(1))
        self.assertRedirects(
            response, f"{reverse('manage:login')}?next={self.url}", fetch_redirect_response=False
        )
        self.assertEqual(ActionPlan.objects.get().introduction_ar, "")

    def test_roles_that_do_not_edit_plans_are_refused_and_nothing_changes(self):
        for user in (self.forum_member, self.focal_point, make_user()):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.client.post(self.url, narrative_data(1)).status_code, 403)
        plan = ActionPlan.objects.get()
        self.assertEqual((plan.introduction_ar, plan.version), ("", 1))

    def test_editor_writes_every_section_in_both_languages_with_history(self):
        self.client.force_login(self.editor)
        form = self.client.get("/en/manage/plans/5/document/text/")
        self.assertContains(form, "Context and the government’s open-government efforts")
        self.assertContains(form, 'name="monitoring_ar"')
        self.assertContains(form, 'dir="rtl"')

        response = self.client.post(self.url, narrative_data(1))

        self.assertRedirects(response, reverse("manage:plan_document", args=[5]))
        plan = ActionPlan.objects.get()
        self.assertEqual(plan.co_creation_en, "Text of co_creation")
        self.assertEqual(plan.monitoring_ar, "نص monitoring")
        self.assertEqual(plan.version, 2)
        record = plan.history.first()
        self.assertEqual(record.history_user, self.editor)
        self.assertEqual(record.introduction_en, "Text of introduction")
        page = self.client.get("/en/manage/plans/5/document/")
        self.assertNotContains(page, ">empty<")

    def test_a_stale_form_gets_the_conflict_page_and_keeps_the_users_text(self):
        self.client.force_login(self.editor)
        self.client.post(self.url, narrative_data(1, introduction_en="Saved first"))

        response = self.client.post(self.url, narrative_data(1, introduction_en="Typed meanwhile"))

        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Typed meanwhile", status_code=409)
        self.assertEqual(ActionPlan.objects.get().introduction_en, "Saved first")
        self.assertContains(response, 'name="version" value="2"', status_code=409)

    def test_plan_page_links_to_the_document(self):
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("manage:plan_detail", args=[5]))
        self.assertContains(response, reverse("manage:plan_document", args=[5]))
