"""Dates and dates with a time are typed the same way in every form (core.forms): the
browser's picker, an ISO value whatever the page's language, left to right; a date and time
is read in Amman time. And the comment admin shows every stored fact of a comment."""

import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from core.forms import DATE_WIDGET, DATETIME_WIDGET, LocalDateTimeField
from tests.factories import make_comment, make_milestone, make_user
from tests.helpers import make_open_window

AMMAN = datetime.timezone(datetime.timedelta(hours=3))


def test_a_date_and_time_is_read_in_amman_time_typed_or_picked():
    field = LocalDateTimeField()
    for typed in ("2026-03-01T10:00", "2026-03-01 10:00", "2026-03-01 10:00:00"):
        moment = field.clean(typed)
        assert moment == datetime.datetime(2026, 3, 1, 7, 0, tzinfo=datetime.UTC), typed
        assert moment.utcoffset() == AMMAN.utcoffset(None)


def test_the_pickers_carry_iso_values_left_to_right_in_arabic():
    with translation.override("ar"):
        date = DATE_WIDGET.render("day", datetime.date(2026, 3, 1))
        moment = DATETIME_WIDGET.render(
            "moment", datetime.datetime(2026, 3, 1, 10, 0, tzinfo=AMMAN)
        )
    assert 'type="date"' in date and 'value="2026-03-01"' in date and 'dir="ltr"' in date
    assert 'type="datetime-local"' in moment and 'value="2026-03-01T10:00"' in moment
    assert 'dir="ltr"' in moment


def test_a_bad_date_and_time_is_refused_with_a_message():
    field = LocalDateTimeField()
    with translation.override("ar"):
        try:
            field.clean("غدا")
        except Exception as error:  # noqa: BLE001
            message = " ".join(error.messages)
        else:
            raise AssertionError("accepted")
    assert message and "Enter a valid" not in message


class CommentAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)
        window, first, _second = make_open_window()
        milestone = first.milestones.first() or make_milestone(commitment=first, number=1)
        cls.comment = make_comment(
            window=window,
            commitment=first,
            milestone=milestone,
            part="milestones",
            body="Call me on 0790000000 about milestone one.",
            redacted_body="Call me on [removed] about milestone one.",
            show_name=True,
            author_name="Rana",
            published_at=timezone.now(),
            state="published",
        )

    def test_the_comment_admin_shows_every_stored_fact(self):
        self.client.force_login(self.superuser)
        url = reverse("admin:consultations_comment_change", args=[self.comment.pk])
        page = self.client.get(url).content.decode()
        for name in ("milestone", "redacted_body", "show_name", "group", "moderated_by"):
            assert f"field-{name}" in page, name
        assert "Call me on [removed] about milestone one." in page
