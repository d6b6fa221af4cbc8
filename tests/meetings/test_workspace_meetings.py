"""The meetings workspace: list, create, edit (no lost edits), attendance, agenda (cleaned
rich text), outcomes, attachments, and the minutes steps, per role."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from meetings.models import AgendaItem, Attachment, Attendance, Meeting, MinutesState, Mode
from plans.models import Document
from tests.factories import (
    make_agenda_item,
    make_attendance,
    make_body,
    make_meeting,
    make_membership,
    make_organisation,
    make_person,
    make_plan,
    make_user,
)
from tests.helpers import FAST


def meeting_data(body, **overrides) -> dict:
    data = {
        "body": body.pk,
        "plan": "",
        "title_ar": "اجتماع الفريق الوطني",
        "title_en": "National team meeting",
        "starts_at": "2021-11-25T11:00",
        "ends_at": "2021-11-25T12:30",
        "mode": Mode.REMOTE,
        "place_ar": "",
        "place_en": "",
        "platform": "Webex",
    }
    return data | overrides


def formset_data(prefix: str, rows: list[dict], initial: int = 0, version: int = 1) -> dict:
    """A rows page of a meeting as posted, opened on the meeting's `version`."""
    data = {
        "version": str(version),
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


@FAST
class RoleTests(TestCase):
    """Who may open and change what: anonymous → sign-in; forum member and focal point
    read or are refused; editor edits; refused POSTs change nothing."""

    @classmethod
    def setUpTestData(cls):
        cls.users = {
            role: make_user(role=role) for role in (COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER)
        }
        cls.meeting = make_meeting(title_ar="اجتماع أول")

    def test_anonymous_goes_to_sign_in(self):
        for name, kwargs in [
            ("manage:meeting_list", {}),
            ("manage:meeting_create", {}),
            ("manage:meeting_detail", {"pk": self.meeting.pk}),
            ("manage:meeting_edit", {"pk": self.meeting.pk}),
        ]:
            url = reverse(name, kwargs=kwargs)
            with self.subTest(name):
                self.assertRedirects(self.client.get(url), f"{reverse('manage:login')}?next={url}")

    def test_list_and_detail_readable_by_forum_members_not_focal_points(self):
        expected = {COORDINATOR: 200, EDITOR: 200, FORUM_MEMBER: 200, FOCAL_POINT: 403}
        for role, status in expected.items():
            self.client.force_login(self.users[role])
            with self.subTest(role):
                assert self.client.get(reverse("manage:meeting_list")).status_code == status
                detail = reverse("manage:meeting_detail", kwargs={"pk": self.meeting.pk})
                assert self.client.get(detail).status_code == status

    def test_forum_member_cannot_edit_anything(self):
        self.client.force_login(self.users[FORUM_MEMBER])
        pk = self.meeting.pk
        posts = [
            ("manage:meeting_create", {}, meeting_data(self.meeting.body)),
            ("manage:meeting_edit", {"pk": pk}, {"title_ar": "تغيير", "version": 1}),
            ("manage:meeting_minutes_step", {"pk": pk}, {"step": "circulated"}),
            ("manage:meeting_attendance", {"pk": pk}, {}),
            ("manage:meeting_agenda", {"pk": pk}, {}),
            ("manage:meeting_outcomes", {"pk": pk}, {}),
            ("manage:meeting_paste_attendees", {"pk": pk}, {"preview": "1", "text": "x/y"}),
            ("manage:meeting_attachment_add", {"pk": pk}, {}),
        ]
        for name, kwargs, data in posts:
            with self.subTest(name):
                assert self.client.post(reverse(name, kwargs=kwargs), data).status_code == 403
        meeting = Meeting.objects.get(pk=pk)
        assert (meeting.title_ar, meeting.version) == ("اجتماع أول", 1)
        assert meeting.minutes_state == MinutesState.DRAFT
        assert Meeting.objects.count() == 1

    def test_editor_cannot_publish(self):
        meeting = make_meeting(minutes_state=MinutesState.APPROVED)
        self.client.force_login(self.users[EDITOR])
        url = reverse("manage:meeting_minutes_step", kwargs={"pk": meeting.pk})
        assert self.client.post(url, {"step": "published"}).status_code == 403
        assert Meeting.objects.get(pk=meeting.pk).minutes_state == MinutesState.APPROVED
        assert not Document.objects.exists()


@FAST
class MeetingFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.body = make_body()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_editor_creates_a_meeting(self):
        response = self.client.post(reverse("manage:meeting_create"), meeting_data(self.body))
        meeting = Meeting.objects.get()
        self.assertRedirects(response, reverse("manage:meeting_detail", kwargs={"pk": meeting.pk}))
        assert meeting.minutes_state == MinutesState.DRAFT
        assert meeting.history.first().history_user == self.editor

    def test_remote_meeting_without_platform_is_explained_and_not_saved(self):
        response = self.client.post(
            "/en" + reverse("manage:meeting_create")[3:], meeting_data(self.body, platform="")
        )
        self.assertContains(response, "A remote or hybrid meeting needs its online platform.")
        assert not Meeting.objects.exists()

    def test_edit_opened_on_an_old_version_gets_the_conflict_page(self):
        meeting = make_meeting(body=self.body, title_ar="قديم")
        Meeting.objects.filter(pk=meeting.pk).update(title_ar="حفظه زميل", version=2)
        url = reverse("manage:meeting_edit", kwargs={"pk": meeting.pk})
        response = self.client.post(url, meeting_data(self.body, title_ar="نصي", version=1))
        assert response.status_code == 409
        self.assertContains(response, "نصي", status_code=409)
        assert Meeting.objects.get(pk=meeting.pk).title_ar == "حفظه زميل"

    def test_published_meeting_cannot_be_edited(self):
        meeting = make_meeting(
            body=self.body,
            minutes_state=MinutesState.PUBLISHED,
            minutes_published_at=datetime.datetime(2021, 12, 2, tzinfo=datetime.UTC),
        )
        url = reverse("manage:meeting_edit", kwargs={"pk": meeting.pk})
        data = meeting_data(self.body, title_ar="تعديل صامت", version=meeting.version)
        response = self.client.post("/en" + url[3:], data)
        self.assertContains(response, "These minutes are published")
        assert Meeting.objects.get(pk=meeting.pk).title_ar == meeting.title_ar
        response = self.client.get(reverse("manage:meeting_agenda", kwargs={"pk": meeting.pk}))
        self.assertRedirects(response, reverse("manage:meeting_detail", kwargs={"pk": meeting.pk}))


@FAST
class RowsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)

    def setUp(self):
        self.client.force_login(self.editor)
        self.meeting = make_meeting()

    def test_agenda_text_is_cleaned_of_scripts_and_event_handlers(self):
        url = reverse("manage:meeting_agenda", kwargs={"pk": self.meeting.pk})
        discussion = (
            "<p>نص <strong>مهم</strong></p><script>alert(1)</script>"
            '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">رابط</a>'
            '<a href="https://ogp.example.jo/">موقع</a>'
        )
        rows = [{"number": "1", "title_ar": "بند", "discussion_ar": discussion}]
        response = self.client.post(url, formset_data("agenda_items", rows))
        assert response.status_code == 302
        item = AgendaItem.objects.get()
        assert "<script" not in item.discussion_ar and "alert(1)" not in item.discussion_ar
        assert "onerror" not in item.discussion_ar and "javascript:" not in item.discussion_ar
        assert "<strong>مهم</strong>" in item.discussion_ar
        assert 'href="https://ogp.example.jo/"' in item.discussion_ar
        assert item.history.first().history_user == self.editor

    def test_the_same_person_twice_in_a_meeting_is_refused(self):
        person, organisation = make_person(), make_organisation()
        make_membership(body=self.meeting.body, person=person, organisation=organisation)
        url = reverse("manage:meeting_attendance", kwargs={"pk": self.meeting.pk})
        row = {
            "order": "1",
            "person": person.pk,
            "organisation": organisation.pk,
            "role": "member",
            "status": "present",
        }
        response = self.client.post("/en" + url[3:], formset_data("attendances", [row, row]))
        assert response.status_code == 200
        self.assertContains(response, "Nothing was saved")
        self.assertContains(response, "duplicate")
        assert not Attendance.objects.exists()

    def test_attachment_of_the_wrong_type_is_refused(self):
        item = make_agenda_item(meeting=self.meeting)
        url = reverse("manage:meeting_attachment_add", kwargs={"pk": self.meeting.pk})
        fake = SimpleUploadedFile("slides.pptx", b"not a zip", content_type="application/zip")
        response = self.client.post(
            "/en" + url[3:],
            {"agenda_item": item.pk, "title": "Slides", "file": fake},
            follow=True,
        )
        self.assertContains(response, "not a real PowerPoint or Word document")
        exe = SimpleUploadedFile("slides.pdf", b"MZ\x90\x00", content_type="application/pdf")
        self.client.post(url, {"agenda_item": item.pk, "title": "Slides", "file": exe})
        assert not Attachment.objects.exists()

    def test_attachment_is_private_and_downloaded_through_a_checked_view(self):
        item = make_agenda_item(meeting=self.meeting)
        url = reverse("manage:meeting_attachment_add", kwargs={"pk": self.meeting.pk})
        pdf = SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides", content_type="application/pdf")
        with self.settings(PRIVATE_MEDIA_ROOT=self._tmp()):
            self.client.post(url, {"agenda_item": item.pk, "title": "Slides", "file": pdf})
            attachment = Attachment.objects.get()
            download = reverse("manage:meeting_attachment", kwargs={"pk": attachment.pk})
            response = self.client.get(download)
            assert b"".join(response.streaming_content) == b"%PDF-1.4 slides"
            self.client.logout()
            assert self.client.get(download).status_code == 302
            self.client.force_login(make_user(role=FOCAL_POINT))
            assert self.client.get(download).status_code == 403

    def _tmp(self):
        import tempfile

        directory = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, directory)
        return directory


@FAST
class MinutesStepViewTests(TestCase):
    def test_coordinator_takes_the_minutes_to_the_public_site_in_order(self):
        coordinator = make_user(role=COORDINATOR)
        meeting = make_meeting(plan=make_plan())
        make_attendance(meeting=meeting)
        self.client.force_login(coordinator)
        url = reverse("manage:meeting_minutes_step", kwargs={"pk": meeting.pk})
        response = self.client.post("/en" + url[3:], {"step": "published"}, follow=True)
        self.assertContains(response, "in that order")
        assert Meeting.objects.get(pk=meeting.pk).minutes_state == MinutesState.DRAFT
        public = reverse("meetings:detail", kwargs={"pk": meeting.pk})
        assert self.client.get(public).status_code == 404
        for step in ("circulated", "approved", "published"):
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(url, {"step": step})
        assert Meeting.objects.get(pk=meeting.pk).minutes_state == MinutesState.PUBLISHED
        assert self.client.get(public).status_code == 200
        document = Document.objects.get()
        assert document.url.endswith(public)
        document.file.delete()
