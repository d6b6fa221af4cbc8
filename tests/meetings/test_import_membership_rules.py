"""The members sheet keeps the membership's rules where the model states them: dates in
order (a check constraint) and one seat per body and organisation. The import asks the
model and the database, in the dry run, never a copy of the rule; the message names the
row and the column in the page's language, and nothing of the file is saved."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.roles import EDITOR
from meetings.models import Membership, Person
from tests.factories import (
    make_body,
    make_membership,
    make_organisation,
    make_person,
    make_user,
)
from tests.helpers import FAST

FORUM = "منتدى أصحاب المصلحة المتعددين"


def csv_file(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@FAST
class MembershipRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.body = make_body(name_ar=FORUM)
        cls.ministry = make_organisation(name_ar="وزارة التخطيط والتعاون الدولي")
        cls.himam = make_organisation(name_ar="همم")
        cls.mai = make_person(name_ar="مي عليجات")
        make_membership(body=cls.body, person=cls.mai, organisation=cls.ministry)
        with translation.override("ar"):
            cls.upload_url = reverse("manage:import_upload", kwargs={"kind": "members"})

    def setUp(self):
        self.client.force_login(self.editor)

    def preview(self, rows, language="en"):
        url = f"/{language}" + self.upload_url[3:]
        response = self.client.post(url, {"file": SimpleUploadedFile("s.csv", csv_file(rows))})
        assert response.status_code == 302, response.content[:2000]
        return response["Location"]

    def test_a_known_member_ending_before_starting_is_refused_with_row_and_column(self):
        rows = [
            ["body", "person", "organisation", "starts_on", "ends_on"],
            [FORUM, "مي عليجات", "وزارة التخطيط والتعاون الدولي", "2022-05-01", "2021-01-01"],
        ]
        url = self.preview(rows)
        lines = self.client.get(url).context["preview"].error_lines()
        assert any(
            line.startswith("Row 2, column") and "must not end before it starts" in line
            for line in lines
        ), lines
        response = self.client.post(url, {"action": "confirm"})
        assert response.status_code == 400
        membership = Membership.objects.get(person=self.mai)
        assert (membership.starts_on, membership.ends_on) == (None, None)

    def test_a_new_person_ending_before_starting_is_refused_in_arabic(self):
        rows = [
            ["body", "person", "organisation", "starts_on", "ends_on"],
            [FORUM, "عبير مدانات", "همم", "2022-05-01", "2021-01-01"],
        ]
        url = self.preview(rows, language="ar")
        response = self.client.post(url, {"action": "confirm"})
        assert response.status_code == 400
        self.assertContains(response, "لا يجوز أن تنتهي العضوية قبل تاريخ بدئها", status_code=400)
        assert not Person.objects.filter(name_ar="عبير مدانات").exists()
        assert Membership.objects.count() == 1

    def test_dates_in_order_are_saved(self):
        rows = [
            ["body", "person", "organisation", "starts_on", "ends_on"],
            [FORUM, "مي عليجات", "وزارة التخطيط والتعاون الدولي", "2021-01-01", "2022-05-01"],
            [FORUM, "عبير مدانات", "همم", "2021-01-01", ""],
        ]
        url = self.preview(rows)
        assert self.client.post(url, {"action": "confirm"}).status_code == 302
        assert Membership.objects.count() == 2
