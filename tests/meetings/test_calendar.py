"""`/<lang>/calendar.ics`: upcoming meetings of public plans and public comment windows as
an iCalendar feed, read back here with a strict parser of the RFC 5545 rules calendar apps
rely on (CRLF, folding at 75 octets, escaping, UID/DTSTAMP/DTSTART)."""

import datetime
import re

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from consultations.models import Audience
from public.calendar import escape_text, fold
from tests.factories import make_body, make_meeting, make_plan, make_window

NOW = timezone.now()
DAY = datetime.timedelta(days=1)
TEXT_PROPERTIES = {"SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME"}


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            assert char not in ",;", f"unescaped {char!r} in {value!r}"
            out.append(char)
    return "".join(out)


def parse(body: bytes) -> list[dict]:
    """The events of a feed as {property: value}; fails on any line the RFC forbids."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert "\n" not in line and "\r" not in line, line
        assert len(line.encode()) <= 75, f"{len(line.encode())} octets: {line}"
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in logical and any(line.startswith("PRODID:") for line in logical)
    events, current = [], None
    for line in logical[1:-1]:
        name_part, value = line.split(":", 1)
        name = name_part.split(";")[0]
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
                assert required in current, f"{required} missing"
            events.append(current)
            current = None
        elif current is not None:
            assert name not in current, f"{name} twice"
            if name in {"DTSTART", "DTEND", "DTSTAMP"}:
                assert re.fullmatch(r"\d{8}T\d{6}Z", value), value
            current[name] = unescape(value) if name in TEXT_PROPERTIES else value
            if name == "SUMMARY":
                current["SUMMARY-LANGUAGE"] = name_part.split("LANGUAGE=")[1]
        elif name in TEXT_PROPERTIES:
            unescape(value)
    return events


class FoldingTests(TestCase):
    def test_long_arabic_lines_fold_between_characters_at_75_octets(self):
        line = "SUMMARY:" + "اجتماع الفريق الوطني، " * 20
        folded = fold(line)
        physical = folded.split("\r\n")
        assert len(physical) > 1
        assert all(len(part.encode()) <= 75 for part in physical)
        assert all(part.startswith(" ") for part in physical[1:])
        assert "".join([physical[0], *(part[1:] for part in physical[1:])]) == line

    def test_text_escapes_backslash_comma_semicolon_and_newlines(self):
        assert escape_text("a\\b, c; d\ne\r\nf") == "a\\\\b\\, c\\; d\\ne\\nf"


class CalendarFeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan()
        cls.body = make_body(name_ar="الفريق الوطني", name_en="National team")
        cls.meeting = make_meeting(
            body=cls.body,
            plan=cls.plan,
            title_ar="اجتماع الفريق الوطني الثالث، لمراجعة الالتزامات; والتعليقات",
            title_en="Third meeting, to review the commitments; and the comments",
            starts_at=NOW + 3 * DAY,
            ends_at=NOW + 3 * DAY + datetime.timedelta(hours=2),
            place_ar="عمّان، وزارة التخطيط",
        )
        cls.past_meeting = make_meeting(
            plan=cls.plan, title_ar="اجتماع سابق", starts_at=NOW - 30 * DAY
        )
        cls.hidden_plan_meeting = make_meeting(
            plan=make_plan(is_public=False), title_ar="اجتماع خطة غير منشورة", starts_at=NOW + DAY
        )
        cls.window = make_window(
            plan=cls.plan,
            title_ar="التعليق على المسودة",
            title_en="Comment on the draft",
            description_ar="السطر الأول\nالسطر الثاني، مع فاصلة",
            opens_at=NOW - DAY,
        )
        cls.members_window = make_window(
            plan=cls.plan, title_ar="ملاحظات الأعضاء", audience=Audience.FORUM, opens_at=NOW
        )
        cls.closed_window = make_window(
            plan=cls.plan, title_ar="نافذة مغلقة", opens_at=NOW - 40 * DAY
        )

    def feed(self, language="ar"):
        response = self.client.get(f"/{language}/calendar.ics")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        return parse(response.content)

    def test_url_is_under_each_language(self):
        assert reverse("public:calendar") in ("/ar/calendar.ics", "/en/calendar.ics")

    def test_only_public_upcoming_things_are_listed(self):
        summaries = [event["SUMMARY"] for event in self.feed()]
        assert summaries == [self.window.title_ar, self.meeting.title_ar]

    def test_arabic_text_survives_escaping_and_folding(self):
        window, meeting = self.feed()
        assert meeting["SUMMARY-LANGUAGE"] == "ar"
        assert meeting["LOCATION"] == "عمّان، وزارة التخطيط"
        assert meeting["UID"] == f"meeting-{self.meeting.pk}@testserver"
        assert window["DESCRIPTION"] == "السطر الأول\nالسطر الثاني، مع فاصلة"
        assert meeting["URL"].endswith(f"/ar/bodies/{self.body.pk}/")
        assert window["URL"].endswith(f"/ar/consultations/{self.window.pk}/")

    def test_times_are_utc_and_english_feed_has_english_titles(self):
        window, meeting = self.feed("en")
        assert meeting["SUMMARY"] == "Third meeting, to review the commitments; and the comments"
        assert meeting["SUMMARY-LANGUAGE"] == "en"
        utc = datetime.UTC
        assert meeting["DTSTART"] == self.meeting.starts_at.astimezone(utc).strftime(
            "%Y%m%dT%H%M%SZ"
        )
        assert window["DTEND"] == self.window.closes_at.astimezone(utc).strftime("%Y%m%dT%H%M%SZ")

    def test_public_meeting_pages_link_the_feed(self):
        response = self.client.get("/en/meetings/")
        self.assertContains(response, 'href="/en/calendar.ics"')


class CalendarQueryTests(TestCase):
    def fill(self, count: int) -> None:
        plan = make_plan()
        body = make_body()
        for index in range(count):
            make_meeting(body=body, plan=plan, starts_at=NOW + (index + 1) * DAY)
            make_window(plan=plan, opens_at=NOW + index * DAY)

    def test_query_count_does_not_grow_with_events(self):
        """Guards an N+1 on each meeting's body and plan and each window's plan."""
        for count in (5, 50):
            with self.subTest(count=count):
                self.fill(count - (5 if count == 50 else 0))
                with self.assertNumQueries(2):
                    response = self.client.get("/ar/calendar.ics")
                assert response.content.count(b"BEGIN:VEVENT") == 2 * count
