"""Input received off the site (workshop, letter, phone, social media): its channel, the
event or source with its date and place, and who took it down are recorded and shown as
such, never as the words of the staff member who typed it; the next one is quicker to
type (the source is offered again)."""

import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from consultations.models import Comment, ModerationState
from tests.factories import make_user
from tests.helpers import make_open_window


class OfflineInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.commitment, _ = make_open_window()
        cls.editor = make_user(role="editor", first_name="Staff", last_name="Typist")
        cls.url = reverse("manage:consultation_comment_log", args=[cls.window.pk])

    def post(self, **fields):
        page = self.client.get(self.url)
        data = {
            "token": page.context["form"]["token"].value(),
            "received_at": timezone.localtime(
                self.window.opens_at + datetime.timedelta(hours=2)
            ).strftime("%Y-%m-%dT%H:%M"),
            "channel": "workshop",
            "part": "general",
            "body": "نقترح نشر محاضر المجالس البلدية",
            "source_event": "ورشة الشباب في إربد",
            "source_date": "2026-05-03",
            "source_place": "إربد",
            "taken_down_by": "هدى، مقررة الورشة",
        }
        data.update(fields)
        return self.client.post(self.url, data)

    def test_a_workshop_comment_is_credited_to_its_source(self):
        self.client.force_login(self.editor)
        assert self.post().status_code == 302
        comment = Comment.objects.get(window=self.window)
        assert comment.channel == "workshop" and comment.is_offline
        assert comment.source_event == "ورشة الشباب في إربد"
        assert comment.source_date == datetime.date(2026, 5, 3)
        assert comment.taken_down_by == "هدى، مقررة الورشة"
        assert comment.logged_by == self.editor
        assert comment.author_name == ""  # never the typing staff member's name
        page = self.client.get(
            "/en" + reverse("manage:consultation_comment", args=[comment.pk])[3:]
        ).content.decode()
        assert "ورشة الشباب في إربد" in page and "taken down by" in page

    def test_phone_and_social_media_channels_and_the_source_offered_again(self):
        self.client.force_login(self.editor)
        assert self.post(channel="phone", source_event="Hotline").status_code == 302
        form = self.client.get(self.url).context["form"]
        assert form["channel"].value() == "phone"
        assert form["source_event"].value() == "Hotline"
        assert self.post(channel="social", body="Instagram comment").status_code == 302
        assert set(Comment.objects.values_list("channel", flat=True)) == {"phone", "social"}
        assert set(Comment.objects.values_list("state", flat=True)) == {ModerationState.PENDING}

    def test_roles(self):
        assert self.client.get(self.url).status_code == 302
        self.client.force_login(make_user(role="focal_point"))
        assert self.client.get(self.url).status_code == 403
        response = self.client.post(self.url, {"channel": "workshop", "body": "x"})
        assert response.status_code == 403
        assert not Comment.objects.exists()
