"""Windows in the staff workspace (list, create, edit, schedule, announcements), comments
received elsewhere logged by staff, and the public home's open and upcoming windows."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Announcement, Comment, CommentWindow, ModerationState
from tests.factories import make_commitment, make_plan, make_stages, make_user, make_window

AMMAN = ZoneInfo("Asia/Amman")


def window_post(plan, **overrides) -> dict:
    data = {
        "kind": "draft_commitments",
        "audience": "public",
        "title_ar": "مسودة الالتزامات للتشاور",
        "title_en": "Draft commitments for consultation",
        "description_ar": "ندعوكم للتعليق",
        "description_en": "",
        "opens_at": "2031-03-01T09:00",
        "last_day": "",
    }
    data.update(overrides)
    return data


class WindowServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coordinator = make_user(role="coordinator")
        cls.editor = make_user(role="editor")
        cls.plan = make_plan()
        cls.own = make_commitment(plan=cls.plan, number=1)
        cls.foreign = make_commitment(number=1)

    def create(self, **kwargs):
        arguments = {
            "plan": self.plan,
            "data": services.WindowData(kind="draft_commitments", audience="public", title_ar="ن"),
            "commitments": [self.own],
            "opens_at": datetime.datetime(2031, 3, 1, 9, tzinfo=AMMAN),
            "last_day": None,
            "user": self.coordinator,
        }
        return services.create_window(**(arguments | kwargs))

    def test_fourteen_days_by_default_the_last_until_23_59_59_in_amman(self):
        window = self.create()
        assert window.last_day == datetime.date(2031, 3, 14)
        assert window.is_open(datetime.datetime(2031, 3, 14, 23, 59, 59, tzinfo=AMMAN))
        assert not window.is_open(datetime.datetime(2031, 3, 15, 0, 0, 0, tzinfo=AMMAN))
        assert list(window.commitments.all()) == [self.own]

    def test_a_chosen_last_day_is_accepted_until_its_end(self):
        window = self.create(last_day=datetime.date(2031, 3, 20))
        assert window.is_open(datetime.datetime(2031, 3, 20, 23, 59, 59, tzinfo=AMMAN))
        assert not window.is_open(datetime.datetime(2031, 3, 21, tzinfo=AMMAN))
        # The same instants in UTC (Jordan keeps UTC+3 all year since 2022).
        assert window.is_open(datetime.datetime(2031, 3, 20, 20, 59, 59, tzinfo=datetime.UTC))
        assert not window.is_open(datetime.datetime(2031, 3, 20, 21, 0, 0, tzinfo=datetime.UTC))

    def test_a_last_day_before_the_opening_is_refused(self):
        with pytest.raises(ValidationError, match="cannot come before"):
            self.create(last_day=datetime.date(2031, 2, 27))
        assert not CommentWindow.objects.exists()

    def test_another_plans_commitment_is_refused(self):
        with pytest.raises(ValidationError, match="another plan"):
            self.create(commitments=[self.own, self.foreign])
        assert not CommentWindow.objects.exists()

    def test_only_the_coordinator_schedules(self):
        with pytest.raises(ValidationError, match="coordinator"):
            self.create(user=self.editor)
        window = make_window(plan=self.plan)
        with pytest.raises(ValidationError, match="coordinator"):
            services.close_window_now(window=window, user=self.editor)
        window.refresh_from_db()
        assert window.is_open()

    def test_open_and_close_now(self):
        window = make_window(plan=self.plan, opens_at=timezone.now() + datetime.timedelta(days=3))
        now = timezone.now()
        window = services.open_window_now(window=window, user=self.coordinator, now=now)
        assert window.is_open(now)
        later = now + datetime.timedelta(hours=1)
        window = services.close_window_now(window=window, user=self.coordinator, now=later)
        assert not window.is_open(later)
        with pytest.raises(ValidationError, match="not open"):
            services.close_window_now(window=window, user=self.coordinator, now=later)


class WindowWorkspaceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coordinator = make_user(role="coordinator")
        cls.editor = make_user(role="editor")
        cls.forum = make_user(role="forum_member")
        cls.plan = make_plan(number=7)
        make_stages(cls.plan)
        cls.own = make_commitment(plan=cls.plan, number=1)
        cls.foreign = make_commitment(number=2)

    def test_anonymous_goes_to_sign_in(self):
        for name in ("consultation_windows", "consultation_window_create"):
            response = self.client.get(reverse(f"manage:{name}"))
            assert response.status_code == 302
            assert "/manage/login/" in response["Location"]

    def test_the_list_shows_state_and_comments_to_moderate(self):
        window = make_window(plan=self.plan, title_ar="نافذة التشاور")
        Comment.objects.create(window=window, body="تعليق")
        self.client.force_login(self.editor)
        response = self.client.get(reverse("manage:consultation_windows"))
        assert response.status_code == 200
        assert "نافذة التشاور" in response.content.decode()
        assert "<bdi>1</bdi> comment, <bdi>1</bdi> to moderate" in response.content.decode()
        self.client.force_login(self.forum)
        assert self.client.get(reverse("manage:consultation_windows")).status_code == 403

    def test_the_coordinator_creates_a_window(self):
        self.client.force_login(self.coordinator)
        url = reverse("manage:consultation_window_create") + "?plan=7"
        assert self.client.get(url).status_code == 200
        response = self.client.post(url, window_post(self.plan, commitments=[self.own.pk]))
        window = CommentWindow.objects.get()
        assert response.status_code == 302
        assert window.opens_at == datetime.datetime(2031, 3, 1, 9, tzinfo=AMMAN)
        assert window.last_day == datetime.date(2031, 3, 14)
        assert list(window.commitments.all()) == [self.own]

    def test_an_editor_may_not_create_and_nothing_is_stored(self):
        self.client.force_login(self.editor)
        url = reverse("manage:consultation_window_create") + "?plan=7"
        assert self.client.get(url).status_code == 403
        assert self.client.post(url, window_post(self.plan)).status_code == 403
        assert not CommentWindow.objects.exists()

    def test_bad_input_shows_a_message_and_stores_nothing(self):
        self.client.force_login(self.coordinator)
        url = reverse("manage:consultation_window_create") + "?plan=7"
        response = self.client.post(url, window_post(self.plan, title_ar="", opens_at=""))
        assert response.status_code == 400
        assert "Give the opening date and time." in response.content.decode()
        response = self.client.post(url, window_post(self.plan, commitments=[self.foreign.pk]))
        assert response.status_code == 400
        assert "this window&#x27;s plan only" in response.content.decode()
        assert not CommentWindow.objects.exists()

    def test_an_editor_edits_the_text_and_commitments_not_the_dates(self):
        window = make_window(plan=self.plan)
        opens_at, closes_at = window.opens_at, window.closes_at
        self.client.force_login(self.editor)
        url = reverse("manage:consultation_window_edit", kwargs={"pk": window.pk})
        assert self.client.get(url).status_code == 200
        data = window_post(self.plan, title_ar="عنوان جديد", audience="forum")
        data["commitments"] = [self.own.pk]
        data["opens_at"] = "2040-01-01T00:00"
        data["version"] = window.version  # the version the edit page was opened on
        assert self.client.post(url, data).status_code == 302
        window.refresh_from_db()
        assert window.title_ar == "عنوان جديد"
        assert window.audience == "forum"
        assert list(window.commitments.all()) == [self.own]
        assert (window.opens_at, window.closes_at) == (opens_at, closes_at)

    def test_the_coordinator_reschedules_an_editor_may_not(self):
        window = make_window(plan=self.plan)
        url = reverse("manage:consultation_window_schedule", kwargs={"pk": window.pk})
        data = {"step": "schedule", "opens_at": "2031-05-01T00:00", "last_day": "2031-05-31"}
        self.client.force_login(self.editor)
        assert self.client.post(url, data).status_code == 403
        self.client.force_login(self.coordinator)
        assert self.client.get(url).status_code == 200
        assert self.client.post(url, data).status_code == 302
        window.refresh_from_db()
        assert window.opens_at == datetime.datetime(2031, 5, 1, tzinfo=AMMAN)
        assert window.closes_at == datetime.datetime(2031, 6, 1, tzinfo=AMMAN)
        assert self.client.post(url, {"step": "open"}).status_code == 302
        window.refresh_from_db()
        assert window.is_open()
        assert self.client.post(url, {"step": "close"}).status_code == 302
        window.refresh_from_db()
        assert not window.is_open()

    def test_announcements_several_per_channel_first_post_then_reminders(self):
        window = make_window(plan=self.plan)
        url = reverse("manage:consultation_window", kwargs={"pk": window.pk})
        self.client.force_login(self.editor)
        for day in ("2031-03-01T10:00", "2031-03-08T10:00"):
            response = self.client.post(
                url,
                {
                    "step": "announce",
                    "channel": "facebook",
                    "url": "https://facebook.com/ogp/posts/1",
                    "announced_at": day,
                },
            )
            assert response.status_code == 302
        page = self.client.get(url).content.decode()
        assert page.count("first post") == 1
        assert page.count("reminder") == 1
        response = self.client.post(url, {"step": "announce", "channel": "myspace", "url": "x"})
        assert response.status_code == 400
        assert Announcement.objects.count() == 2
        first = Announcement.objects.first()
        self.client.post(url, {"step": "remove", "announcement": first.pk})
        assert Announcement.objects.count() == 1


class LoggedCommentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role="editor")
        cls.focal = make_user(role="focal_point")
        cls.plan = make_plan()
        cls.window = make_window(plan=cls.plan)
        cls.commitment = make_commitment(plan=cls.plan)
        cls.window.commitments.add(cls.commitment)

    def post(self, **overrides):
        data = {
            "token": str(uuid.uuid4()),
            "channel": "facebook",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "commitment": self.commitment.pk,
            "part": "general",
            "body": "تعليق وصل عبر فيسبوك",
            "author_name": "سلمى",
            "sector": "civil_society",
            "region": "irbid",
        }
        data.update(overrides)
        url = reverse("manage:consultation_comment_log", kwargs={"pk": self.window.pk})
        return self.client.post(url, data)

    def test_staff_log_a_comment_with_its_channel_once(self):
        self.client.force_login(self.editor)
        token = str(uuid.uuid4())
        assert self.post(token=token).status_code == 302
        assert self.post(token=token).status_code == 302
        comment = Comment.objects.get()
        assert comment.channel == "facebook"
        assert comment.logged_by == self.editor
        assert comment.state == ModerationState.PENDING
        assert comment.commitment == self.commitment

    def test_every_channel_but_the_website(self):
        self.client.force_login(self.editor)
        for channel in ("x", "email", "workshop", "letter"):
            assert self.post(channel=channel).status_code == 302
        assert self.post(channel="site").status_code == 400
        assert Comment.objects.count() == 4

    def test_received_outside_the_window_is_refused(self):
        self.client.force_login(self.editor)
        response = self.post(received_at="2001-01-01T10:00")
        assert response.status_code == 400
        assert "not open for comments yet" in response.content.decode()
        assert not Comment.objects.exists()

    def test_a_focal_point_may_not_log(self):
        self.client.force_login(self.focal)
        assert self.post().status_code == 403
        assert not Comment.objects.exists()


class HomeWindowsTests(TestCase):
    def test_open_windows_with_days_left_and_upcoming_ones(self):
        plan = make_plan(is_public=True)
        make_stages(plan)
        now = timezone.now()
        make_window(plan=plan, title_ar="نافذة مفتوحة", title_en="Open window", opens_at=now)
        make_window(
            plan=plan,
            title_ar="نافذة قادمة",
            title_en="Coming window",
            opens_at=now + datetime.timedelta(days=10),
        )
        make_window(
            plan=plan,
            title_en="Closed window",
            opens_at=now - datetime.timedelta(days=40),
        )
        make_window(plan=plan, title_en="Forum window", audience="forum", opens_at=now)
        page = self.client.get("/en/").content.decode()
        assert "Open window" in page
        assert "<bdi>14</bdi> days left" in page
        assert "Upcoming consultations" in page
        assert "Coming window" in page
        # A closed window is listed only among the past consultations, with its report.
        offered, past = page.split("Past consultations and their reports")
        assert "Closed window" not in offered
        assert "Closed window" in past
        assert "Forum window" not in page
