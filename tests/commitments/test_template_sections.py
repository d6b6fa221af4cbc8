"""Every part of the OGP template, under one heading, wherever a commitment is shown.

The stage-4 gate needs "what has been done so far" and "results expected" in both
languages, the letter to the agency prints them, but the public commitment page (where
citizens comment on the draft) and the final plan PDF (what goes to OGP) left them out, and
headed two other parts with words of their own. The parts and headings now come from
`commitments.models.TEMPLATE_SECTIONS` everywhere."""

import csv
import io
import json
import subprocess

from django.core.cache import cache
from django.test import TestCase
from django.utils import translation

from commitments.models import RELEVANCE_SECTION, TEMPLATE_SECTIONS
from consultations.models import Comment
from plans.models import PdfAudience
from plans.pdf import plan_snapshots, render_snapshot
from tests.factories import make_commitment, make_plan
from tests.helpers import comment_post, make_open_window

TEXTS = {
    "status_quo": ("أطلقت الوزارة بوابة تجريبية عام 2020", "The ministry piloted a portal in 2020"),
    "results": ("نشر العقود كاملة خلال 30 يوما", "Contracts published in full within 30 days"),
    "budget": ("200 ألف دينار", "JOD 200,000"),
}


class TemplateData(TestCase):
    """A commitment with every part filled in (the additional ones too), and one bare."""

    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=7, is_public=True)
        fields = {}
        for name, (arabic, english) in TEXTS.items():
            fields |= {f"{name}_ar": arabic, f"{name}_en": english}
        cls.commitment = make_commitment(
            plan=cls.plan, number=1, problem_en="Contracts are hard to find", **fields
        )
        cls.bare = make_commitment(plan=cls.plan, number=2, problem_en="Another problem")


class TemplateSectionsTests(TemplateData):
    def test_the_public_page_shows_every_part_under_its_heading(self):
        for language, index in (("ar", 0), ("en", 1)):
            html = self.client.get(f"/{language}/plans/7/commitments/1/").text
            with translation.override(language):
                headings = {name: str(heading) for name, heading in TEMPLATE_SECTIONS}
            for name in ("status_quo", "results"):
                with self.subTest(language=language, part=name):
                    self.assertIn(f'<h2 class="template-title">{headings[name]}</h2>', html)
                    self.assertIn(TEXTS[name][index].split()[0], html)
            self.assertIn(TEXTS["budget"][index], html)

    def test_an_optional_part_left_empty_has_no_heading(self):
        html = self.client.get("/en/plans/7/commitments/2/").text
        self.assertIn("Problem addressed", html)
        self.assertNotIn(">Budget<", html)
        self.assertNotIn("What has been done so far", html)  # empty: shown on no page

    def test_the_plan_pdf_prints_every_part_with_the_pages_headings(self):
        snapshot = plan_snapshots(self.plan, audience=PdfAudience.PUBLIC, languages=["en"])["en"]
        printed = snapshot["commitments"][0]["fields"]
        with translation.override("en"):
            expected = [str(h) for _n, h in [*TEMPLATE_SECTIONS[1:], RELEVANCE_SECTION]]
        self.assertEqual([field["label"] for field in printed][: len(expected)], expected)
        self.assertEqual(printed[-1]["label"], "Budget")  # filled in, so printed
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"],
            input=render_snapshot(snapshot).pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for heading in ("What has been done so far", "Results expected"):
            self.assertIn(heading, text)
        self.assertIn("Contracts published in full within 30 days", " ".join(text.split()))


class OpenDataTests(TemplateData):
    """The open data's commitments hold every part of the template too (what OGP and the
    IRM read), each column described with the page's heading."""

    def test_the_commitments_dataset_holds_every_part(self):
        rows = list(csv.DictReader(io.StringIO(self.client.get("/en/data/commitments.csv").text)))
        row = next(row for row in rows if row["commitment_number"] == "1")
        self.assertEqual(row["results_en"], TEXTS["results"][1])
        self.assertEqual(row["status_quo_ar"], TEXTS["status_quo"][0])
        self.assertEqual(row["budget_en"], TEXTS["budget"][1])
        dictionary = json.loads(self.client.get("/en/data/dictionary.json").content)
        described = {
            column["name"]: column["description"]
            for entry in dictionary
            if entry["dataset"] == "commitments"
            for column in entry["columns"]
        }
        self.assertEqual(described["results_en"], "Results expected in English")


class CommentOnEveryPartTests(TestCase):
    """A citizen reads every part of the template on the commitment page, and can say which
    one a comment is about: "results expected" too, not only the five parts offered
    before."""

    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, _second = make_open_window()

    def setUp(self):
        cache.clear()

    def test_the_form_offers_every_part_of_the_template_under_the_pages_headings(self):
        html = self.client.get(self.first.get_absolute_url()).text
        with translation.override("ar"):
            for name, heading in [*TEMPLATE_SECTIONS[1:], RELEVANCE_SECTION]:
                with self.subTest(part=name):
                    self.assertIn(f'<option value="{name}">{heading}</option>', html)

    def test_a_comment_on_the_expected_results_is_stored_with_its_part(self):
        response = self.client.post(
            f"/ar/consultations/{self.window.pk}/comment/",
            comment_post(
                self.window, commitment=str(self.first.pk), part="results", origin="commitment"
            ),
        )
        self.assertEqual(response.status_code, 302)
        comment = Comment.objects.get()
        self.assertEqual((comment.commitment, comment.part), (self.first, "results"))

    def test_a_part_that_is_no_part_of_the_template_is_refused_and_nothing_is_stored(self):
        response = self.client.post(
            f"/ar/consultations/{self.window.pk}/comment/",
            comment_post(self.window, commitment=str(self.first.pk), part="budget_secret"),
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Comment.objects.exists())
