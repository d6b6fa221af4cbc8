"""A plan PDF whose render fails (its time or memory limit, text nested too deeply) is
recorded: the public reads "not available" in their language (a 404, never the 503 "being
made" page that reloads for ever), staff read the reason on the document page and the
download, and a new edit (or "Make the PDFs again" for a published version) tries again.
The renderer is a stand-in here; the limits themselves are tested in test_pdf.py and
tests/meetings/test_bounded_pdf.py."""

from unittest import mock

from django.test import TestCase
from django.urls import reverse

from core.pdf import Rendered, RenderFailed, RenderTimeout
from core.roles import EDITOR, FOCAL_POINT
from plans.models import PdfAudience, PlanPdf, PlanPublication
from tests.factories import make_plan, make_plan_publication, make_user
from tests.helpers import FAST

STAND_IN_PDF = b"%PDF-1.7 stand-in " + b"x" * 500


def too_deep(snapshot):
    raise RenderFailed("RecursionError('maximum recursion depth exceeded')", "too_deep")


def rendered(snapshot):
    return Rendered(pdf=STAND_IN_PDF, requested=[], refused=[])


def renderer(side_effect):
    return mock.patch("plans.tasks.render_snapshot", side_effect=side_effect)


@FAST
class FailedDraftTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=7, country_code="JO")
        cls.editor = make_user(role=EDITOR)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.outsider = make_user()
        cls.public_url = "/en/plans/7/draft/en.pdf"
        cls.staff_url = "/en" + reverse("manage:plan_pdf", args=[7, "en"])[3:]

    def test_public_reads_not_available_and_no_render_runs_again(self):
        with renderer(too_deep) as render:
            first = self.client.get(self.public_url)
            again = self.client.get(self.public_url)
        assert render.call_count == 1
        for response in (first, again):
            self.assertContains(response, "This PDF is not available", status_code=404)
            self.assertNotContains(response, "being prepared", status_code=404)
            self.assertNotContains(response, "nested too deeply", status_code=404)
            assert "Retry-After" not in response
        failed = PlanPdf.objects.get(plan=self.plan, audience=PdfAudience.PUBLIC, language="en")
        assert failed.failure == "too_deep" and failed.failed_at is not None
        assert not failed.file

    def test_public_reads_not_available_in_arabic(self):
        with renderer(too_deep):
            response = self.client.get("/ar/plans/7/draft/ar.pdf")
        self.assertContains(response, "ملف PDF هذا غير متاح", status_code=404)

    def test_plan_page_shows_no_size_for_a_failed_draft(self):
        with renderer(too_deep):
            self.client.get(self.public_url)
        page = self.client.get("/en/plans/7/")
        self.assertContains(page, "/en/plans/7/draft/en.pdf")
        self.assertNotContains(page, "0\xa0bytes")

    def test_anonymous_and_wrong_roles_get_no_staff_draft(self):
        with renderer(too_deep) as render:
            response = self.client.get(self.staff_url)
            assert response.status_code == 302
            assert reverse("manage:login") in response["Location"]
            for user in (self.outsider, self.focal_point):
                self.client.force_login(user)
                with self.subTest(user.username):
                    assert self.client.get(self.staff_url).status_code == 403
        render.assert_not_called()

    def test_staff_read_the_reason_on_the_download_and_the_document_page(self):
        self.client.force_login(self.editor)
        with renderer(too_deep):
            response = self.client.get(self.staff_url)
        self.assertContains(response, "This PDF is not available", status_code=404)
        self.assertContains(response, "nested too deeply to print", status_code=404)
        self.assertContains(response, "next edited", status_code=404)
        page = self.client.get("/en" + reverse("manage:plan_document", args=[7])[3:])
        self.assertContains(page, "Not available: the last attempt")
        self.assertContains(page, "nested too deeply to print")

    def test_a_new_edit_tries_again_and_the_pdf_is_then_served(self):
        with renderer(too_deep):
            self.client.get(self.public_url)
        with renderer(rendered) as render, self.captureOnCommitCallbacks(execute=True):
            self.plan.title_en = "Fifth national action plan, revised"
            self.plan.save()
        assert render.call_count == 1
        stored = PlanPdf.objects.get(plan=self.plan, audience=PdfAudience.PUBLIC, language="en")
        assert stored.failure == "" and stored.failed_at is None
        with renderer(rendered) as render:
            response = self.client.get(self.public_url)
        render.assert_not_called()
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == STAND_IN_PDF

    def test_an_edit_that_prints_the_same_also_retries_a_timeout(self):
        with renderer(RenderTimeout("The PDF was not ready after 120 seconds.")):
            self.client.get(self.public_url)
        with renderer(rendered) as render, self.captureOnCommitCallbacks(execute=True):
            self.plan.save()
        assert render.call_count == 1
        assert PlanPdf.objects.get(plan=self.plan, language="en").file


@FAST
class FailedPublicationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=8, country_code="JO")
        cls.editor = make_user(role=EDITOR)
        cls.publication = make_plan_publication(plan=cls.plan, language="en")
        cls.public_url = "/en/plans/8/final/1/en.pdf"
        cls.staff_url = "/en" + reverse("manage:plan_publication_pdf", args=[8, 1, "en"])[3:]

    def render_publication(self, side_effect):
        from plans import tasks

        with renderer(side_effect):
            return tasks.render_publication_pdf.call(self.publication.pk)

    def test_a_failed_version_is_not_available_to_the_public_not_being_made(self):
        assert self.render_publication(RenderTimeout("slow")) == 0
        response = self.client.get(self.public_url)
        self.assertContains(response, "This PDF is not available", status_code=404)
        assert "Retry-After" not in response
        self.assertNotContains(response, "took longer than allowed", status_code=404)

    def test_staff_read_why_and_make_it_again(self):
        self.render_publication(RenderTimeout("slow"))
        self.client.force_login(self.editor)
        response = self.client.get(self.staff_url)
        self.assertContains(response, "took longer than allowed", status_code=404)
        page = self.client.get("/en" + reverse("manage:plan_document", args=[8])[3:])
        self.assertContains(page, "not available. Making the PDF took longer than allowed")
        with renderer(rendered), self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("manage:plan_pdf_regenerate", args=[8]))
        publication = PlanPublication.objects.get(pk=self.publication.pk)
        assert publication.file and publication.failure == ""
        assert self.client.get(self.staff_url).status_code == 200
