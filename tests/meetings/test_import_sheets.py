"""Members and attendance as spreadsheets through the workspace import (upload → dry-run
preview → confirm): people matched by name and organisation with Arabic spelling folded,
a namesake asked about, a bad row saving nothing of the file, exports."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from core.roles import EDITOR, FORUM_MEMBER
from meetings.models import Attendance, Membership, Person
from tests.factories import (
    make_attendance,
    make_body,
    make_meeting,
    make_membership,
    make_organisation,
    make_person,
    make_user,
)
from tests.helpers import FAST


def csv_file(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@FAST
class SheetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.body = make_body(name_ar="منتدى أصحاب المصلحة المتعددين")
        cls.ministry = make_organisation(name_ar="وزارة التخطيط والتعاون الدولي")
        cls.himam = make_organisation(name_ar="همم")
        cls.mai = make_person(name_ar="مي عليجات")
        make_membership(body=cls.body, person=cls.mai, organisation=cls.ministry)

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, kind, rows):
        url = "/en" + reverse("manage:import_upload", kwargs={"kind": kind})[3:]
        response = self.client.post(url, {"file": SimpleUploadedFile("s.csv", csv_file(rows))})
        assert response.status_code == 302, response.content[:2000]
        return response["Location"]

    def test_members_preview_then_confirm(self):
        rows = [
            ["body", "person", "organisation", "role", "starts_on"],
            [
                "منتدى أصحاب المصلحة المتعددين",
                "مى عليجات",
                "وزارة التخطيط والتعاون الدولى",
                "adviser",
                "2021-09-01",
            ],
            ["منتدى أصحاب المصلحة المتعددين", "عبير مدانات", "همم", "member", ""],
        ]
        url = self.upload("members", rows)
        preview = self.client.get(url)
        actions = [row.action for row in preview.context["preview"].rows]
        assert actions == ["update", "create"]
        assert Membership.objects.count() == 1  # a dry run: nothing saved yet
        response = self.client.post(url, {"action": "confirm"})
        assert response.status_code == 302
        assert Membership.objects.get(person=self.mai).role == "adviser"
        assert Membership.objects.get(person__name_ar="عبير مدانات").organisation == self.himam

    def test_a_namesake_at_another_organisation_is_asked_about(self):
        rows = [
            ["body", "person", "organisation"],
            ["منتدى أصحاب المصلحة المتعددين", "مي عليجات", "همم"],
        ]
        url = self.upload("members", rows)
        response = self.client.post(url, {"action": "confirm"})
        assert response.status_code == 400
        self.assertContains(response, "already recorded", status_code=400)
        self.assertContains(response, f"ids: {self.mai.pk}", status_code=400)
        assert Membership.objects.count() == 1
        rows[0].append("person id")
        rows[1].append("new")
        url = self.upload("members", rows)
        assert self.client.post(url, {"action": "confirm"}).status_code == 302
        assert Person.objects.filter(name_ar="مي عليجات").count() == 2

    def test_attendance_file_with_a_bad_row_saves_nothing(self):
        meeting = make_meeting(body=self.body)
        rows = [
            ["meeting", "person", "organisation", "status"],
            [meeting.pk, "مي عليجات", "وزارة التخطيط والتعاون الدولي", "present"],
            [meeting.pk, "عبير مدانات", "جهة غير معروفة", "present"],
        ]
        url = self.upload("attendance", rows)
        response = self.client.post(url, {"action": "confirm"})
        assert response.status_code == 400
        self.assertContains(response, "is not one known organisation", status_code=400)
        assert not Attendance.objects.exists()
        rows[2][2] = "همم"
        url = self.upload("attendance", rows)
        assert self.client.post(url, {"action": "confirm"}).status_code == 302
        people = list(meeting.attendances.values_list("person__name_ar", flat=True))
        assert people == ["مي عليجات", "عبير مدانات"]

    def test_attendance_export(self):
        make_attendance(person=self.mai, organisation=self.ministry)
        url = reverse("manage:export", kwargs={"kind": "attendance"}) + "?format=csv"
        response = self.client.get(url)
        assert response.status_code == 200
        assert "مي عليجات" in response.content.decode("utf-8")

    def test_forum_member_may_not_import(self):
        self.client.force_login(make_user(role=FORUM_MEMBER))
        url = reverse("manage:import_upload", kwargs={"kind": "members"})
        assert self.client.get(url).status_code == 403
