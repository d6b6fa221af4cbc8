"""Two staff members edit the same meeting at once: the second save is refused with 409
and the real differences, and saving from the conflict page merges (the other's field
kept, one's own saved, a field both changed as chosen)."""

from django.test import TestCase

from core.roles import EDITOR
from meetings.models import Meeting
from tests.factories import make_meeting, make_user
from tests.helpers import two_browsers_edit


class MeetingEditConflictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a, cls.b = make_user(role=EDITOR), make_user(role=EDITOR)
        cls.meeting = make_meeting(title_en="Forum meeting")

    def test_meeting_form(self):
        two_browsers_edit(
            self.client_class,
            url=f"/ar/manage/meetings/{self.meeting.pk}/edit/",
            users=(self.a, self.b),
            reload=lambda: Meeting.objects.get(pk=self.meeting.pk),
            theirs=("title_en", "Multi-Stakeholder Forum, 6th meeting"),
            yours=("place_ar", "وزارة التخطيط"),
            both=("platform", "Zoom", "Teams"),
            choice="mine",
        )
