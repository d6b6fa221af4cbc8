"""Approval letters in the workspace: generate the request letter for the current text,
print it, record the agency's reply with its scan, and see when the approval went stale."""

import datetime
import re
import shutil
import subprocess
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from commitments import services
from commitments.models import ApprovalLetter, Decision
from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from plans.gates import gate_problems
from tests.factories import make_commitment, make_milestone, make_organisation, make_plan, make_user
from tests.helpers import MINIMAL_PDF as PDF

MEDIA = tempfile.mkdtemp(prefix="letters-test-media-")


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"manage:{name}", args=args)


def pdf(name: str = "reply.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class LetterSetup(TestCase):
    """A commitment led by one ministry, its focal point, a focal point of another
    ministry, and one user per staff role."""

    @classmethod
    def setUpTestData(cls):
        cls.lead = make_organisation(name_ar="وزارة الاقتصاد الرقمي", name_en="Digital Economy")
        cls.other = make_organisation(name_ar="وزارة العدل", name_en="Ministry of Justice")
        cls.plan = make_plan(number=5)
        cls.commitment = make_commitment(
            plan=cls.plan,
            number=3,
            lead_institution=cls.lead,
            title_ar="تحسين الوصول إلى المعلومات",
            title_en="Better access to information",
            description_ar="نشر البيانات المفتوحة للجميع",
            description_en="Publish open data for everyone",
            contact_email="private@example.org",
        )
        make_milestone(commitment=cls.commitment, number=1, title_ar="إطلاق البوابة", weight=100)
        cls.coordinator = make_user(role=COORDINATOR)
        cls.editor = make_user(role=EDITOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.lead.focal_points.add(cls.focal_point)
        cls.wrong_focal_point = make_user(role=FOCAL_POINT)
        cls.other.focal_points.add(cls.wrong_focal_point)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.media = override_settings(MEDIA_ROOT=MEDIA)
        cls.media.enable()
        cls.addClassCleanup(cls.media.disable)
        cls.addClassCleanup(shutil.rmtree, MEDIA, ignore_errors=True)

    def send_letter(self, **fields):
        return services.send_approval_request(
            commitment=self.commitment,
            reference=fields.get("reference", "MOP/OGP/2021/15"),
            sent_on=fields.get("sent_on", datetime.date(2021, 12, 1)),
            due_on=fields.get("due_on", datetime.date(2021, 12, 15)),
            by=self.editor,
        )

    def edit_description(self, text: str):
        self.commitment.refresh_from_db()
        return services.update_commitment(
            commitment=self.commitment,
            data={"description_ar": text},
            expected_version=self.commitment.version,
            by=self.editor,
        )


class GenerateLetterTests(LetterSetup):
    def post_data(self, **overrides):
        data = {"reference": "MOP/OGP/2021/15", "sent_on": "2021-12-01", "due_on": ""}
        return data | overrides

    def test_anonymous_is_sent_to_sign_in(self):
        target = url("letter_create", self.commitment.pk)
        for response in (self.client.get(target), self.client.post(target, self.post_data())):
            self.assertRedirects(response, f"{url('login')}?next={target}")
        self.assertFalse(ApprovalLetter.objects.exists())

    def test_forum_member_and_focal_point_may_not_generate(self):
        target = url("letter_create", self.commitment.pk)
        for user in (self.forum_member, self.focal_point):
            self.client.force_login(user)
            self.assertEqual(self.client.get(target).status_code, 403)
            self.assertEqual(self.client.post(target, self.post_data()).status_code, 403)
        self.assertFalse(ApprovalLetter.objects.exists())

    def test_coordinator_opens_the_form_with_a_due_date_two_weeks_ahead(self):
        self.client.force_login(self.coordinator)
        response = self.client.get(url("letter_create", self.commitment.pk))
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(
            form.initial["due_on"] - form.initial["sent_on"], datetime.timedelta(days=14)
        )
        self.assertContains(response, "Digital Economy")

    def test_editor_generates_the_letter_for_the_current_text(self):
        self.client.force_login(self.editor)
        response = self.client.post(url("letter_create", self.commitment.pk), self.post_data())
        letter = ApprovalLetter.objects.get()
        self.assertRedirects(response, url("letter_detail", letter.pk))
        self.assertEqual(letter.organisation, self.lead)
        self.assertEqual(letter.reference, "MOP/OGP/2021/15")
        self.assertEqual(letter.due_on, datetime.date(2021, 12, 15))  # sent + 14 days
        self.assertEqual(letter.decision, Decision.PENDING)
        self.assertEqual(letter.text_snapshot, self.commitment.approved_text())
        self.assertEqual(letter.history.first().history_user, self.editor)

    def test_a_reply_due_before_the_letter_was_sent_is_refused(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            url("letter_create", self.commitment.pk), self.post_data(due_on="2021-11-20")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The reply cannot be due before the letter was sent.")
        self.assertFalse(ApprovalLetter.objects.exists())

    def test_snapshot_and_printed_letter_keep_the_text_sent_after_later_edits(self):
        letter = self.send_letter()
        sent_text = self.commitment.approved_text()
        self.edit_description("نشر البيانات المفتوحة للمواطنين")
        letter.refresh_from_db()
        self.assertEqual(letter.text_snapshot, sent_text)

        self.client.force_login(self.editor)
        with translation.override("ar"):
            target = reverse("manage:letter_print", args=[letter.pk])
        response = self.client.get(target)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "نشر البيانات المفتوحة للجميع")
        self.assertNotContains(response, "للمواطنين")
        self.assertContains(response, "إطلاق البوابة")  # the milestones table
        self.assertContains(response, "MOP/OGP/2021/15")
        self.assertContains(response, 'class="letterhead" dir="rtl"')
        self.assertNotContains(response, "private@example.org")

    def test_english_letter_is_in_english(self):
        letter = self.send_letter()
        self.client.force_login(self.editor)
        response = self.client.get(url("letter_print", letter.pk))
        self.assertContains(response, "Publish open data for everyone")
        self.assertContains(response, "Better access to information")
        self.assertNotContains(response, "نشر البيانات المفتوحة للجميع")


class ReplyTests(LetterSetup):
    def setUp(self):
        self.letter = self.send_letter()

    def reply_data(self, **overrides):
        data = {
            "decision": Decision.APPROVED,
            "received_on": "2021-12-10",
            "notes": "وافقت الوزارة على النص",
            "version": self.letter.version,
            "scan": pdf(),
        }
        return data | overrides

    def assert_unchanged(self):
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.decision, Decision.PENDING)
        self.assertIsNone(self.letter.received_on)
        self.assertFalse(self.letter.scan)
        self.assertEqual(self.letter.version, 1)

    def test_anonymous_is_sent_to_sign_in(self):
        target = url("letter_reply", self.letter.pk)
        for response in (self.client.get(target), self.client.post(target, self.reply_data())):
            self.assertRedirects(response, f"{url('login')}?next={target}")
        self.assert_unchanged()

    def test_forum_member_is_refused(self):
        self.client.force_login(self.forum_member)
        target = url("letter_reply", self.letter.pk)
        self.assertEqual(self.client.get(target).status_code, 403)
        self.assertEqual(self.client.post(target, self.reply_data()).status_code, 403)
        self.assert_unchanged()

    def test_focal_point_of_another_agency_sees_no_such_letter(self):
        self.client.force_login(self.wrong_focal_point)
        target = url("letter_reply", self.letter.pk)
        self.assertEqual(self.client.get(target).status_code, 404)
        self.assertEqual(self.client.post(target, self.reply_data()).status_code, 404)
        self.assert_unchanged()

    def test_focal_point_of_the_lead_agency_records_the_reply(self):
        self.client.force_login(self.focal_point)
        target = url("letter_reply", self.letter.pk)
        self.assertEqual(self.client.get(target).status_code, 200)
        response = self.client.post(target, self.reply_data())
        self.assertRedirects(response, url("letter_detail", self.letter.pk))
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.decision, Decision.APPROVED)
        self.assertEqual(self.letter.received_on, datetime.date(2021, 12, 10))
        self.assertEqual(self.letter.notes, "وافقت الوزارة على النص")
        self.assertTrue(self.letter.scan.name.endswith(".pdf"))
        self.assertEqual(self.letter.history.first().history_user, self.focal_point)
        self.assertEqual(gate_problems(self.plan, 5), [])

    def test_editor_and_coordinator_may_record_the_reply(self):
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(url("letter_reply", self.letter.pk)).status_code, 200)
        self.client.force_login(self.editor)
        response = self.client.post(
            url("letter_reply", self.letter.pk),
            self.reply_data(decision=Decision.CHANGES_REQUESTED, scan=""),
        )
        self.assertEqual(response.status_code, 302)
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.decision, Decision.CHANGES_REQUESTED)
        self.assertEqual(self.letter.history.first().history_user, self.editor)

    def test_a_file_that_is_not_a_pdf_or_image_is_refused(self):
        self.client.force_login(self.focal_point)
        fake = SimpleUploadedFile("reply.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
        response = self.client.post(url("letter_reply", self.letter.pk), self.reply_data(scan=fake))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Only PDF, PNG and JPEG files are accepted")
        self.assert_unchanged()

    def test_a_file_too_big_is_refused(self):
        self.client.force_login(self.focal_point)
        big = pdf(content=PDF + b"0" * (10 * 1024 * 1024))
        response = self.client.post(url("letter_reply", self.letter.pk), self.reply_data(scan=big))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "files may be at most")
        self.assert_unchanged()

    def test_a_reply_before_the_letter_was_sent_is_refused(self):
        self.client.force_login(self.focal_point)
        response = self.client.post(
            url("letter_reply", self.letter.pk), self.reply_data(received_on="2021-11-01")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The reply cannot arrive before the letter was sent.")
        self.assert_unchanged()

    def test_a_reply_saved_meanwhile_shows_the_conflict_page_and_keeps_the_form(self):
        services.record_approval_reply(
            letter=self.letter,
            decision=Decision.DECLINED,
            received_on=datetime.date(2021, 12, 5),
            expected_version=1,
            by=self.editor,
        )
        self.client.force_login(self.focal_point)
        response = self.client.post(
            url("letter_reply", self.letter.pk), self.reply_data(version=1, scan="")
        )
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Someone else saved this page", status_code=409)
        self.assertContains(response, "وافقت الوزارة على النص", status_code=409)
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.decision, Decision.DECLINED)
        self.assertEqual(self.letter.version, 2)

    def test_an_approval_from_an_agency_no_longer_leading_does_not_count_for_stage_5(self):
        self.commitment.refresh_from_db()
        services.update_commitment(
            commitment=self.commitment,
            data={"lead_institution": self.other},
            expected_version=self.commitment.version,
            by=self.editor,
        )
        self.client.force_login(self.focal_point)
        self.client.post(url("letter_reply", self.letter.pk), self.reply_data())
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.decision, Decision.APPROVED)
        problems = gate_problems(self.plan, 5)
        self.assertEqual(len(problems), 1)
        self.assertIn("3", problems[0])

        response = self.client.get(url("letter_detail", self.letter.pk))
        self.assertContains(response, "no longer the commitment's lead institution")


class LetterPageTests(LetterSetup):
    def setUp(self):
        self.letter = self.send_letter()

    def test_roles_on_every_letter_page(self):
        pages = [
            url("letter_detail", self.letter.pk),
            url("letter_print", self.letter.pk),
            url("letter_changes", self.letter.pk),
            url("letter_list", self.commitment.pk),
        ]
        expected = [
            (self.forum_member, 403),
            (self.wrong_focal_point, 404),
            (self.focal_point, 200),
            (self.editor, 200),
            (self.coordinator, 200),
        ]
        for target in pages:
            self.client.logout()
            self.assertRedirects(self.client.get(target), f"{url('login')}?next={target}")
            for user, status in expected:
                with self.subTest(page=target, user=user.groups.get().name):
                    self.client.force_login(user)
                    self.assertEqual(self.client.get(target).status_code, status)

    def test_current_letter_has_no_stale_mark(self):
        self.client.force_login(self.editor)
        response = self.client.get(url("letter_detail", self.letter.pk))
        self.assertNotContains(response, "letter-stale")
        self.assertContains(response, "Awaiting reply")

    def test_after_an_edit_the_letter_is_stale_and_shows_the_changed_words(self):
        self.edit_description("نشر البيانات المفتوحة للمواطنين")
        self.client.force_login(self.focal_point)
        response = self.client.get(url("letter_detail", self.letter.pk))
        self.assertContains(response, "letter-stale")
        self.assertContains(response, "Stale: the commitment's text changed since this letter")
        self.assertContains(response, "Brief description (Arabic)")
        self.assertContains(response, "<del>للجميع</del><ins>للمواطنين</ins>", html=False)

        changes = self.client.get(url("letter_changes", self.letter.pk))
        self.assertContains(changes, "<del>للجميع</del><ins>للمواطنين</ins>", html=False)

    def test_a_changed_milestone_makes_the_letter_stale(self):
        milestone = self.commitment.milestones.get()
        services.save_milestones(
            self.commitment,
            [
                services.MilestoneRow(
                    pk=milestone.pk, data={"title_ar": "إطلاق المنصة", "weight": 100}
                )
            ],
            self.editor,
        )
        self.client.force_login(self.editor)
        response = self.client.get(url("letter_detail", self.letter.pk))
        self.assertContains(response, "letter-stale")
        self.assertContains(response, "<del>البوابة</del><ins>المنصة</ins>", html=False)

    def test_a_pending_letter_past_its_due_date_is_overdue(self):
        self.client.force_login(self.editor)
        response = self.client.get(url("letter_detail", self.letter.pk))
        self.assertContains(response, "Overdue")
        listing = self.client.get(url("letter_list", self.commitment.pk))
        self.assertContains(listing, "Overdue")
        self.assertContains(listing, "MOP/OGP/2021/15")

    def test_the_list_marks_stale_letters(self):
        self.edit_description("نص جديد")
        self.client.force_login(self.editor)
        response = self.client.get(url("letter_list", self.commitment.pk))
        self.assertContains(response, "Stale: the text changed")


class ScanTests(LetterSetup):
    def setUp(self):
        self.letter = self.send_letter()
        self.letter = services.record_approval_reply(
            letter=self.letter,
            decision=Decision.APPROVED,
            received_on=datetime.date(2021, 12, 10),
            expected_version=1,
            by=self.editor,
            scan=pdf(),
        )

    def test_the_scan_is_served_only_to_those_who_may_open_the_letter(self):
        target = url("letter_scan", self.letter.pk)
        self.assertRedirects(self.client.get(target), f"{url('login')}?next={target}")
        for user, status in [(self.forum_member, 403), (self.wrong_focal_point, 404)]:
            self.client.force_login(user)
            self.assertEqual(self.client.get(target).status_code, status)
        for user in (self.focal_point, self.editor):
            self.client.force_login(user)
            response = self.client.get(target)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response["Content-Type"], "application/pdf")
            self.assertEqual(b"".join(response.streaming_content), PDF)
            self.assertIn("no-store", response["Cache-Control"])

    def test_pages_link_the_checked_view_never_the_media_url(self):
        self.client.force_login(self.editor)
        response = self.client.get(url("letter_detail", self.letter.pk))
        self.assertContains(response, url("letter_scan", self.letter.pk))
        self.assertNotContains(response, self.letter.scan.url)

    def test_a_letter_without_scan_has_none_to_serve(self):
        other = self.send_letter(reference="MOP/OGP/2021/16")
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(url("letter_scan", other.pk)).status_code, 404)


class LetterPdfTests(TestCase):
    """The request letter as a PDF: the text the letter keeps, in the page's language."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role="editor")
        cls.commitment = make_commitment(title_ar="تعزيز الشفافية في الموازنة")
        make_milestone(commitment=cls.commitment, number=1, title_ar="نشر الموازنة", weight=100)
        cls.letter = services.send_approval_request(
            commitment=cls.commitment,
            reference="MOP/2021/4471",
            sent_on=datetime.date(2021, 11, 28),
            due_on=datetime.date(2021, 12, 12),
            by=cls.editor,
        )
        cls.sent_title = cls.commitment.title_en
        cls.commitment.title_ar = "عنوان معدل بعد الإرسال"
        cls.commitment.title_en = "Edited after sending"
        cls.commitment.save()

    def test_pdf_holds_the_text_sent_not_the_edited_one(self):
        if not shutil.which("pdftotext"):
            pytest.skip("poppler-utils is not installed (.ci/run installs it)")
        self.client.force_login(self.editor)
        response = self.client.get(reverse("manage:letter_pdf", args=[self.letter.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        # Extraction splits Arabic words at ligatures and adds direction marks: compare
        # without spaces and marks.
        squeezed = re.sub(r"[\s\u200e\u200f\u202a-\u202e]", "", text)
        assert "MOP/2021/4471" in squeezed
        assert self.sent_title.replace(" ", "") in squeezed
        assert "Editedaftersending" not in squeezed
        assert "عنوانمعدل" not in squeezed

    def test_a_forum_member_gets_no_pdf(self):
        self.client.force_login(make_user(role="forum_member"))
        response = self.client.get(reverse("manage:letter_pdf", args=[self.letter.pk]))
        assert response.status_code == 403
