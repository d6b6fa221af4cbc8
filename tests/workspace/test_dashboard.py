"""The workspace dashboard: the current plan's seven stages and the work waiting for the
signed-in user, each item linking to where the work is done."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from plans.models import MethodologyStage, StageStatus
from tests.factories import (
    make_approval_letter,
    make_comment,
    make_commitment,
    make_meeting,
    make_milestone,
    make_organisation,
    make_outcome,
    make_plan,
    make_stages,
    make_user,
    make_window,
)
from workspace import dashboard as workspace

URL = "/en/manage/"


def add_work(plan, count: int, *, lead=None, start: int = 1) -> None:
    """`count` commitments, each with one item in every work list of the dashboard."""
    now = timezone.now()
    today = timezone.localdate()
    window = make_window(
        plan=plan,
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=16),
    )
    for number in range(start, start + count):
        commitment = make_commitment(
            plan=plan,
            number=number,
            lead_institution=lead or make_organisation(),
            description_ar="وصف",  # no English: a missing translation
        )
        make_milestone(
            commitment=commitment,
            number=1,
            starts_on=today - datetime.timedelta(days=60),
            ends_on=today - datetime.timedelta(days=1),
        )
        make_approval_letter(
            commitment=commitment,
            sent_on=today - datetime.timedelta(days=30),
            due_on=today - datetime.timedelta(days=2),
        )
        make_comment(window=window, commitment=commitment, body=f"Pending remark {number}")
        make_comment(
            window=window,
            commitment=commitment,
            body=f"Published remark {number}",
            state="published",
            published_at=now,
        )
        meeting = make_meeting(plan=plan, starts_at=now - datetime.timedelta(days=number))
        make_outcome(meeting=meeting, number=1, due_on=today - datetime.timedelta(days=1))
        make_outcome(meeting=meeting, number=2, status="done")  # done: off the dashboard


class DashboardAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=5)
        make_stages(cls.plan)

    def test_anonymous_goes_to_sign_in(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/manage/login/", response["Location"])

    def test_account_without_a_staff_role_is_refused(self):
        self.client.force_login(make_user())
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_without_any_plan_it_says_so(self):
        self.plan.stages.all().delete()
        self.plan.delete()
        self.client.force_login(make_user(role=COORDINATOR))
        response = self.client.get(URL)
        self.assertContains(response, "There is no action plan yet.")
        self.assertContains(response, reverse("manage:plan_create"))


class DashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.ministry = make_organisation(name_en="Ministry of Youth")
        cls.ministry.focal_points.add(cls.focal_point)
        cls.old_plan = make_plan(number=4, title_en="Fourth plan")
        cls.plan = make_plan(number=5, title_en="Fifth plan", is_public=False)
        make_stages(cls.plan)
        make_stages(cls.old_plan, status=StageStatus.NOT_STARTED)
        day = datetime.date(2021, 3, 1)
        MethodologyStage.objects.filter(plan=cls.plan, number__lte=2).update(
            status=StageStatus.COMPLETED, actual_start=day, actual_end=day
        )
        MethodologyStage.objects.filter(plan=cls.plan, number=3).update(
            status=StageStatus.IN_PROGRESS, actual_start=day
        )
        add_work(cls.plan, 1, lead=cls.ministry, start=1)
        add_work(cls.plan, 7, start=2)

    def lists(self, response) -> dict:
        return {work.key: work for work in response.context["work"]}

    def test_shows_the_newest_plan_and_its_stages(self):
        self.client.force_login(self.editor)
        response = self.client.get(URL)
        self.assertEqual(response.context["plan"], self.plan)
        self.assertContains(response, "Fifth plan")
        self.assertContains(response, "<bdi>2</bdi> of <bdi>7</bdi> stages completed", html=False)
        self.assertContains(response, 'aria-current="step"')
        self.assertContains(response, "Form the national working group")

    def test_plan_parameter_picks_another_plan(self):
        self.client.force_login(self.editor)
        response = self.client.get(URL, {"plan": 4})
        self.assertEqual(response.context["plan"], self.old_plan)
        self.assertContains(response, '<option value="4" selected>', html=False)
        self.assertEqual(self.lists(response)["letters_overdue"].total, 0)

    def test_unknown_plan_parameter_is_404(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(URL, {"plan": 99}).status_code, 404)

    def test_editor_sees_every_list_with_counts_and_first_items(self):
        self.client.force_login(self.editor)
        response = self.client.get(URL)
        lists = self.lists(response)
        self.assertEqual(
            list(lists),
            [
                "comments_pending",
                "comments_unanswered",
                "letters_overdue",
                "minutes",
                "outcomes_open",
                "milestones_late",
                "translations",
            ],
        )
        for work in lists.values():
            self.assertEqual(work.total, 8, work.key)
            self.assertEqual(len(work.items), workspace.FIRST_ITEMS, work.key)
        self.assertContains(response, "Comments to moderate")
        self.assertContains(response, "Pending remark 1")
        self.assertContains(response, "Published remark 1")
        # The agency's name is isolated in its own direction (core.templatetags.bidi).
        self.assertContains(response, "Ministry of Youth</span>: reply due on")
        self.assertContains(response, "Missing: brief description (English)")
        self.assertContains(response, "Showing the first <bdi>5</bdi> of <bdi>8</bdi>.")
        self.assertContains(response, "overdue since")

    def test_items_link_where_the_work_is_done(self):
        """Each item opens the workspace screen for it when that screen exists: a meeting
        its workspace page, an open outcome its meeting's outcomes."""
        self.client.force_login(self.editor)
        lists = self.lists(self.client.get(URL))
        plan_page = reverse("manage:plan_detail", args=[5])
        commitment = lists["translations"].items[0]
        letter = lists["letters_overdue"].items[0]
        milestone = lists["milestones_late"].items[0]
        self.assertEqual(
            commitment.link,
            workspace.workspace_url("commitment_edit", pk=commitment.pk) or plan_page,
        )
        self.assertEqual(
            letter.link, workspace.workspace_url("letter_detail", pk=letter.pk) or plan_page
        )
        self.assertEqual(
            milestone.link,
            workspace.workspace_url("milestone_progress", pk=milestone.pk) or plan_page,
        )
        meeting = lists["minutes"].items[0]
        self.assertEqual(meeting.link, reverse("manage:meeting_detail", args=[meeting.pk]))
        outcome = lists["outcomes_open"].items[0]
        self.assertEqual(
            outcome.link, reverse("manage:meeting_outcomes", args=[outcome.meeting_id])
        )
        comment = lists["comments_pending"].items[0]
        self.assertEqual(comment.link, reverse("manage:consultation_comment", args=[comment.pk]))

    def test_focal_point_links_to_screens_they_may_open(self):
        self.client.force_login(self.focal_point)
        lists = self.lists(self.client.get(URL))
        commitment = lists["translations"].items[0]
        self.assertEqual(
            commitment.link,
            workspace.workspace_url("commitment_detail", pk=commitment.pk)
            or reverse("manage:plan_detail", args=[5]),
        )
        self.assertEqual(self.client.get(commitment.link).status_code, 200)
        for key in ["letters_overdue", "milestones_late"]:
            link = lists[key].items[0].link
            self.assertEqual(self.client.get(link).status_code, 200, link)

    def test_forum_member_sees_the_tracker_only(self):
        self.client.force_login(self.forum_member)
        response = self.client.get(URL)
        self.assertContains(response, "Form the national working group")
        self.assertEqual(response.context["work"], [])
        self.assertNotContains(response, "Work waiting for you")
        self.assertNotContains(response, "Pending remark")

    def test_focal_point_sees_only_their_agencies_items_and_no_moderation(self):
        self.client.force_login(self.focal_point)
        response = self.client.get(URL)
        lists = self.lists(response)
        self.assertEqual(list(lists), ["letters_overdue", "milestones_late", "translations"])
        for work in lists.values():
            self.assertEqual(work.total, 1, work.key)
        self.assertEqual(lists["translations"].items[0].number, 1)
        self.assertEqual(lists["letters_overdue"].items[0].commitment.number, 1)
        self.assertEqual(lists["milestones_late"].items[0].commitment.number, 1)
        self.assertNotContains(response, "Comments to moderate")
        self.assertNotContains(response, "Minutes to publish")
        self.assertNotContains(response, "Meeting outcomes still open")


class DashboardQueryCountTests(TestCase):
    """The dashboard's work lists: no query per commitment, letter, milestone, comment,
    meeting or open outcome (N+1 on `item.commitment`, `item.organisation`,
    `item.window.plan`, `outcome.meeting`, `outcome.owner` and the commitment links),
    whatever the plan's size."""

    QUERIES = 17  # 14, the dispositions list, the forum calendar and civil society's ratings

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.ministry = make_organisation()
        cls.ministry.focal_points.add(cls.focal_point)
        cls.plan = make_plan(number=5)
        make_stages(cls.plan)

    def count_queries(self, user) -> int:
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(URL).status_code, 200)
        return len(queries)

    def test_query_count_does_not_grow_with_the_plan(self):
        add_work(self.plan, 2, lead=self.ministry)
        self.client.force_login(self.editor)
        with self.assertNumQueries(self.QUERIES):
            self.client.get(URL)
        small_focal_point = self.count_queries(self.focal_point)

        add_work(self.plan, 18, lead=self.ministry, start=3)
        self.client.force_login(self.editor)
        with self.assertNumQueries(self.QUERIES):
            response = self.client.get(URL)
        self.assertEqual(response.context["work"][0].total, 20)
        self.client.force_login(self.focal_point)
        with self.assertNumQueries(small_focal_point):
            self.client.get(URL)
