"""`manage.py load_demo`: the forum meeting of 2021-11-25 as the minutes record it, what
followed it (the public comment windows, the forum members' feedback period), and a second
run that changes nothing."""

import datetime
import io
import os
import stat
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from django.test import TestCase, override_settings
from django.utils import timezone, translation
from django.utils.html import escape

from commitments.models import Commitment
from consultations.models import (
    Audience,
    Comment,
    CommentWindow,
    ModerationState,
    Response,
    WindowKind,
)
from core import roles
from demo import loader as demo
from meetings.models import Attendance, Meeting, Membership, Role
from meetings.pasting import parse_attendees
from plans.models import ActionPlan, MethodologyStage, Organisation, PlanStatus, StageStatus
from tests.helpers import FAST_HASHER

PASSWORD = "demo-test-password-9f2c"
AMMAN = ZoneInfo("Asia/Amman")


def load(**options) -> str:
    out = io.StringIO()
    # With DEBUG off (as the tests run) load_demo refuses unless forced; a laptop has it on.
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table (history and many-to-many tables included), by model."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
@mock.patch.dict(os.environ, {demo.PASSWORD_ENV: PASSWORD})
class DemoDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with mock.patch.dict(os.environ, {demo.PASSWORD_ENV: PASSWORD}):
            cls.output = load()
        cls.plan_5 = ActionPlan.objects.get(number=5)
        cls.meeting = Meeting.objects.get(starts_at__date=datetime.date(2021, 11, 25))

    def test_attendance_is_the_minutes_list_in_order(self):
        """The loaded attendance is what the minutes' own attendee list (kept verbatim in the
        seed file beside the structured rows) says, line by line."""
        pasted = parse_attendees(demo.ATTENDEE_LIST)
        self.assertEqual([row.problems for row in pasted], [[]] * 13)
        rows = Attendance.objects.filter(meeting=self.meeting).order_by("order")
        self.assertEqual(
            [(a.person_id, a.person.honorific, a.position_ar, a.organisation_id) for a in rows],
            [(r.person.pk, r.honorific, r.position_ar, r.organisation.pk) for r in pasted],
        )
        self.assertEqual([a.order for a in rows], list(range(1, 14)))
        self.assertEqual(
            [a.role for a in rows[:5]],
            [Role.CHAIR, Role.COORDINATOR, Role.ADVISER, Role.LIAISON, Role.MEMBER],
        )

    def test_stage_5_shows_the_letters_of_the_day(self):
        """Commitment 1 approved by its lead institution, 2 awaited past due, the rest unsent."""
        from plans.gates import gate_problems

        with translation.override("en"):
            problems = gate_problems(self.plan_5, 5)
        self.assertEqual(len(problems), 5)
        self.assertIn("Commitment 2: the reply of", problems[0])
        self.assertTrue(problems[1].startswith("Commitment 3 has no approval letter from"))

    def test_every_attendee_is_a_forum_member(self):
        self.assertEqual(
            Membership.objects.filter(body=self.meeting.body).count(), len(demo.ATTENDEES)
        )

    def test_meeting_is_remote_on_webex_with_published_minutes(self):
        self.assertEqual(self.meeting.platform, "Webex")
        self.assertEqual(self.meeting.place_ar, "عن بُعد عبر منصة ويبكس (WEBEX)")
        self.assertEqual(self.meeting.minutes_state, "published")
        self.assertEqual(self.meeting.agenda_items.count(), 4)
        self.assertEqual(self.meeting.outcomes.count(), 3)
        self.assertEqual(self.meeting.outcomes.get(number=1).commitments.count(), 6)

    def test_fifth_plan_has_the_six_commitments_of_the_minutes(self):
        """As the third agenda item of the minutes lists them."""
        commitments = Commitment.objects.filter(plan=self.plan_5).order_by("number")
        listed = self.meeting.agenda_items.get(number=3).discussion_ar.splitlines()[1:]
        self.assertEqual(len(listed), 6)
        for line, commitment in zip(listed, commitments, strict=True):
            self.assertEqual(line.split(": ", 1)[1], commitment.title_ar)
        self.assertEqual([c.number for c in commitments], [1, 2, 3, 4, 5, 6])
        self.assertTrue(all(c.is_published and c.milestones.count() >= 2 for c in commitments))

    def test_each_plan_has_seven_stages_as_they_stood_at_the_meeting(self):
        for plan in ActionPlan.objects.all():
            self.assertEqual(plan.stages.count(), 7)
        self.assertEqual(ActionPlan.objects.get(number=4).status, PlanStatus.CLOSED)
        self.assertEqual(
            list(
                MethodologyStage.objects.filter(plan=self.plan_5)
                .order_by("number")
                .values_list("status", flat=True)
            ),
            [StageStatus.COMPLETED] * 4 + [StageStatus.IN_PROGRESS] * 2 + [StageStatus.NOT_STARTED],
        )

    def test_one_public_window_is_open_now_and_one_has_answered_comments(self):
        open_now = CommentWindow.objects.open_at(timezone.now())
        self.assertEqual(
            list(open_now.public().values_list("title_ar", flat=True)),
            [demo.OPEN_WINDOW["title_ar"]],
        )
        self.assertEqual(
            list(open_now.filter(audience=Audience.FORUM).values_list("title_ar", flat=True)),
            [demo.MEMBER_WINDOW["title_ar"]],
        )
        open_window = CommentWindow.objects.get(title_ar=demo.OPEN_WINDOW["title_ar"])
        self.assertEqual(open_window.commitments.count(), 6)
        past = CommentWindow.objects.get(title_ar=demo.PAST_WINDOW["title_ar"])
        self.assertEqual(past.opens_at, datetime.datetime(2021, 12, 5, tzinfo=AMMAN))
        self.assertEqual(past.last_day, datetime.date(2021, 12, 18))
        self.assertEqual(past.comments.unanswered().count(), 0)
        outcomes = set(Response.objects.values_list("outcome", flat=True))
        self.assertGreaterEqual(len(outcomes), 4)

    def test_forum_member_reads_the_answered_remark_in_the_members_only_period(self):
        """The demo forum member's remark, sent through the members' service, is on their
        workspace page with the unit's published response, in both languages."""
        window = CommentWindow.objects.get(title_ar=demo.MEMBER_WINDOW["title_ar"])
        self.assertEqual(
            (window.audience, window.kind, window.plan),
            (Audience.FORUM, WindowKind.DRAFT_COMMITMENTS, self.plan_5),
        )
        self.assertEqual(
            sorted(window.commitments.values_list("number", flat=True)),
            demo.SEED["member_window"]["commitments"],
        )
        remark = Comment.objects.get(window=window)
        member = get_user_model().objects.get(username=roles.FORUM_MEMBER)
        self.assertEqual(remark.author, member)
        self.assertEqual(remark.state, ModerationState.MEMBERS)
        self.assertEqual(remark.commitment.number, demo.MEMBER_REMARK["commitment"])
        self.assertEqual(remark.milestone.number, demo.MEMBER_REMARK["milestone"])
        self.assertIsNotNone(remark.response.published_at)

        self.client.force_login(member)
        feedback_list = self.client.get("/en/manage/consultations/feedback/")
        self.assertContains(feedback_list, escape(window.title_en))
        for language, reason in [("ar", "reason_ar"), ("en", "reason_en")]:
            with self.subTest(language=language):
                page = self.client.get(f"/{language}/manage/consultations/feedback/{window.pk}/")
                self.assertEqual(page.status_code, 200)
                title = window.title_ar if language == "ar" else window.title_en
                self.assertContains(page, escape(title))
                self.assertContains(page, escape(remark.body))
                self.assertContains(page, escape(demo.MEMBER_REMARK[reason]))

    def test_public_site_never_shows_the_members_only_period(self):
        window = CommentWindow.objects.get(title_ar=demo.MEMBER_WINDOW["title_ar"])
        remark = Comment.objects.get(window=window)
        for language in ["ar", "en"]:
            with self.subTest(language=language), translation.override(language):
                self.assertEqual(self.client.get(window.get_absolute_url()).status_code, 404)
                home = self.client.get(f"/{language}/")
                self.assertEqual(home.status_code, 200)
                public_window = CommentWindow.objects.get(title_ar=demo.OPEN_WINDOW["title_ar"])
                self.assertContains(home, escape(public_window.title))
                self.assertNotContains(home, escape(window.title))
                self.assertNotContains(home, remark.tracking_number)

    def test_sectors_of_the_organisations(self):
        sectors = dict(Organisation.objects.values_list("name_ar", "sector"))
        self.assertEqual(sectors['هيئة تنسيق مؤسسات المجتمع المدني "همم"'], "civil_society")
        self.assertEqual(sectors["جمعية رجال الأعمال الأردنيين"], "private_sector")
        self.assertEqual(sectors["هيئة شباب كلنا الأردن"], "youth")
        self.assertEqual(sectors["دائرة الموازنة العامة"], "government")
        self.assertEqual(
            Organisation.objects.get(name_ar="هيئة النزاهة ومكافحة الفساد").acronym, "JIACC"
        )

    def test_second_run_doubles_nothing_and_changes_nothing(self):
        before = snapshot()
        output = load()
        after = snapshot()
        self.assertEqual(
            {label: len(rows) for label, rows in after.items()},
            {label: len(rows) for label, rows in before.items()},
        )
        self.assertEqual(after, before)
        self.assertIn("0 rows created, 0 updated", output)

    def test_run_after_the_open_window_closed_opens_it_again(self):
        later = timezone.now() + datetime.timedelta(days=30)
        demo.load_demo(now=later, password=PASSWORD)
        window = CommentWindow.objects.get(title_ar=demo.OPEN_WINDOW["title_ar"])
        self.assertTrue(window.is_open(later))
        self.assertEqual(window.opens_at, demo.start_of_day(later))
        feedback = CommentWindow.objects.get(title_ar=demo.MEMBER_WINDOW["title_ar"])
        self.assertTrue(feedback.is_open(later))
        self.assertEqual(feedback.opens_at, demo.start_of_day(later))
        self.assertEqual(CommentWindow.objects.count(), 3)
        # The remark sent earlier is the same one, still answered: not sent again.
        self.assertEqual(feedback.comments.member_remarks().count(), 1)
        self.assertEqual(feedback.comments.unanswered().count(), 0)

    def test_accounts_have_their_role_and_the_password_works(self):
        User = get_user_model()
        for role in roles.ROLE_LABELS:
            user = User.objects.get(username=role)
            self.assertTrue(user.is_staff)
            self.assertEqual(list(user.groups.values_list("name", flat=True)), [role])
            self.assertTrue(
                self.client.login(request=HttpRequest(), username=role, password=PASSWORD)
            )
        admin = User.objects.get(username="admin")
        self.assertTrue(admin.is_superuser)
        self.assertTrue(
            self.client.login(request=HttpRequest(), username="admin", password=PASSWORD)
        )

    def test_focal_point_and_forum_member_are_linked(self):
        User = get_user_model()
        focal_point = User.objects.get(username=roles.FOCAL_POINT)
        self.assertEqual(
            list(focal_point.focal_point_for.values_list("acronym", flat=True)), ["JIACC"]
        )
        forum_member = User.objects.get(username=roles.FORUM_MEMBER)
        self.assertTrue(
            Attendance.objects.filter(meeting=self.meeting, person__user=forum_member).exists()
        )

    def test_output_lists_logins_and_urls(self):
        for username in ["admin", *roles.ROLE_LABELS]:
            self.assertIn(username, self.output)
        self.assertIn(PASSWORD, self.output)
        self.assertIn("http://127.0.0.1:8000/ar/", self.output)
        self.assertIn("http://127.0.0.1:8000/ar/admin/", self.output)
        window = CommentWindow.objects.get(title_ar=demo.MEMBER_WINDOW["title_ar"])
        self.assertIn(
            f"sign in as forum_member at http://127.0.0.1:8000/ar/manage/consultations/"
            f"feedback/{window.pk}/",
            self.output,
        )


@pytest.mark.django_db
def test_generated_password_is_kept_private_and_reused(tmp_path, monkeypatch, settings, client):
    settings.PASSWORD_HASHERS = FAST_HASHER
    monkeypatch.delenv(demo.PASSWORD_ENV, raising=False)
    password_file = tmp_path / "var" / "demo-password.txt"

    load(password_file=password_file)
    password = password_file.read_text().strip()
    assert len(password) >= 20
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600

    output = load(password_file=password_file)
    assert password_file.read_text().strip() == password
    assert password in output
    assert client.login(request=HttpRequest(), username=roles.COORDINATOR, password=password)
