"""Members' written remarks on circulated minutes: a forum member signs in and sends them
(plain text, linked to the account); the staff see them on the meeting page with who and
when; outside the circulation period they are refused."""

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.roles import EDITOR, FOCAL_POINT, FORUM_MEMBER
from meetings.models import Meeting, Remark
from tests.factories import make_attendance, make_meeting, make_user
from tests.helpers import FAST


@FAST
class RemarkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = make_user(role=FORUM_MEMBER, first_name="Abeer", last_name="Madanat")
        cls.editor = make_user(role=EDITOR)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.meeting = make_meeting(minutes_state="circulated", minutes_circulated_at=timezone.now())
        make_attendance(meeting=cls.meeting)

    def url(self, meeting=None):
        return f"/en/manage/meetings/{(meeting or self.meeting).pk}/remarks/"

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url(), {"body": "ملاحظة"})
        assert response.status_code == 302 and "/manage/login/" in response["Location"]
        assert not Remark.objects.exists()

    def test_focal_point_is_refused(self):
        self.client.force_login(self.focal_point)
        assert self.client.post(self.url(), {"body": "ملاحظة"}).status_code == 403
        assert not Remark.objects.exists()

    def test_member_sends_remarks_and_staff_see_who_and_when(self):
        self.client.force_login(self.member)
        page = self.client.get(reverse("manage:meeting_detail", args=[self.meeting.pk]))
        self.assertContains(page, reverse("manage:meeting_remarks", args=[self.meeting.pk]))
        response = self.client.post(self.url(), {"body": "  نقترح إعادة صياغة الالتزام الثالث  "})
        self.assertRedirects(response, reverse("manage:meeting_remarks", args=[self.meeting.pk]))
        remark = Remark.objects.get()
        assert remark.author == self.member
        assert remark.body == "نقترح إعادة صياغة الالتزام الثالث"
        self.assertContains(self.client.get(self.url()), "نقترح إعادة صياغة")

        self.client.force_login(self.editor)
        page = self.client.get(f"/en/manage/meetings/{self.meeting.pk}/")
        self.assertContains(page, "Members' remarks")
        self.assertContains(page, "Abeer Madanat, on")
        self.assertContains(page, "نقترح إعادة صياغة")

    def test_a_member_does_not_see_other_members_remarks_or_edit_the_meeting(self):
        other = make_user(role=FORUM_MEMBER)
        Remark.objects.create(meeting=self.meeting, author=other, body="سرّي")
        self.client.force_login(self.member)
        self.assertNotContains(self.client.get(self.url()), "سرّي")
        self.assertNotContains(
            self.client.get(reverse("manage:meeting_detail", args=[self.meeting.pk])), "سرّي"
        )
        title = self.meeting.title_ar
        edit = reverse("manage:meeting_edit", args=[self.meeting.pk])
        assert self.client.post(edit, {"title_ar": "تغيير"}).status_code == 403
        assert Meeting.objects.get(pk=self.meeting.pk).title_ar == title

    def test_empty_remarks_are_refused_with_a_message(self):
        self.client.force_login(self.member)
        response = self.client.post(self.url(), {"body": "   "})
        self.assertContains(response, "This field is required")
        assert not Remark.objects.exists()

    def test_remarks_outside_the_circulation_are_refused(self):
        draft = make_meeting()
        self.client.force_login(self.member)
        response = self.client.post(self.url(draft), {"body": "متأخر"})
        self.assertContains(response, "while the minutes are circulated")
        assert not Remark.objects.exists()
