"""Two staff members edit the same plan, stage or plan text at once: the second save is
refused with 409 and the real differences, and saving from the conflict page merges (the
other's field kept, one's own saved, a field both changed as chosen)."""

import datetime

from django.test import TestCase
from django.utils import translation

from core.roles import COORDINATOR, EDITOR
from plans.models import ActionPlan, MethodologyStage
from tests.factories import make_plan, make_stages, make_user
from tests.helpers import browser_form_data, two_browsers_edit


class PlanEditConflictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a, cls.b = make_user(role=EDITOR), make_user(role=COORDINATOR)
        cls.plan = make_plan(number=5, summary_en="The fifth plan.")
        make_stages(cls.plan)
        cls.stage = MethodologyStage.objects.get(plan=cls.plan, number=2)
        cls.stage.planned_start = datetime.date(2021, 4, 1)
        cls.stage.planned_end = datetime.date(2021, 5, 15)
        cls.stage.save()

    def setUp(self):
        # The pages' language must not outlive the test (LocaleMiddleware activates it).
        self.enterContext(translation.override(translation.get_language()))

    def plan_row(self) -> ActionPlan:
        return ActionPlan.objects.get(pk=self.plan.pk)

    def test_plan_form(self):
        two_browsers_edit(
            self.client_class,
            url="/ar/manage/plans/5/edit/",
            users=(self.a, self.b),
            reload=self.plan_row,
            theirs=("summary_en", "A's summary of the plan."),
            yours=("title_ar", "خطة العمل الوطنية الخامسة"),
            both=("title_en", "A's title", "B's title"),
            choice="saved",
        )

    def test_stage_form(self):
        two_browsers_edit(
            self.client_class,
            url="/ar/manage/plans/5/stages/2/edit/",
            users=(self.a, self.b),
            reload=lambda: MethodologyStage.objects.get(pk=self.stage.pk),
            theirs=("notes_ar", "ملاحظات أ"),
            yours=("notes_en", "B's notes"),
            both=("planned_end", "2021-05-20", "2021-05-31"),
            choice="mine",
        )

    def test_narrative_sections(self):
        two_browsers_edit(
            self.client_class,
            url="/ar/manage/plans/5/document/text/",
            users=(self.a, self.b),
            reload=self.plan_row,
            theirs=("introduction_en", "A's introduction."),
            yours=("context_ar", "سياق من ب"),
            both=("monitoring_en", "A's monitoring.", "B's monitoring."),
            choice="saved",
        )

    def test_plan_form_and_text_share_the_version_without_false_conflicts(self):
        """A edits the plan's text, B its title: B's save is refused (same version), lists
        B's own change only, and goes through from the conflict page."""
        first, second = self.client_class(), self.client_class()
        first.force_login(self.a)
        second.force_login(self.b)
        text = browser_form_data(first.get("/ar/manage/plans/5/document/text/").content)
        plan = browser_form_data(second.get("/ar/manage/plans/5/edit/").content)
        first.post("/ar/manage/plans/5/document/text/", text | {"forum_en": "A's forum."})
        refused = second.post("/ar/manage/plans/5/edit/", plan | {"title_en": "B's title"})
        self.assertEqual(refused.status_code, 409)
        self.assertEqual(
            [(row["key"], row["status"]) for row in refused.context["conflict"]["rows"]],
            [("title_en", "yours")],
        )
        done = second.post("/ar/manage/plans/5/edit/", browser_form_data(refused.content))
        self.assertEqual(done.status_code, 302)
        row = self.plan_row()
        self.assertEqual((row.title_en, row.forum_en), ("B's title", "A's forum."))
