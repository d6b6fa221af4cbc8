"""The public minutes page and PDF: only published minutes, agenda text made inert, and a
fixed number of queries whatever the number of attendees."""

import subprocess

from django.test import TestCase
from django.urls import reverse

from core.roles import EDITOR
from meetings.models import AgendaItem, MinutesState
from tests.factories import (
    MINUTES_PUBLISHED_AT,
    make_agenda_item,
    make_attendance,
    make_meeting,
    make_outcome,
    make_plan,
    make_published_meeting,
    make_user,
)
from tests.helpers import FAST

HOSTILE = (
    '<p>BEFORE</p><script>alert("x1")</script><img src="x" onerror="alert(2)">'
    '<a href="javascript:alert(3)">رابط</a><p>AFTER</p>'
)


def build_meeting(attendees: int, **fields):
    fields.setdefault("minutes_published_at", MINUTES_PUBLISHED_AT)
    meeting = make_published_meeting(plan=make_plan(), **fields)
    for order in range(attendees):
        make_attendance(meeting=meeting, order=order)
    for number in (1, 2, 3):
        make_agenda_item(meeting=meeting, number=number)
    for number in (1, 2):
        make_outcome(meeting=meeting, number=number)
    return meeting


class VisibilityTests(TestCase):
    def test_minutes_not_yet_published_are_not_public(self):
        for state in (MinutesState.DRAFT, MinutesState.CIRCULATED, MinutesState.APPROVED):
            meeting = make_meeting(minutes_state=state)
            make_attendance(meeting=meeting)
            with self.subTest(state):
                page = reverse("meetings:detail", kwargs={"pk": meeting.pk})
                pdf = reverse("meetings:minutes_pdf", kwargs={"pk": meeting.pk})
                assert self.client.get(page).status_code == 404
                assert self.client.get(pdf).status_code == 404

    def test_agenda_script_is_inert_on_the_page_and_in_the_pdf(self):
        meeting = build_meeting(1)
        # Even text that bypassed the form (the admin, an import) is cleaned when shown.
        AgendaItem.objects.filter(meeting=meeting, number=1).update(discussion_ar=HOSTILE)
        response = self.client.get(reverse("meetings:detail", kwargs={"pk": meeting.pk}))
        html = response.content.decode()
        assert "BEFORE" in html and "AFTER" in html
        assert 'alert("x1")' not in html and "onerror" not in html
        assert "javascript:" not in html
        response = self.client.get(reverse("meetings:minutes_pdf", kwargs={"pk": meeting.pk}))
        assert response["Content-Type"] == "application/pdf"
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "BEFORE" in text and "AFTER" in text
        assert "alert" not in text


@FAST
class QueryCountTests(TestCase):
    def test_public_minutes_page_queries_do_not_grow_with_attendees(self):
        """Guards the N+1 of the public minutes page: a query per attendee's person or
        organisation, per agenda item's presenter, per outcome's owner or commitments."""
        for attendees in (5, 50):
            meeting = build_meeting(attendees)
            url = reverse("meetings:detail", kwargs={"pk": meeting.pk})
            # The fifth query: the plan's closed consultations, linked with their reports.
            with self.subTest(attendees=attendees), self.assertNumQueries(6):
                response = self.client.get(url)
            assert response.status_code == 200

    def test_workspace_meeting_list_and_page_queries_do_not_grow(self):
        """Guards the N+1 of the workspace meetings list (body, plan, attendee count per
        meeting) and of a meeting's page (attendees, agenda items and their attachments,
        members' remarks with their authors)."""
        editor = make_user(role=EDITOR)
        self.client.force_login(editor)
        list_url = reverse("manage:meeting_list")
        for attendees in (5, 50):
            meeting = build_meeting(attendees, minutes_state=MinutesState.DRAFT)
            page_url = reverse("manage:meeting_detail", kwargs={"pk": meeting.pk})
            with self.subTest(attendees=attendees):
                with self.assertNumQueries(6):
                    self.client.get(list_url)
                with self.assertNumQueries(14):
                    self.client.get(page_url)
