"""The commitments in OGP's own columns: open data in English with an Arabic twin, in the
data dictionary; the workspace import reads the same file, and a file exported and imported
unchanged changes nothing."""

import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from commitments.models import Commitment, Completion, IRMAssessment
from commitments.ogp import COLUMN_NAMES
from core.roles import EDITOR
from tests.factories import make_commitment, make_organisation, make_plan, make_user

OGP_HEADERS = [
    "Commitment Unique Identifier",
    "Country/Locality",
    "Region",
    "Theme",
    "Year Of Submission",
    "Action Plan Number",
    "Commitment Number",
    "Title",
    "Short Title",
    "Full Text",
    "Lead Institution",
    "Supporting Institution(s)",
    "URL",
    "Access to Information",
    "Civic Participation",
    "Public Accountability",
    "Technology & Innovation for Transparency & Accountability",
    "Verifiability",
    "Potential Impact",
    "Completion",
    "Did It Open Government?",
]


class OGPDatasetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=5, country_code="JO")
        agency = make_organisation(name_ar="وزارة الشباب", name_en="Ministry of Youth")
        cls.commitment = make_commitment(
            plan=cls.plan,
            number=1,
            ogp_id="JO0064",
            lead_institution=agency,
            title_ar="الشفافية في العقود",
            title_en="Open contracting",
            short_title_en="Contracts",
            description_ar="نشر العقود",
            description_en="Publish the contracts",
            transparency=True,
        )
        make_commitment(plan=cls.plan, number=2, ogp_id="JO0065", lead_institution=agency)
        IRMAssessment.objects.create(commitment=cls.commitment, completion=Completion.LIMITED)
        cls.editor = make_user(role=EDITOR)

    def test_english_and_arabic_files_in_ogp_columns(self):
        self.assertEqual(COLUMN_NAMES, OGP_HEADERS)
        english = self.client.get("/en/data/ogp_commitments.csv").content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(english)))
        self.assertEqual(list(rows[0]), OGP_HEADERS)
        self.assertEqual(rows[0]["Commitment Unique Identifier"], "JO0064")
        self.assertEqual(rows[0]["Country/Locality"], "Jordan")
        self.assertEqual(rows[0]["Access to Information"], "Yes")
        self.assertEqual(rows[0]["Completion"], "Limited")
        self.assertEqual(rows[0]["Lead Institution"], "Ministry of Youth")
        arabic = json.loads(self.client.get("/ar/data/ogp_commitments_ar.json").content)
        self.assertEqual(arabic[0]["Title"], "الشفافية في العقود")
        self.assertEqual(arabic[0]["Lead Institution"], "وزارة الشباب")
        dictionary = json.loads(self.client.get("/en/data/dictionary.json").content)
        described = {d["dataset"]: [c["name"] for c in d["columns"]] for d in dictionary}
        self.assertEqual(described["ogp_commitments"], OGP_HEADERS)
        self.assertEqual(described["ogp_commitments_ar"], OGP_HEADERS)

    def test_round_trip_changes_nothing(self):
        before = list(Commitment.objects.order_by("pk").values())
        exported = self.client.get("/en/data/ogp_commitments.xlsx").content
        self.client.force_login(self.editor)
        response = self.client.post(
            "/en/manage/imports/ogp_commitments/",
            {"plan": self.plan.pk, "file": SimpleUploadedFile("ogp.xlsx", exported)},
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        preview = self.client.get(response["Location"])
        self.assertEqual(
            [row.action for row in preview.context["preview"].rows], ["unchanged", "unchanged"]
        )
        self.client.post(response["Location"], {"action": "confirm"})
        self.assertEqual(list(Commitment.objects.order_by("pk").values()), before)

    def test_the_import_reads_a_changed_short_title_and_flag(self):
        exported = self.client.get("/en/data/ogp_commitments.csv").content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(exported)))
        rows[1]["Short Title"] = "Budgets"
        rows[1]["Civic Participation"] = "Yes"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=OGP_HEADERS)
        writer.writeheader()
        writer.writerows(rows)
        self.client.force_login(self.editor)
        response = self.client.post(
            "/en/manage/imports/ogp_commitments/",
            {"plan": self.plan.pk, "file": SimpleUploadedFile("ogp.csv", out.getvalue().encode())},
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        # The import names what changes beyond the rows (the text an agency approved).
        self.client.post(response["Location"], {"action": "confirm", "acknowledge": "1"})
        second = Commitment.objects.get(number=2)
        self.assertEqual(second.short_title_en, "Budgets")
        self.assertTrue(second.civic_participation)
        self.assertEqual(Commitment.objects.get(number=1).short_title_en, "Contracts")
