"""Every kind of public page answers HEAD as it answers GET (200), with headers and no body:
link checkers, crawlers and proxies probe pages and downloads with HEAD. PDF rendering is a
stand-in here; rendering itself is tested elsewhere."""

from unittest import mock

from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.pdf import Rendered
from meetings.models import MinutesState
from tests.factories import make_comment, make_meeting, make_plan
from tests.helpers import make_open_window

FAKE_PDF = b"%PDF-1.7 stand-in " + b"x" * 500


class PublicHeadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=7)
        cls.window, cls.commitment, _ = make_open_window(plan=cls.plan)
        cls.comment = make_comment(window=cls.window)
        cls.meeting = make_meeting(
            minutes_state=MinutesState.PUBLISHED, minutes_published_at=timezone.now()
        )

    def setUp(self):
        cache.clear()
        for target, value in (
            ("plans.tasks.render_snapshot", Rendered(pdf=FAKE_PDF, requested=[], refused=[])),
            # The minutes and report PDFs are stored once rendered (core.pdf.stored_pdf).
            ("core.pdf.write_pdf_limited", Rendered(pdf=FAKE_PDF, requested=[], refused=[])),
        ):
            patcher = mock.patch(target, return_value=value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def urls(self):
        window, meeting = self.window.pk, self.meeting.pk
        return [
            reverse("home"),
            self.commitment.get_absolute_url(),
            reverse("meetings:detail", args=[meeting]),
            reverse("meetings:minutes_pdf", args=[meeting]),
            reverse("meetings:body_detail", args=[self.meeting.body.pk]),
            reverse("public:calendar"),
            reverse("consultations:detail", args=[window]),
            reverse("consultations:report", args=[window]),
            reverse("consultations:report_csv", args=[window]),
            reverse("consultations:report_xlsx", args=[window]),
            reverse("consultations:report_pdf", args=[window]),
            reverse("consultations:receipt", args=[self.comment.submission_token]),
            reverse("consultations:moderation_policy"),
            reverse("plans:draft_pdf", args=[self.plan.number, "ar"]),
        ]

    def test_every_public_page_kind_answers_head_with_200_and_no_body(self):
        for url in self.urls():
            with self.subTest(url=url):
                response = self.client.head(url)
                self.assertEqual(response.status_code, 200)
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                self.assertEqual(body, b"")


class PlanPdfCountryTests(TestCase):
    """Plan numbers are unique per country only: the public downloads serve this country's."""

    def test_another_countrys_plan_of_the_same_number_is_not_served(self):
        make_plan(number=9, country_code="TN")
        self.assertEqual(self.client.head("/en/plans/9/draft/ar.pdf").status_code, 404)
        self.assertEqual(self.client.head("/en/plans/9/final/1/ar.pdf").status_code, 404)
