"""Every part of the OGP template, under one heading, wherever a commitment is shown.

The stage-4 gate needs "what has been done so far" and "results expected" in both
languages, the letter to the agency prints them, but the public commitment page (where
citizens comment on the draft) and the final plan PDF (what goes to OGP) left them out, and
headed two other parts with words of their own. The parts and headings now come from
`commitments.models.TEMPLATE_SECTIONS` everywhere."""

import subprocess

from django.test import TestCase
from django.utils import translation

from commitments.models import RELEVANCE_SECTION, TEMPLATE_SECTIONS
from plans.models import PdfAudience
from plans.pdf import plan_snapshots, render_snapshot
from tests.factories import make_commitment, make_plan

TEXTS = {
    "status_quo": ("أطلقت الوزارة بوابة تجريبية عام 2020", "The ministry piloted a portal in 2020"),
    "results": ("نشر العقود كاملة خلال 30 يوما", "Contracts published in full within 30 days"),
    "budget": ("200 ألف دينار", "JOD 200,000"),
}


class TemplateSectionsTests(TestCase):
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
