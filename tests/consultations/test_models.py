"""Comment windows open and close by the clock, in Amman time; comments get tracking numbers."""

import datetime
import re
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase, TestCase

from consultations.models import Comment, CommentWindow, default_closes_at
from tests.factories import make_comment, make_plan, make_window

AMMAN = ZoneInfo("Asia/Amman")
UTC = datetime.UTC
SECOND = datetime.timedelta(seconds=1)
TICK = datetime.timedelta(microseconds=1)


def amman(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=AMMAN)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def hours_ahead(moment: datetime.datetime) -> float:
    """Amman's offset from UTC at `moment`, in hours, as the tz database has it."""
    return moment.astimezone(AMMAN).utcoffset() / datetime.timedelta(hours=1)


class IsOpenTests(SimpleTestCase):
    """A window takes comments from `opens_at` up to, not including, `closes_at`."""

    window = CommentWindow(opens_at=utc(2021, 12, 5, 8), closes_at=utc(2021, 12, 18, 22))

    def test_open_from_the_moment_it_opens(self):
        assert not self.window.is_open(self.window.opens_at - TICK)
        assert self.window.is_open(self.window.opens_at)

    def test_open_until_just_before_it_closes(self):
        assert self.window.is_open(self.window.closes_at - TICK)
        assert not self.window.is_open(self.window.closes_at)
        assert not self.window.is_open(self.window.closes_at + datetime.timedelta(days=30))


class DefaultLengthTests(TestCase):
    """Left empty, `closes_at` is the end of the 14th local day: 00:00 Amman the day after."""

    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan()

    def saved_window(self, opens_at) -> CommentWindow:
        window = make_window(plan=self.plan, opens_at=opens_at)
        return CommentWindow.objects.get(pk=window.pk)

    def test_a_window_opening_5_december_takes_comments_through_18_december(self):
        window = self.saved_window(amman(2021, 12, 5, 10, 0))
        assert window.closes_at == amman(2021, 12, 19, 0, 0)
        assert window.closes_at == utc(2021, 12, 18, 22, 0)  # Amman was UTC+2 that winter
        assert window.last_day == datetime.date(2021, 12, 18)
        assert window.is_open(amman(2021, 12, 18, 23, 59, 59))
        assert not window.is_open(amman(2021, 12, 19, 0, 0))

    def test_the_first_day_is_the_amman_date_not_the_utc_date(self):
        # 00:30 on 5 December in Amman is still 4 December in UTC.
        window = self.saved_window(amman(2021, 12, 5, 0, 30))
        assert window.opens_at.astimezone(UTC).date() == datetime.date(2021, 12, 4)
        assert window.last_day == datetime.date(2021, 12, 18)
        # 23:30 in Amman is the same day in UTC, and still the same first day.
        assert self.saved_window(amman(2021, 12, 5, 23, 30)).last_day == datetime.date(2021, 12, 18)

    def test_a_closing_time_given_by_staff_is_kept(self):
        closes_at = amman(2021, 12, 10, 17, 0)
        window = make_window(plan=self.plan, opens_at=amman(2021, 12, 5, 10), closes_at=closes_at)
        assert CommentWindow.objects.get(pk=window.pk).closes_at == closes_at


class JordanClockChangeTests(TestCase):
    """Windows whose last day touches one of Jordan's clock changes.

    Jordan kept daylight saving time until 2022 and has stayed on UTC+3 since. The
    expected instants below come from the tz database (checked first, in the first test),
    not from a rule of thumb.
    """

    def test_the_tz_database_agrees_with_these_dates(self):
        # Spring 2021: 00:00 on 26 March became 01:00 (UTC+2 to UTC+3).
        assert hours_ahead(utc(2021, 3, 25, 21, 59)) == 2
        assert hours_ahead(utc(2021, 3, 25, 22, 0)) == 3
        # Autumn 2021: 01:00 on 29 October became 00:00 again (the hour after midnight twice).
        assert hours_ahead(utc(2021, 10, 28, 21, 59)) == 3
        assert hours_ahead(utc(2021, 10, 28, 22, 0)) == 2
        # Spring 2022: 00:00 on 25 February became 01:00, the last change.
        assert hours_ahead(utc(2022, 2, 24, 22, 0)) == 3
        # Late October 2022 and after: still UTC+3, no return to winter time.
        for moment in (utc(2022, 11, 1), utc(2023, 1, 15), utc(2024, 12, 1)):
            assert hours_ahead(moment) == 3

    def assert_last_day(self, window, last_day: datetime.date, closes_at: datetime.datetime):
        assert window.closes_at == closes_at
        window = CommentWindow.objects.get(pk=window.pk)
        assert window.closes_at == closes_at
        assert window.last_day == last_day
        last_second = closes_at - SECOND
        assert last_second.astimezone(AMMAN).date() == last_day
        assert window.is_open(last_second)
        assert not window.is_open(closes_at)
        assert closes_at.astimezone(AMMAN).date() == last_day + datetime.timedelta(days=1)

    def test_last_day_before_the_spring_2021_change(self):
        # Midnight on 26 March 2021 never happened in Amman: the day ended at 22:00 UTC.
        window = make_window(opens_at=amman(2021, 3, 12, 10, 0))
        self.assert_last_day(window, datetime.date(2021, 3, 25), utc(2021, 3, 25, 22, 0))

    def test_last_day_before_the_autumn_2021_change(self):
        # Midnight on 29 October 2021 happened twice; comments stop at the first one.
        window = make_window(opens_at=amman(2021, 10, 15, 10, 0))
        self.assert_last_day(window, datetime.date(2021, 10, 28), utc(2021, 10, 28, 21, 0))

    def test_window_spanning_the_autumn_2021_change(self):
        window = make_window(opens_at=amman(2021, 10, 20, 10, 0))
        self.assert_last_day(window, datetime.date(2021, 11, 2), utc(2021, 11, 2, 22, 0))

    def test_last_day_before_the_spring_2022_change(self):
        window = make_window(opens_at=amman(2022, 2, 11, 10, 0))
        self.assert_last_day(window, datetime.date(2022, 2, 24), utc(2022, 2, 24, 22, 0))

    def test_window_in_late_october_2022_stays_on_utc_plus_3(self):
        window = make_window(opens_at=amman(2022, 10, 20, 10, 0))
        self.assert_last_day(window, datetime.date(2022, 11, 2), utc(2022, 11, 2, 21, 0))

    def test_default_closes_at_accepts_any_time_zone(self):
        opens_at = utc(2021, 12, 4, 22, 30)  # 00:30 on 5 December in Amman
        assert default_closes_at(opens_at) == utc(2021, 12, 18, 22, 0)
        assert default_closes_at(opens_at, days=1) == utc(2021, 12, 5, 22, 0)


class OpenAtTests(TestCase):
    """`CommentWindow.objects.open_at(moment)` finds exactly the windows `is_open(moment)`."""

    def test_query_agrees_with_is_open(self):
        plan = make_plan()
        windows = [
            make_window(plan=plan, opens_at=utc(2021, 3, 1, 8), closes_at=utc(2021, 3, 15, 22)),
            make_window(plan=plan, opens_at=utc(2021, 3, 10, 8), closes_at=utc(2021, 3, 24, 22)),
            make_window(plan=plan, opens_at=utc(2021, 12, 5, 8)),
        ]
        moments = [utc(2021, 2, 1), utc(2021, 3, 12), utc(2021, 12, 10), utc(2022, 1, 1)]
        for window in windows:
            moments += [window.opens_at, window.closes_at - TICK, window.closes_at]
        found_open = 0
        for moment in moments:
            with self.subTest(moment=moment):
                found = set(CommentWindow.objects.filter(plan=plan).open_at(moment))
                assert found == {window for window in windows if window.is_open(moment)}
                found_open += len(found)
        assert found_open > len(windows)


class TrackingNumberTests(TestCase):
    """Every comment gets a number its author can read over the phone: C-<year>-<6 characters>,
    without the characters people confuse (0/O, 1/I/L, U/V)."""

    def test_numbers_are_generated_in_the_documented_shape(self):
        comment = make_comment(created_at=utc(2021, 12, 6, 9, 0))
        assert re.fullmatch(r"C-2021-[23456789ABCDEFGHJKMNPQRSTWXYZ]{6}", comment.tracking_number)
        assert str(comment) == comment.tracking_number

    def test_numbers_are_unique(self):
        window = make_window()
        numbers = {make_comment(window=window).tracking_number for _ in range(50)}
        assert len(numbers) == 50

    def test_saving_again_keeps_the_number(self):
        comment = make_comment()
        number = comment.tracking_number
        comment.body = "تعليق معدّل"
        comment.save()
        comment.refresh_from_db()
        assert comment.tracking_number == number

    def test_a_new_comment_validates_before_it_has_a_number(self):
        window = make_window()
        comment = Comment(window=window, body="ملاحظة على الالتزام الثالث")
        comment.full_clean()  # a form validating a citizen's comment must not trip on it
        comment.save()
        assert comment.tracking_number.startswith("C-")


class DefaultCloseTests(TestCase):
    """Staff may leave the closing time empty: the window then runs the unit's 14 days."""

    def test_full_clean_fills_the_default_close(self):
        plan = make_plan()
        opens = datetime.datetime(2021, 12, 5, 10, 0, tzinfo=ZoneInfo("Asia/Amman"))
        window = CommentWindow(
            plan=plan, kind="draft_commitments", title_ar="نافذة", opens_at=opens
        )
        window.full_clean()
        assert window.closes_at == default_closes_at(opens)
        assert window.last_day == datetime.date(2021, 12, 18)
