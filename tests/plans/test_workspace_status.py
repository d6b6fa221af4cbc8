"""A plan's status moves only in the allowed order and only by the coordinator; so does
showing it on the public site."""

import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from core.roles import COORDINATOR, EDITOR, FORUM_MEMBER
from plans.models import ActionPlan, MethodologyStage, PlanStatus, StageStatus
from tests.factories import make_plan, make_stages, make_user


def en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


class PlanStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coordinator = make_user(role=COORDINATOR)
        cls.editor = make_user(role=EDITOR)
        cls.plan = make_plan(number=5, is_public=False)
        make_stages(cls.plan)
        cls.url = en("manage:plan_status", 5)

    def move(self, status: str, user=None):
        self.client.force_login(user or self.coordinator)
        return self.client.post(self.url, {"status": status})

    def current(self) -> ActionPlan:
        return ActionPlan.objects.get(pk=self.plan.pk)

    def test_anonymous_post_changes_nothing(self):
        response = self.client.post(self.url, {"status": PlanStatus.CONSULTATION})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.current().status, PlanStatus.DRAFTING)

    def test_get_is_not_allowed(self):
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_editor_cannot_change_the_status(self):
        response = self.move(PlanStatus.CONSULTATION, user=self.editor)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.current().status, PlanStatus.DRAFTING)
        self.assertEqual(self.current().version, 1)

    def test_editor_sees_no_status_buttons(self):
        self.client.force_login(self.editor)
        response = self.client.get(en("manage:plan_detail", 5))
        self.assertContains(response, "Only the unit coordinator changes a plan’s status.")
        self.assertNotContains(response, self.url)

    def test_coordinator_sees_the_next_statuses_with_what_they_mean(self):
        self.client.force_login(self.coordinator)
        response = self.client.get(en("manage:plan_detail", 5))
        self.assertContains(response, "Move to “Public consultation”")
        self.assertContains(response, "Citizens read the draft and comment on it")
        self.assertNotContains(response, "Move to “Final”")

    def test_coordinator_moves_the_plan_forward(self):
        response = self.move(PlanStatus.CONSULTATION)
        self.assertRedirects(response, en("manage:plan_detail", 5))
        self.assertEqual(self.current().status, PlanStatus.CONSULTATION)

    def test_status_moves_only_in_the_allowed_order(self):
        response = self.move(PlanStatus.FINAL)
        self.assertContains(
            response, "A plan cannot move from “Drafting” to “Final”.", status_code=400
        )
        self.assertEqual(self.current().status, PlanStatus.DRAFTING)

    def test_an_unknown_status_is_refused(self):
        response = self.move("adopted")
        self.assertContains(response, "Choose one of the statuses offered.", status_code=400)
        self.assertEqual(self.current().status, PlanStatus.DRAFTING)

    def test_publishing_needs_every_stage_completed(self):
        ActionPlan.objects.filter(pk=self.plan.pk).update(status=PlanStatus.FINAL)
        response = self.move(PlanStatus.PUBLISHED)
        self.assertContains(
            response,
            "Every stage must be completed before the plan is published.",
            status_code=400,
        )
        self.assertEqual(self.current().status, PlanStatus.FINAL)

        day = datetime.date(2021, 6, 1)
        MethodologyStage.objects.filter(plan=self.plan).update(
            status=StageStatus.COMPLETED, actual_start=day, actual_end=day
        )
        self.assertRedirects(self.move(PlanStatus.PUBLISHED), en("manage:plan_detail", 5))
        self.assertEqual(self.current().status, PlanStatus.PUBLISHED)
        self.assertEqual(self.current().published_on, timezone.localdate())


class PlanPublicTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coordinator = make_user(role=COORDINATOR)
        cls.editor = make_user(role=EDITOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.plan = make_plan(number=5, is_public=False, title_ar="الخطة الخامسة للاختبار")
        cls.url = en("manage:plan_public", 5)

    def is_public(self) -> bool:
        return ActionPlan.objects.get(pk=self.plan.pk).is_public

    def test_anonymous_post_changes_nothing(self):
        self.assertEqual(self.client.post(self.url, {"public": "1"}).status_code, 302)
        self.assertFalse(self.is_public())

    def test_editor_and_forum_member_cannot_publish(self):
        for user in (self.editor, self.forum_member):
            self.client.force_login(user)
            self.assertEqual(self.client.post(self.url, {"public": "1"}).status_code, 403)
        self.assertFalse(self.is_public())

    def test_coordinator_makes_public_then_takes_off(self):
        self.client.force_login(self.coordinator)
        page = self.client.get(en("manage:plan_detail", 5))
        self.assertContains(page, "Citizens cannot see this plan yet")
        self.assertContains(page, "Make public")

        response = self.client.post(self.url, {"public": "1"}, follow=True)
        self.assertContains(response, "The plan is now on the public site.")
        self.assertContains(response, "Take off the public site")
        self.assertTrue(self.is_public())
        self.assertContains(self.client.get("/ar/plans/5/"), "الخطة الخامسة للاختبار")

        response = self.client.post(self.url, {"public": "0"}, follow=True)
        self.assertContains(response, "The plan was taken off the public site.")
        self.assertFalse(self.is_public())
        self.assertEqual(self.client.get("/ar/plans/5/").status_code, 404)
