"""Downloading the plan document: the public plan page's links (with sizes), the public
draft and final PDFs, and the workspace's document page, staff draft, publishing and
regenerating, for each role. Rendering itself is tested in test_pdf.py; here it is a
stand-in PDF so that the views are tested quickly."""

from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from plans.models import Document, PdfAudience, PlanPdf, PlanPublication, PlanStatus
from tests.factories import build_plan, make_user
from tests.helpers import FAKE_PDF, fake_render


class PdfViewTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = build_plan(number=5)
        cls.coordinator = make_user(role=COORDINATOR)
        cls.editor = make_user(role=EDITOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.outsider = make_user()

    def setUp(self):
        patcher = mock.patch("plans.tasks.render_snapshot", side_effect=fake_render)
        self.render = patcher.start()
        self.addCleanup(patcher.stop)

    def publish(self):
        self.client.force_login(self.coordinator)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("manage:plan_publish", args=[5]))


class PublicDownloadTests(PdfViewTestCase):
    def test_public_draft_pdf_is_served_and_stored(self):
        response = self.client.get("/en/plans/5/draft/ar.pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("action-plan-5-draft-ar.pdf", response["Content-Disposition"])
        self.assertTrue(b"".join(response.streaming_content).startswith(b"%PDF"))
        self.assertTrue(PlanPdf.objects.filter(audience=PdfAudience.PUBLIC).exists())

    def test_plan_not_public_or_unknown_language_answers_not_found(self):
        self.assertEqual(self.client.get("/en/plans/5/draft/fr.pdf").status_code, 404)
        self.plan.is_public = False
        self.plan.save()
        self.assertEqual(self.client.get("/en/plans/5/draft/ar.pdf").status_code, 404)
        self.assertEqual(self.client.get("/en/plans/5/final/1/ar.pdf").status_code, 404)

    def test_a_pdf_still_rendering_answers_503_with_retry_after(self):
        with mock.patch("plans.tasks.render_draft_pdf"):
            response = self.client.get("/en/plans/5/draft/en.pdf")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "15")
        self.assertContains(response, "The PDF is being prepared", status_code=503)

    def test_plan_page_links_the_draft_then_the_final_version_with_its_size(self):
        page = self.client.get("/en/plans/5/")
        self.assertContains(page, "Draft plan in English")
        self.assertContains(page, reverse("plans:draft_pdf", args=[5, "en"]))

        self.publish()
        self.client.logout()
        page = self.client.get("/en/plans/5/")
        self.assertContains(page, "Final plan in Arabic (version <bdi>1</bdi>)", html=False)
        size = PlanPublication.objects.get(language="en").size
        self.assertContains(page, f"PDF, <bdi>{size / 1024:.1f}\xa0KB</bdi>", html=False)
        response = self.client.get(reverse("plans:final_pdf", args=[5, 1, "en"]))
        self.assertEqual(
            b"".join(response.streaming_content), FAKE_PDF + b"Fifth national action plan"
        )

    def test_plan_page_queries_do_not_grow_with_published_versions(self):
        """The plan page reads the versions and sizes in one query, and the drafts' in
        another (no query per version or per language)."""
        self.publish()
        self.client.logout()
        with self.assertNumQueries(8):  # the home page's, and the document links' two
            self.client.get("/en/plans/5/")
        self.publish()
        self.publish()
        self.client.logout()
        with self.assertNumQueries(8):
            response = self.client.get("/en/plans/5/")
        self.assertContains(response, "(version <bdi>3</bdi>)", html=False)


class WorkspaceDocumentTests(PdfViewTestCase):
    def url(self, name, *args):
        return reverse(f"manage:{name}", args=[5, *args])

    def test_anonymous_goes_to_sign_in_and_outsider_is_refused(self):
        for url in [self.url("plan_document"), self.url("plan_pdf", "ar")]:
            response = self.client.get(url)
            self.assertRedirects(
                response, f"{reverse('manage:login')}?next={url}", fetch_redirect_response=False
            )
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url("plan_document")).status_code, 403)

    def test_document_page_shows_sections_gaps_and_download_links(self):
        self.client.force_login(self.editor)
        self.client.get(self.url("plan_pdf", "en"))  # renders and stores the staff draft
        response = self.client.get("/en/manage/plans/5/document/")
        self.assertContains(response, "The co-creation process")
        self.assertContains(response, self.url("plan_pdf", "ar"))
        size = PlanPdf.objects.get(audience=PdfAudience.STAFF, language="en").size
        self.assertContains(response, f"PDF, <bdi>{size / 1024:.1f}\xa0KB</bdi>", html=False)
        self.assertContains(response, "Only the unit coordinator publishes the final plan.")

    def test_staff_draft_for_readers_of_every_commitment_not_for_agency_focal_points(self):
        self.client.force_login(self.forum_member)
        self.assertEqual(self.client.get(self.url("plan_pdf", "ar")).status_code, 200)
        self.client.force_login(self.focal_point)
        self.assertEqual(self.client.get(self.url("plan_pdf", "ar")).status_code, 403)
        self.assertFalse(PlanPdf.objects.filter(language="ar").exclude(audience="staff").exists())

    def test_only_the_coordinator_publishes(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.post(self.url("plan_publish")).status_code, 403)
        self.assertFalse(PlanPublication.objects.exists())

        response = self.publish()
        self.assertRedirects(response, self.url("plan_document"))
        self.assertEqual(
            sorted(PlanPublication.objects.values_list("number", "language")),
            [(1, "ar"), (1, "en")],
        )
        self.assertTrue(all(p.file and p.size for p in PlanPublication.objects.all()))
        # Filed in the public document repository, one entry per language.
        documents = Document.objects.filter(plan=self.plan, kind="final_plan", is_public=True)
        self.assertEqual(
            sorted(documents.values_list("language", "url")),
            [("ar", "/ar/plans/5/final/1/ar.pdf"), ("en", "/en/plans/5/final/1/en.pdf")],
        )
        self.assertEqual(
            documents.get(language="en").title_en, "Fifth national action plan, final version 1"
        )
        page = self.client.get("/en/manage/plans/5/document/")
        self.assertContains(page, "Version <bdi>1</bdi>, published on", html=False)
        self.assertContains(page, self.url("plan_publication_pdf", 1, "en"))

    def test_publishing_with_gaps_is_refused_with_the_list(self):
        self.plan.introduction_en = ""
        self.plan.status = PlanStatus.CONSULTATION
        self.plan.save()
        self.client.force_login(self.coordinator)
        response = self.client.post("/en/manage/plans/5/document/publish/")
        self.assertContains(response, "The final plan was not published", status_code=400)
        self.assertContains(response, "“introduction (English)” is empty.", status_code=400)
        self.assertContains(response, "must reach the “Final” status", status_code=400)
        self.assertFalse(PlanPublication.objects.exists())

    def test_regenerate_drops_the_cached_drafts_for_editors_only(self):
        self.client.force_login(self.editor)
        self.client.get(self.url("plan_pdf", "en"))
        self.assertEqual(PlanPdf.objects.count(), 1)

        self.client.force_login(self.forum_member)
        self.assertEqual(self.client.post(self.url("plan_pdf_regenerate")).status_code, 403)
        self.assertEqual(PlanPdf.objects.count(), 1)

        self.client.force_login(self.editor)
        response = self.client.post(self.url("plan_pdf_regenerate"))
        self.assertRedirects(response, self.url("plan_document"))
        self.assertEqual(PlanPdf.objects.count(), 0)
        self.client.get(self.url("plan_pdf", "en"))
        self.assertEqual(self.render.call_count, 2)


class DocumentPageQueryCountTests(PdfViewTestCase):
    def test_document_page_queries_do_not_grow_with_commitments(self):
        """The plan document page: the gap check reads commitments with their milestones,
        institutions and letters in one query each (N+1 on each commitment's milestones and
        letters), and the published versions in one."""
        from tests.factories import make_commitment, make_milestone

        self.client.force_login(self.coordinator)
        url = self.url_of("plan_document")
        self.publish()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        expected = len(small)
        self.assertGreater(expected, 10)
        for number in range(3, 13):
            commitment = make_commitment(plan=self.plan, number=number)
            make_milestone(commitment=commitment)
        self.publish()
        with self.assertNumQueries(expected):
            response = self.client.get(url)
        self.assertContains(response, "Commitment 12 is missing:")

    def url_of(self, name):
        return reverse(f"manage:{name}", args=[5])
