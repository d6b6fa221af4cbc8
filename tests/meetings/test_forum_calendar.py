"""The forum's calendar kept: 5 months without a meeting, the agenda 7 days before, the
minutes 14 days after, each counted in Amman days; warned on the dashboard (linking to the
action that clears it), recorded on the compliance page, dates on the meeting page."""

import datetime
import zoneinfo

from django.test import TestCase
from django.utils import timezone
from django.utils.formats import date_format

from core.roles import COORDINATOR, EDITOR, FORUM_MEMBER
from meetings import calendar_rules as rules
from meetings.models import BodyKind, Meeting, MinutesState
from tests.factories import make_agenda_item, make_body, make_meeting, make_plan, make_user

AMMAN = zoneinfo.ZoneInfo("Asia/Amman")


def amman(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=AMMAN)


# Just after midnight in Amman: the evening before in UTC, so a UTC count would be a day off.
MEETING = amman(2024, 3, 10, 0, 30)


class Row:
    def __init__(self, starts_at, agenda=None, minutes=None):
        self.starts_at, self.agenda_published_at, self.minutes_published_at = (
            starts_at,
            agenda,
            minutes,
        )


def kinds(meetings, today, since=datetime.date(2024, 1, 1)):
    return [(w.kind, w.state) for w in rules.calendar_warnings(meetings, since=since, today=today)]


class BoundaryTests(TestCase):
    def test_forum_gap_warns_on_day_151_not_150(self):
        last = amman(2024, 1, 1, 0, 30)
        day_150 = datetime.date(2024, 1, 1) + datetime.timedelta(days=150)
        held = [Row(last, minutes=last)]
        self.assertEqual(kinds(held, day_150), [])
        self.assertEqual(kinds(held, day_150 + datetime.timedelta(days=1)), [("forum_gap", "late")])

    def test_agenda_on_time_until_the_end_of_the_seventh_day_before_in_amman(self):
        on_time = amman(2024, 3, 3, 23, 59)
        late = amman(2024, 3, 4, 0, 1)  # still 3 March in UTC
        today = datetime.date(2024, 3, 9)
        self.assertEqual(rules.agenda_state(MEETING, on_time, today), rules.ON_TIME)
        self.assertEqual(rules.agenda_state(MEETING, late, today), rules.LATE)
        self.assertEqual(Row(MEETING).starts_at.astimezone(datetime.UTC).day, 9)

    def test_agenda_warning_from_its_last_day(self):
        self.assertEqual(kinds([Row(MEETING)], datetime.date(2024, 3, 2)), [])
        self.assertEqual(kinds([Row(MEETING)], datetime.date(2024, 3, 3)), [("agenda", "due")])
        self.assertEqual(kinds([Row(MEETING)], datetime.date(2024, 3, 4)), [("agenda", "late")])
        published = Row(MEETING, agenda=amman(2024, 3, 1, 9))
        self.assertEqual(kinds([published], datetime.date(2024, 3, 5)), [])

    def test_minutes_on_time_until_the_end_of_the_fourteenth_day_after(self):
        on_time = amman(2024, 3, 24, 23, 59)
        late = amman(2024, 3, 25, 0, 10)  # still 24 March in UTC
        today = datetime.date(2024, 4, 1)
        self.assertEqual(rules.minutes_state(MEETING, on_time, today), rules.ON_TIME)
        self.assertEqual(rules.minutes_state(MEETING, late, today), rules.LATE)
        agenda = amman(2024, 3, 1)
        self.assertEqual(kinds([Row(MEETING, agenda)], datetime.date(2024, 3, 23)), [])
        self.assertEqual(
            kinds([Row(MEETING, agenda)], datetime.date(2024, 3, 24)), [("minutes", "due")]
        )
        self.assertEqual(
            kinds([Row(MEETING, agenda)], datetime.date(2024, 3, 25)), [("minutes", "late")]
        )


def at_noon(days_from_today: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=AMMAN)


class PagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        today = timezone.localdate()
        cls.plan = make_plan(
            number=5,
            starts_on=today - datetime.timedelta(days=400),
            ends_on=today + datetime.timedelta(days=400),
        )
        forum = make_body(kind=BodyKind.FORUM, name_en="The forum")
        # Held 200 days ago: minutes published 20 days after (late), agenda 3 days before.
        cls.old = make_meeting(
            body=forum,
            plan=cls.plan,
            title_en="Old meeting",
            starts_at=at_noon(-200),
            agenda_published_at=at_noon(-203),
            minutes_state=MinutesState.PUBLISHED,
            minutes_published_at=at_noon(-180),
        )
        # Coming in 5 days, no agenda published: the agenda is late.
        cls.coming = make_meeting(
            body=forum, plan=cls.plan, title_en="Coming meeting", starts_at=at_noon(5)
        )
        make_agenda_item(meeting=cls.coming, number=1)
        cls.editor = make_user(role=EDITOR)

    def test_dashboard_warns_and_links_to_the_action_that_clears_it(self):
        self.client.force_login(self.editor)
        response = self.client.get("/en/manage/")
        calendar = response.context["calendar"]
        found = {warning.kind: warning for warning in calendar.items}
        self.assertEqual(set(found), {"forum_gap", "agenda"})
        self.assertEqual(found["forum_gap"].link, "/en/manage/meetings/new/")
        self.assertEqual(found["agenda"].link, f"/en/manage/meetings/{self.coming.pk}/#agenda")
        self.assertContains(response, "No forum meeting for <bdi>200</bdi> days", html=False)
        self.assertContains(response, "Publish the agenda")

    def test_publishing_the_agenda_clears_the_warning(self):
        self.client.force_login(self.editor)
        url = f"/en/manage/meetings/{self.coming.pk}/agenda/publish/"
        self.assertRedirects(self.client.post(url), f"/en/manage/meetings/{self.coming.pk}/")
        self.coming.refresh_from_db()
        self.assertIsNotNone(self.coming.agenda_published_at)
        response = self.client.get("/en/manage/")
        calendar = response.context["calendar"]
        self.assertEqual([w.kind for w in calendar.items], ["forum_gap"])
        again = self.client.post(url, follow=True)
        self.assertContains(again, "The agenda is already published.")

    def test_publishing_the_agenda_is_refused_to_a_forum_member_and_anonymous(self):
        url = f"/en/manage/meetings/{self.coming.pk}/agenda/publish/"
        self.assertEqual(self.client.post(url).status_code, 302)  # to sign-in
        self.client.force_login(make_user(role=FORUM_MEMBER))
        self.assertEqual(self.client.post(url).status_code, 403)
        self.assertIsNone(Meeting.objects.get(pk=self.coming.pk).agenda_published_at)

    def test_compliance_page_records_late_agendas_minutes_and_the_gap(self):
        page = self.client.get("/en/plans/5/compliance/").content.decode()
        self.assertIn("The forum's calendar", page)
        self.assertIn("Agendas published late or not at all: <bdi>1</bdi>", page)
        self.assertIn("Minutes published late or overdue: <bdi>1</bdi>", page)
        self.assertIn("<bdi>200</bdi> days", page)
        self.assertNotIn("Coming meeting", page)  # not held yet

    def test_meeting_page_shows_the_dates_and_their_deadlines(self):
        page = self.client.get(self.old.get_absolute_url()).content.decode()
        self.assertIn("Agenda published", page)
        self.assertIn("Minutes published", page)
        due = date_format(self.old.minutes_due_on)
        self.assertIn(f"(due by <bdi>{due}</bdi>)", page)

    def test_coordinator_sees_the_publish_button_until_published(self):
        self.client.force_login(make_user(role=COORDINATOR))
        page = self.client.get(f"/en/manage/meetings/{self.coming.pk}/")
        self.assertContains(page, 'id="publish-agenda"')
