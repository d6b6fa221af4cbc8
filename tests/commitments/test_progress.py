"""Focal points report their milestones' progress; the figures follow on the public site.

Views: `manage:my_commitments`, `manage:milestone_progress`, `manage:progress_evidence`.
"""

import datetime
import functools
import shutil
import tempfile
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from commitments.models import Milestone, ProgressReport
from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from core.uploads import validate_document
from tests.factories import make_commitment, make_milestone, make_organisation, make_plan, make_user

PDF = b"%PDF-1.4\n%evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
MEDIA = tempfile.mkdtemp(prefix="progress-media-")


def url(name, **kwargs):
    return reverse(f"manage:{name}", kwargs=kwargs)


def report_data(**fields):
    data = {
        "status": "in_progress",
        "progress_percent": "40",
        "narrative": "أنجزنا مسودة الدليل",
        "evidence_url": "",
    }
    data.update(fields)
    return data


@override_settings(MEDIA_ROOT=MEDIA)
class ProgressTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=5)
        cls.agency = make_organisation(name_ar="هيئة النزاهة ومكافحة الفساد", acronym="JIACC")
        cls.other_agency = make_organisation(name_ar="وزارة الشباب")
        cls.commitment = make_commitment(plan=cls.plan, lead_institution=cls.agency, number=1)
        cls.milestone = make_milestone(commitment=cls.commitment, number=1, weight=50)
        cls.second = make_milestone(commitment=cls.commitment, number=2, weight=50)
        cls.other_commitment = make_commitment(
            plan=cls.plan, lead_institution=cls.other_agency, number=2
        )
        cls.other_milestone = make_milestone(commitment=cls.other_commitment, number=1)
        cls.focal_point = make_user(role=FOCAL_POINT, is_staff=True)
        cls.agency.focal_points.add(cls.focal_point)
        cls.users = {
            role: make_user(role=role, is_staff=True)
            for role in (COORDINATOR, EDITOR, FORUM_MEMBER)
        }
        cls.users[FOCAL_POINT] = cls.focal_point

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def sign_in(self, role):
        self.client.force_login(self.users[role])


class MyCommitmentsTests(ProgressTestCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(url("my_commitments"))
        assert response.status_code == 302
        assert response["Location"].startswith(url("login"))

    def test_a_forum_member_is_refused(self):
        self.sign_in(FORUM_MEMBER)
        assert self.client.get(url("my_commitments")).status_code == 403

    def test_a_focal_point_sees_only_their_agencys_commitments(self):
        self.sign_in(FOCAL_POINT)
        response = self.client.get(url("my_commitments"))
        assert response.status_code == 200
        assert [c.pk for c in response.context["commitments"]] == [self.commitment.pk]
        html = response.content.decode()
        assert url("milestone_progress", pk=self.milestone.pk) in html
        assert url("milestone_progress", pk=self.other_milestone.pk) not in html

    def test_unit_staff_see_every_commitment(self):
        for role in (EDITOR, COORDINATOR):
            with self.subTest(role):
                self.sign_in(role)
                response = self.client.get(url("my_commitments"))
                assert len(response.context["commitments"]) == 2

    def test_an_unfinished_milestone_past_its_end_is_marked(self):
        long_ago = {"starts_on": datetime.date(2019, 1, 1), "ends_on": datetime.date(2020, 1, 1)}
        Milestone.objects.filter(pk=self.milestone.pk).update(**long_ago)
        Milestone.objects.filter(pk=self.second.pk).update(**long_ago, status="completed")
        self.sign_in(FOCAL_POINT)
        response = self.client.get(url("my_commitments"))
        rows = response.context["commitments"][0].milestone_rows
        assert [m.is_past_due for m in rows] == [True, False]
        assert response.content.decode().count('class="past-due"') == 1

    def test_the_query_count_does_not_grow_with_commitments(self):
        """Guards the N+1 of reading each commitment's milestones, plan and lead institution."""
        self.sign_in(EDITOR)
        self.client.get(url("my_commitments"))  # warm the session and permission caches
        with self.assertNumQueries(7) as small:
            self.client.get(url("my_commitments"))
        for number in range(3, 6):
            commitment = make_commitment(plan=make_plan(), number=number)
            make_milestone(commitment=commitment)
            make_milestone(commitment=commitment)
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(url("my_commitments"))
        assert len(response.context["commitments"]) == 5


class MilestoneProgressTests(ProgressTestCase):
    def post(self, milestone=None, **fields):
        milestone = milestone or self.milestone
        return self.client.post(url("milestone_progress", pk=milestone.pk), report_data(**fields))

    def test_anonymous_is_sent_to_sign_in_and_nothing_is_saved(self):
        response = self.post()
        assert response.status_code == 302
        assert response["Location"].startswith(url("login"))
        assert not ProgressReport.objects.exists()

    def test_a_forum_member_is_refused_and_nothing_is_saved(self):
        self.sign_in(FORUM_MEMBER)
        assert self.client.get(url("milestone_progress", pk=self.milestone.pk)).status_code == 403
        assert self.post().status_code == 403
        assert not ProgressReport.objects.exists()
        self.milestone.refresh_from_db()
        assert (self.milestone.status, self.milestone.version) == ("not_started", 1)

    def test_a_focal_point_gets_404_on_another_agencys_milestone(self):
        self.sign_in(FOCAL_POINT)
        page = url("milestone_progress", pk=self.other_milestone.pk)
        assert self.client.get(page).status_code == 404
        assert self.post(self.other_milestone).status_code == 404
        assert not ProgressReport.objects.exists()

    def test_the_form_opens_on_the_milestones_current_figures(self):
        Milestone.objects.filter(pk=self.milestone.pk).update(
            status="in_progress", progress_percent=30
        )
        self.sign_in(FOCAL_POINT)
        response = self.client.get(url("milestone_progress", pk=self.milestone.pk))
        assert response.status_code == 200
        assert response.context["form"].initial == {"status": "in_progress", "progress_percent": 30}

    def test_a_focal_point_reports_and_the_milestone_follows(self):
        self.sign_in(FOCAL_POINT)
        response = self.post()
        assert response.status_code == 302
        assert response["Location"] == f"{url('my_commitments')}#commitment-{self.commitment.pk}"
        report = ProgressReport.objects.get()
        assert (report.reported_by, report.progress_percent) == (self.focal_point, 40)
        self.milestone.refresh_from_db()
        assert (self.milestone.status, self.milestone.progress_percent) == ("in_progress", 40)
        assert self.milestone.version == 2
        assert self.milestone.history.latest().history_user == self.focal_point
        self.commitment.refresh_from_db()
        assert self.commitment.progress == 20  # half the weight, 40% done

    def test_unit_staff_may_report_too(self):
        for role in (EDITOR, COORDINATOR):
            with self.subTest(role):
                self.sign_in(role)
                assert self.post(self.other_milestone).status_code == 302
        assert ProgressReport.objects.filter(milestone=self.other_milestone).count() == 2

    def test_earlier_reports_show_who_and_when(self):
        self.sign_in(FOCAL_POINT)
        self.post(progress_percent="10", narrative="البداية")
        self.post(progress_percent="60", narrative="منتصف الطريق")
        response = self.client.get(url("milestone_progress", pk=self.milestone.pk))
        reports = list(response.context["reports"])
        assert [r.progress_percent for r in reports] == [60, 10]
        html = response.content.decode()
        assert self.focal_point.username in html
        assert "منتصف الطريق" in html

    def test_completed_counts_one_hundred(self):
        self.sign_in(FOCAL_POINT)
        self.post(status="completed", progress_percent="70")
        self.milestone.refresh_from_db()
        assert self.milestone.progress_percent == 100

    def assert_refused(self, response, message):
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not ProgressReport.objects.exists()
        self.milestone.refresh_from_db()
        assert (self.milestone.progress_percent, self.milestone.version) == (0, 1)

    def test_a_percent_over_one_hundred_is_refused(self):
        self.sign_in(FOCAL_POINT)
        path = url("milestone_progress", pk=self.milestone.pk).replace("/ar/", "/en/")
        response = self.client.post(path, report_data(progress_percent="150"))
        self.assert_refused(response, "between 0 and 100")

    def test_a_negative_percent_is_refused(self):
        self.sign_in(FOCAL_POINT)
        self.assert_refused(self.post(progress_percent="-5"), "progress_percent")

    def test_a_report_without_a_narrative_is_refused(self):
        self.sign_in(FOCAL_POINT)
        self.assert_refused(self.post(narrative=""), "narrative")

    def test_a_file_of_the_wrong_kind_is_refused(self):
        self.sign_in(FOCAL_POINT)
        fake = SimpleUploadedFile("evidence.pdf", b"MZ not a pdf", content_type="application/pdf")
        path = url("milestone_progress", pk=self.milestone.pk).replace("/ar/", "/en/")
        response = self.client.post(path, {**report_data(), "evidence_file": fake})
        self.assert_refused(response, "Only PDF, PNG and JPEG files are accepted")

    def test_a_file_too_big_is_refused(self):
        self.sign_in(FOCAL_POINT)
        big = SimpleUploadedFile("evidence.pdf", PDF + b"0" * 2048, content_type="application/pdf")
        path = url("milestone_progress", pk=self.milestone.pk).replace("/ar/", "/en/")
        small_limit = functools.partial(validate_document, max_bytes=1024)
        with mock.patch("commitments.progress_forms.validate_document", small_limit):
            response = self.client.post(path, {**report_data(), "evidence_file": big})
        self.assert_refused(response, "files may be at most")

    def test_the_page_is_in_arabic_by_default(self):
        self.sign_in(FOCAL_POINT)
        html = self.client.get(url("milestone_progress", pk=self.milestone.pk)).content.decode()
        assert 'lang="ar" dir="rtl"' in html
        assert 'enctype="multipart/form-data"' in html


class EvidenceTests(ProgressTestCase):
    def upload(self):
        self.sign_in(FOCAL_POINT)
        evidence = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
        self.client.post(
            url("milestone_progress", pk=self.milestone.pk),
            {**report_data(), "evidence_file": evidence},
        )
        return ProgressReport.objects.get()

    def test_a_focal_point_downloads_their_evidence(self):
        report = self.upload()
        assert report.evidence_file.name.endswith(".pdf")
        response = self.client.get(url("progress_evidence", pk=report.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF

    def test_the_report_links_the_private_view_not_the_file(self):
        report = self.upload()
        html = self.client.get(url("milestone_progress", pk=self.milestone.pk)).content.decode()
        assert url("progress_evidence", pk=report.pk) in html
        assert report.evidence_file.url not in html

    def test_another_agencys_focal_point_gets_404(self):
        report = self.upload()
        stranger = make_user(role=FOCAL_POINT, is_staff=True)
        self.other_agency.focal_points.add(stranger)
        self.client.force_login(stranger)
        assert self.client.get(url("progress_evidence", pk=report.pk)).status_code == 404

    def test_a_forum_member_is_refused_and_anonymous_sent_to_sign_in(self):
        report = self.upload()
        self.sign_in(FORUM_MEMBER)
        assert self.client.get(url("progress_evidence", pk=report.pk)).status_code == 403
        self.client.logout()
        assert self.client.get(url("progress_evidence", pk=report.pk)).status_code == 302

    def test_unit_staff_download_any_evidence(self):
        report = self.upload()
        self.sign_in(EDITOR)
        assert self.client.get(url("progress_evidence", pk=report.pk)).status_code == 200

    def test_a_png_is_accepted(self):
        self.sign_in(FOCAL_POINT)
        image = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
        response = self.client.post(
            url("milestone_progress", pk=self.milestone.pk),
            {**report_data(), "evidence_file": image},
        )
        assert response.status_code == 302
        report = ProgressReport.objects.get()
        assert (
            self.client.get(url("progress_evidence", pk=report.pk))["Content-Type"] == "image/png"
        )


class PublicFigureTests(ProgressTestCase):
    def test_the_public_plan_page_shows_the_new_achievement_rate(self):
        before = self.client.get("/ar/plans/5/")
        assert before.context["achievement"] == 0
        self.sign_in(FOCAL_POINT)
        self.client.post(
            url("milestone_progress", pk=self.milestone.pk), report_data(status="completed")
        )
        self.client.logout()
        after = self.client.get("/ar/plans/5/")
        # Commitment 1: one of two equal milestones done (50%); commitment 2: 0% -> mean 25%.
        assert after.context["achievement"] == 25
        assert 'value="25' in after.content.decode()
