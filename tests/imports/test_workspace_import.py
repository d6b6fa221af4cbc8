"""Workspace import of commitments: OGP's list into the demo 5th plan, pairing, mapping,
flagged rows, English-only drafts, re-import changes nothing."""

import datetime

from django.test import TestCase
from django.urls import reverse

from commitments.models import Commitment
from core.roles import COORDINATOR, EDITOR
from demo import loader as demo
from plans.models import ActionPlan, Organisation
from tests.factories import make_user, make_xlsx
from tests.helpers import preview_url, upload

NOW = datetime.datetime(2021, 12, 1, 9, 0, tzinfo=datetime.UTC)


# OGP's list: OGP ids, English titles and institutions, its own order, no numbers of ours.
# Demo leads: 1 MoPPA, 2 JNCW, 3 MoDEE, 4 MoY, 5 JIACC, 6 MoPIC.
OGP_LIST = [
    ["Commitment ID", "Commitment Title", "Lead Institution", "Start Date", "End Date"],
    ["JO0101", "Youth participation (OGP)", "Ministry of Youth", "2021-09-01", "2025-08-31"],
    ["JO0102", "Integrity (OGP)", "JIACC", "2021-09-01", "2025-08-31"],
    [
        "JO0103",
        "E-participation (OGP)",
        "ministry of digital economy and entrepreneurship",
        "2021-09-01",
        "2025-08-31",
    ],
    ["JO0104", "Gender policy (OGP)", "Jordanian National Commission for Women", None, None],
    ["JO0105", "Civil society governance (OGP)", "Ministry of Political Affairs", None, None],
    ["JO0106", "Open government methodology (OGP)", "MoPIC", None, None],
]
EXPECTED_LEAD = {
    "JO0101": "Ministry of Youth",
    "JO0102": "Integrity and Anti-Corruption Commission",
    "JO0103": "Ministry of Digital Economy and Entrepreneurship",
    "JO0104": "Jordanian National Commission for Women",
    "JO0105": "Ministry of Political and Parliamentary Affairs",
    "JO0106": "Ministry of Planning and International Cooperation",
}


class OgpListImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo.load_demo(now=NOW, password="demo-password-123")
        cls.plan = ActionPlan.objects.get(number=5)
        cls.editor = make_user(role=EDITOR)
        cls.moppa = Organisation.objects.get(name_en=EXPECTED_LEAD["JO0105"])

    def setUp(self):
        self.client.force_login(self.editor)

    def snapshot(self):
        return list(
            Commitment.objects.filter(plan=self.plan)
            .order_by("number")
            .values_list("number", "ogp_id", "title_ar", "title_en", "version", "status")
        )

    def import_ogp_list(self):
        url = preview_url(upload(self.client, "commitments", make_xlsx(OGP_LIST), plan=self.plan))
        preview = self.client.get(url)
        self.assertEqual(preview.status_code, 200)
        return url, preview

    def test_the_ogp_list_lands_on_the_commitments_of_the_same_lead_institution(self):
        titles_ar_before = dict(
            Commitment.objects.filter(plan=self.plan).values_list("number", "title_ar")
        )
        url, preview = self.import_ogp_list()
        rows = preview.context["preview"].rows
        # The unknown institution is listed once, with create or map.
        mappings = preview.context["preview"].mappings
        self.assertEqual([m["name"] for m in mappings], ["Ministry of Political Affairs"])
        self.assertContains(preview, "Create a new organisation")
        # Updated rows show both languages: old and new English beside the Arabic title.
        self.assertContains(preview, "Youth participation (OGP)")
        self.assertContains(preview, titles_ar_before[4])
        choices = {"action": "confirm", "acknowledge": "1", "map-0": str(self.moppa.pk)}
        for row in rows:
            if row.pairing:
                choices[row.pairing["field"]] = row.pairing["selected"]
        response = self.client.post(url, choices)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        for ogp_id, lead in EXPECTED_LEAD.items():
            commitment = Commitment.objects.get(ogp_id=ogp_id)
            self.assertEqual(commitment.lead_institution.name_en, lead, ogp_id)
            self.assertEqual(commitment.plan, self.plan)
            title_en = next(row[1] for row in OGP_LIST if row[0] == ogp_id)
            self.assertEqual(commitment.title_en, title_en)
            # Only the columns present change: the Arabic title is as it was.
            self.assertEqual(commitment.title_ar, titles_ar_before[commitment.number])
        self.assertEqual(
            Organisation.objects.filter(name_en="Ministry of Political Affairs").count(), 0
        )

        # The same file again: matched by OGP id now, nothing changes.
        before = self.snapshot()
        url, preview = self.import_ogp_list()
        self.assertEqual(preview.context["counts"]["unchanged"], 6)
        self.assertFalse(preview.context["preview"].mappings)
        self.assertEqual(
            self.client.post(url, {"action": "confirm", "acknowledge": "1"}).status_code, 302
        )
        self.assertEqual(self.snapshot(), before)

    def test_without_a_mapping_choice_nothing_is_saved(self):
        before = self.snapshot()
        url, _preview = self.import_ogp_list()
        response = self.client.post(url, {"action": "confirm", "acknowledge": "1"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Ministry of Political Affairs", status_code=400)
        self.assertEqual(self.snapshot(), before)

    def test_choosing_create_makes_the_organisation_and_moves_the_lead(self):
        url, preview = self.import_ogp_list()
        response = self.client.post(
            url,
            {
                "action": "confirm",
                "acknowledge": "1",
                "map-0": "create",
                "map-0-name_ar": "وزارة الشؤون السياسية",
                "map-0-sector": "government",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        created = Organisation.objects.get(name_ar="وزارة الشؤون السياسية")
        self.assertEqual(created.name_en, "Ministry of Political Affairs")
        self.assertEqual(Commitment.objects.get(ogp_id="JO0105").lead_institution, created)

    def test_the_files_numbering_never_moves_ours_unless_asked(self):
        Commitment.objects.filter(plan=self.plan, number=1).update(ogp_id="JO0064")
        Commitment.objects.filter(plan=self.plan, number=2).update(ogp_id="JO0065")
        content = make_xlsx(
            [
                ["number", "ogp_id", "title_en"],
                [2, "JO0064", "Swapped title"],
                [1, "JO0065", "Another swap"],
            ]
        )
        url = preview_url(upload(self.client, "commitments", content, plan=self.plan))
        preview = self.client.get(url)
        self.assertContains(preview, "it keeps our number 1")
        self.assertEqual(preview.context["counts"]["error"], 0)
        response = self.client.post(url, {"action": "confirm", "acknowledge": "1"})
        self.assertEqual(response.status_code, 302, response.content[:3000])
        self.assertEqual(Commitment.objects.get(ogp_id="JO0064").number, 1)
        self.assertEqual(Commitment.objects.get(ogp_id="JO0064").title_en, "Swapped title")

        # Asked for: the two commitments exchange their numbers.
        url = preview_url(upload(self.client, "commitments", content, plan=self.plan))
        response = self.client.post(
            url, {"action": "confirm", "acknowledge": "1", "opt-numbers": "file"}
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        self.assertEqual(Commitment.objects.get(ogp_id="JO0064").number, 2)
        self.assertEqual(Commitment.objects.get(ogp_id="JO0065").number, 1)

    def test_an_english_only_row_creates_an_unpublished_draft_that_cannot_pass_stage_4(self):
        content = make_xlsx(
            [
                ["number", "title_en", "lead_institution"],
                [7, "Open contracting", "وزارة الشباب"],
            ]
        )
        url = preview_url(upload(self.client, "commitments", content, plan=self.plan))
        preview = self.client.get(url)
        self.assertContains(preview, "Translation missing")
        self.assertEqual(
            self.client.post(url, {"action": "confirm", "acknowledge": "1"}).status_code, 302
        )
        commitment = Commitment.objects.get(plan=self.plan, number=7)
        self.assertEqual(commitment.title_en, "Open contracting")
        self.assertEqual(commitment.status, "draft")
        self.assertFalse(commitment.is_published)
        self.assertIn("title (Arabic)", [str(label) for label in commitment.missing_translations()])
        from commitments.gates import every_commitment_complete

        self.assertTrue(
            any("Commitment 7" in problem for problem in every_commitment_complete(self.plan))
        )

    def test_only_the_columns_present_change(self):
        commitment = Commitment.objects.get(plan=self.plan, number=3)
        before = Commitment.objects.filter(pk=commitment.pk).values().get()
        content = make_xlsx([["number", "ogp_id", "title_en"], [3, "JO0999", "Only English"]])
        url = preview_url(upload(self.client, "commitments", content, plan=self.plan))
        # Nothing in the row but OGP's number says which commitment it is: the user says.
        preview = self.client.get(url)
        self.assertEqual(preview.context["preview"].rows[0].pairing["selected"], "")
        response = self.client.post(
            url, {"action": "confirm", "acknowledge": "1", "pair-2": str(commitment.pk)}
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        after = Commitment.objects.filter(pk=commitment.pk).values().get()
        changed = {name for name in before if before[name] != after[name]}
        self.assertEqual(changed, {"ogp_id", "title_en", "version"})

    def test_a_bad_row_in_the_middle_saves_nothing_and_names_row_and_column(self):
        before = self.snapshot()
        content = make_xlsx(
            [
                ["number", "title_en", "ends_on", "status"],
                [1, "Fine", "2025-08-31", "draft"],
                [2, "Broken date", "31.02.2025", "draft"],
                [3, "Unknown status", "2025-08-31", "sleeping"],
                [4, "Fine too", "2025-08-31", "agreed"],
            ]
        )
        url = preview_url(upload(self.client, "commitments", content, plan=self.plan))
        response = self.client.post(url, {"action": "confirm", "acknowledge": "1"})
        self.assertEqual(response.status_code, 400)
        lines = response.context["preview"].error_lines()
        self.assertTrue(
            any(line.startswith("Row 3, column") and "31.02.2025" in line for line in lines), lines
        )
        self.assertTrue(
            any(line.startswith("Row 4, column") and "sleeping" in line for line in lines), lines
        )
        self.assertEqual(self.snapshot(), before)

    def test_errors_are_in_arabic_on_the_arabic_page(self):
        content = make_xlsx([["number", "status"], [1, "draft"], [2, "sleeping"]])
        url = preview_url(
            upload(self.client, "commitments", content, plan=self.plan, language="ar")
        )
        response = self.client.post(url.replace("/en/", "/ar/"), {"action": "confirm"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "السطر 3، العمود «الحالة»", status_code=400)
        self.assertContains(response, "لم يُستورد أي شيء", status_code=400)

    def test_headers_in_arabic_are_accepted(self):
        content = make_xlsx([["الرقم", "العنوان (بالإنجليزية)"], [3, "Arabic headers"]])
        url = preview_url(upload(self.client, "commitments", content, plan=self.plan))
        self.assertEqual(
            self.client.post(url, {"action": "confirm", "acknowledge": "1"}).status_code, 302
        )
        self.assertEqual(
            Commitment.objects.get(plan=self.plan, number=3).title_en, "Arabic headers"
        )

    def test_a_coordinator_may_import_too(self):
        self.client.force_login(make_user(role=COORDINATOR))
        content = make_xlsx([["number", "title_en"], [3, "By the coordinator"]])
        url = preview_url(upload(self.client, "commitments", content, plan=self.plan))
        self.assertEqual(
            self.client.post(url, {"action": "confirm", "acknowledge": "1"}).status_code, 302
        )
        self.assertEqual(
            Commitment.objects.get(plan=self.plan, number=3).title_en, "By the coordinator"
        )


class EnglishOnlyPublishingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from tests.factories import make_commitment, make_plan

        cls.plan = make_plan()
        cls.commitment = make_commitment(
            plan=cls.plan, number=1, title_ar=" ", title_en="Only English", is_published=False
        )
        cls.coordinator = make_user(role=COORDINATOR)

    def test_a_commitment_without_its_arabic_title_cannot_be_published(self):
        self.client.force_login(self.coordinator)
        response = self.client.post(
            reverse("manage:commitment_publish", kwargs={"pk": self.commitment.pk}),
            {"published": "1"},
            follow=True,
        )
        self.assertContains(response, "Write the Arabic title before publishing")
        self.commitment.refresh_from_db()
        self.assertFalse(self.commitment.is_published)
