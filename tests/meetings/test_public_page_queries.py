"""The public minutes page and the minutes PDF read what they show in a fixed number of
queries whatever the size of the meeting (the PDF only what it prints), and the calendar
feed is served from the page cache like every public page."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.pdf import Rendered
from meetings.models import Meeting
from meetings.pdf import minutes_part
from tests.factories import (
    make_commitment,
    make_meeting,
    make_organisation,
    make_outcome,
    make_plan,
    make_published_minutes,
)

pytestmark = pytest.mark.django_db

SIZES = {
    "small": {"attendees": 3, "agenda": 2, "outcomes": 1, "linked": 1},
    "large": {"attendees": 40, "agenda": 12, "outcomes": 9, "linked": 6},
}


def build_meeting(size: str, number: int):
    """Published minutes with attendees (some excused), agenda items with presenters, and
    outcomes with owners, each linked to published commitments: some with an English
    title, some with an Arabic one only; and one unpublished commitment, never linked."""
    counts = SIZES[size]
    plan = make_plan(number=number)
    meeting = make_published_minutes(
        plan=plan, attendees=counts["attendees"], agenda=counts["agenda"]
    )
    linked = [
        make_commitment(
            plan=plan,
            number=n,
            title_ar=f"التزام مرتبط {n}",
            title_en=f"Linked commitment {n}" if n % 2 else "",
        )
        for n in range(1, counts["linked"] + 1)
    ]
    unpublished = make_commitment(plan=plan, title_en="Not published", is_published=False)
    for n in range(1, counts["outcomes"] + 1):
        outcome = make_outcome(
            meeting=meeting, number=n, owner=make_organisation(), due_on=datetime.date(2022, 1, n)
        )
        outcome.commitments.add(*linked, unpublished)
    return meeting, linked


def queries_of(client, url: str) -> tuple:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


def test_minutes_page_queries_do_not_grow(client):
    """Minutes page. Guards the N+1 on each attendee's person and organisation, each agenda
    item's presenter, each outcome's owner, and each related commitment's plan (its link)
    or a column of it left out of the link's query."""
    counts = {}
    for number, size in enumerate(SIZES, start=20):
        meeting, linked = build_meeting(size, number)
        response, sql = queries_of(client, f"/en/meetings/{meeting.pk}/")
        html = response.content.decode()
        assert html.count('class="attendee-name"') == SIZES[size]["attendees"]
        for commitment in linked:
            with translation.override("en"):
                url = commitment.get_absolute_url()
            assert html.count(f'href="{url}"') == SIZES[size]["outcomes"]
        assert "Not published" not in html
        counts[size] = sql
    assert len(counts["large"]) == len(counts["small"]), "\n".join(counts["large"])


def test_related_commitments_show_their_title_in_the_page_language_or_the_other(client):
    meeting, linked = build_meeting("small", 30)
    (commitment,) = linked  # an English title
    commitment.title_en = ""
    commitment.save()
    english = client.get(f"/en/meetings/{meeting.pk}/").content.decode()
    assert f'<span lang="ar" dir="rtl">{commitment.title_ar}</span>' in english
    assert f'href="/en/plans/30/commitments/{commitment.number}/"' in english
    arabic = client.get(f"/ar/meetings/{meeting.pk}/").content.decode()
    assert f'<span dir="rtl">{commitment.title_ar}</span>' in arabic


def fake_pdf(html: str, **_options) -> Rendered:
    return Rendered(pdf=b"%PDF-1.7 stand-in " + str(len(html)).encode(), requested=[], refused=[])


def test_the_minutes_pdf_reads_only_what_it_prints(client, settings, tmp_path):
    """The minutes PDF. Guards the N+1 on what it prints (attendees, presenters, owners),
    and reads neither the related commitments nor the attendance shares it does not print."""
    settings.MEDIA_ROOT = tmp_path
    counts = {}
    with mock.patch("core.pdf.write_pdf_limited", side_effect=fake_pdf):
        for number, size in enumerate(SIZES, start=40):
            meeting, _linked = build_meeting(size, number)
            url = reverse("meetings:minutes_pdf", kwargs={"pk": meeting.pk})
            response, sql = queries_of(client, url)
            assert response["Content-Type"] == "application/pdf"
            assert not any("commitments_commitment" in statement for statement in sql)
            counts[size] = sql
    assert len(counts["large"]) == len(counts["small"]), "\n".join(counts["large"])


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_minutes_print_the_same_from_what_the_pdf_reads(django_assert_num_queries, language):
    meeting, _linked = build_meeting("small", 50)
    with translation.override(language):
        printed = Meeting.objects.public().for_minutes().get(pk=meeting.pk)
        with django_assert_num_queries(0):
            part = minutes_part(printed)
        assert part == minutes_part(Meeting.objects.public().for_detail().get(pk=meeting.pk))
    assert len(part["present"]) == 2 and len(part["absent"]) == 1
    assert len(part["agenda"]) == 2 and len(part["outcomes"]) == 1


def test_the_calendar_feed_is_served_from_the_page_cache(client, django_assert_num_queries):
    plan = make_plan(number=60)
    meeting = make_meeting(
        plan=plan, title_en="Forum meeting", starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    first = client.get("/en/calendar.ics")
    assert "Forum meeting" in first.content.decode()
    with django_assert_num_queries(0):
        second = client.get("/en/calendar.ics")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Disposition"] == first["Content-Disposition"]
    # A change the public sees shows at once.
    meeting.title_en = "Forum meeting in Irbid"
    meeting.save()
    assert "Forum meeting in Irbid" in client.get("/en/calendar.ics").content.decode()
