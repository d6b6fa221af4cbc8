"""Importing OGP's published list of a plan's commitments, shaped as OGP publishes it: its
own ids, its own order and numbering, English titles only, and its own English names for
the lead institutions (a department where we name the ministry, another spelling).

Rows are paired with our commitments from the evidence (titles, lead institution, dates),
never from their position; the file's numbering never changes ours unless asked; the
preview says what changes beyond the rows; a mapping of a name confirmed once is kept.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from commitments.models import Commitment
from core.roles import EDITOR
from plans.models import OrganisationName
from tests.factories import (
    make_approval_letter,
    make_commitment,
    make_organisation,
    make_plan,
    make_user,
    make_xlsx,
)

START, END = datetime.date(2021, 9, 1), datetime.date(2025, 8, 31)

# OGP's order: integrity first, then youth, women, digital; numbered 1 to 4 in that order.
OGP_LIST = [
    ["Commitment ID", "No.", "Commitment Title", "lead_institution_en", "Start Date", "End Date"],
    [
        "JO0201",
        1,
        "Strengthening national integrity",
        "Jordan Integrity and Anti-Corruption Commission",
        "2021-09-01",
        "2025-08-31",
    ],
    [
        "JO0202",
        2,
        "Youth participation in government plans",
        "Department of Youth Programmes",
        "2022-01-01",
        "2024-12-31",
    ],
    [
        "JO0203",
        3,
        "Gender mainstreaming policy in the public sector",
        "JNCW",
        "2021-09-01",
        "2025-08-31",
    ],
    [
        "JO0204",
        4,
        "E-participation in decision making",
        "Ministry of Digital Economy & Entrepreneurship",
        "2021-09-01",
        "2025-08-31",
    ],
]


class OgpListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=5)
        cls.youth = make_organisation(
            name_ar="وزارة الشباب", name_en="Ministry of Youth", acronym="MoY"
        )
        cls.women = make_organisation(
            name_ar="اللجنة الوطنية لشؤون المرأة",
            name_en="Jordanian National Commission for Women",
            acronym="JNCW",
        )
        cls.digital = make_organisation(
            name_ar="وزارة الاقتصاد الرقمي والريادة",
            name_en="Ministry of Digital Economy and Entrepreneurship",
            acronym="MoDEE",
        )
        cls.integrity = make_organisation(
            name_ar="هيئة النزاهة ومكافحة الفساد",
            name_en="Integrity and Anti-Corruption Commission",
            acronym="JIACC",
        )
        # Our numbering: youth 1, women 2, digital 3, integrity 4.
        rows = [
            (
                cls.youth,
                "تعزيز دور الشباب في إعداد الخطط الحكومية",
                "Strengthening the role of young people in government plans",
                datetime.date(2022, 1, 1),
                datetime.date(2024, 12, 31),
            ),
            (
                cls.women,
                "تطوير سياسة دمج النوع الاجتماعي في القطاع العام",
                "A gender mainstreaming policy for the public sector",
                START,
                END,
            ),
            (
                cls.digital,
                "تعزيز المشاركة الإلكترونية في صنع القرار",
                "Enhancing public participation in decision-making through electronic means",
                START,
                END,
            ),
            (
                cls.integrity,
                "تعزيز النزاهة على المستوى الوطني",
                "Strengthening integrity at the national level",
                START,
                END,
            ),
        ]
        cls.ours = {}
        for number, (lead, title_ar, title_en, starts, ends) in enumerate(rows, start=1):
            cls.ours[lead.acronym] = make_commitment(
                plan=cls.plan,
                number=number,
                lead_institution=lead,
                title_ar=title_ar,
                title_en=title_en,
                starts_on=starts,
                ends_on=ends,
                is_published=True,
            )
        cls.expected = {
            "JO0201": "JIACC",
            "JO0202": "MoY",
            "JO0203": "JNCW",
            "JO0204": "MoDEE",
        }
        cls.editor = make_user(role=EDITOR)

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, rows=OGP_LIST, language="en"):
        response = self.client.post(
            f"/{language}/manage/imports/commitments/",
            {"file": SimpleUploadedFile("ogp.xlsx", make_xlsx(rows)), "plan": self.plan.pk},
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return response["Location"]

    def snapshot(self):
        return list(
            Commitment.objects.order_by("pk").values_list(
                "number", "ogp_id", "title_ar", "title_en", "lead_institution_id"
            )
        )

    def pairings(self, preview) -> dict:
        """OGP id → the acronym of the lead of the commitment each row is paired with."""
        by_pk = {str(c.pk): acronym for acronym, c in self.ours.items()}
        found = {}
        for row, data in zip(preview.rows, OGP_LIST[1:], strict=True):
            found[data[0]] = by_pk.get(row.pairing["selected"], row.pairing["selected"])
        return found

    def choices(self, preview, **extra) -> dict:
        """What the user posts: the two names mapped, every pairing as shown."""
        posted = {"map-0": str(self.integrity.pk), "map-1": str(self.youth.pk), **extra}
        for row in preview.rows:
            posted[row.pairing["field"]] = row.pairing["selected"]
            posted[f"proposed-{row.number}"] = row.pairing["proposed"]
        return posted

    def test_rows_are_paired_from_the_evidence_not_their_order(self):
        url = self.upload()
        page = self.client.get(url)
        preview = page.context["preview"]
        # Names that are not ours are asked about once, those with a name alike first; the
        # same words spelled another way ("&") are not asked about.
        self.assertEqual(
            [m["name"] for m in preview.mappings],
            ["Jordan Integrity and Anti-Corruption Commission", "Department of Youth Programmes"],
        )
        self.assertEqual(preview.mappings[0]["organisations"][0], self.integrity)
        # Titles, leads (by acronym, by another spelling) and dates pair every row.
        self.assertEqual(self.pairings(preview), self.expected)
        self.assertContains(page, "The same lead institution: \u2068Jordanian National Commission")
        self.assertContains(page, "The same start date.")
        self.assertContains(page, "of their words")

        # The user maps the department to the ministry: the preview refreshes clean.
        page = self.client.post(url, {"action": "refresh", **self.choices(preview)})
        preview = page.context["preview"]
        self.assertEqual(preview.error_lines(), [])
        self.assertEqual(self.pairings(preview), self.expected)
        self.assertContains(page, "(the file says")

        response = self.client.post(
            url, {"action": "confirm", "acknowledge": "1", **self.choices(preview)}
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        for ogp_id, acronym in self.expected.items():
            commitment = Commitment.objects.get(ogp_id=ogp_id)
            self.assertEqual(commitment.pk, self.ours[acronym].pk, ogp_id)
            # Our numbers and Arabic titles stay; the leads are ours (the names were OGP's).
            self.assertEqual(commitment.number, self.ours[acronym].number)
            self.assertEqual(commitment.title_ar, self.ours[acronym].title_ar)
            self.assertEqual(commitment.lead_institution_id, self.ours[acronym].lead_institution_id)
        # The names are remembered: not asked again.
        self.assertEqual(
            set(OrganisationName.objects.values_list("organisation", "name")),
            {
                (self.youth.pk, "Department of Youth Programmes"),
                (self.integrity.pk, "Jordan Integrity and Anti-Corruption Commission"),
            },
        )
        page = self.client.get(self.upload())
        self.assertEqual(page.context["preview"].mappings, [])
        self.assertEqual(page.context["counts"]["unchanged"], 4)

    def test_changing_a_pairing_refreshes_the_preview_without_errors(self):
        url = self.upload()
        preview = self.client.get(url).context["preview"]
        posted = self.choices(preview)
        # The user says the first two rows are the other way round.
        first, second = preview.rows[0].pairing["field"], preview.rows[1].pairing["field"]
        posted[first], posted[second] = posted[second], posted[first]
        page = self.client.post(url, {"action": "refresh", **posted})
        preview = page.context["preview"]
        self.assertEqual(preview.error_lines(), [])
        self.assertEqual(preview.rows[0].pairing["selected"], str(self.ours["MoY"].pk))
        self.assertEqual(preview.rows[1].pairing["selected"], str(self.ours["JIACC"].pk))
        self.assertContains(page, "Nothing in the file links this row")
        numbers = dict(Commitment.objects.values_list("pk", "number"))
        response = self.client.post(url, {"action": "confirm", "acknowledge": "1", **posted})
        self.assertEqual(response.status_code, 302, response.content[:3000])
        self.assertEqual(Commitment.objects.get(ogp_id="JO0201").pk, self.ours["MoY"].pk)
        # The file's numbers (OGP's order) are not applied to the chosen commitments.
        self.assertEqual(dict(Commitment.objects.values_list("pk", "number")), numbers)

    def approve_integrity(self):
        """The integrity commitment, approved by its agency for its current text."""
        integrity = self.ours["JIACC"]
        make_approval_letter(
            commitment=integrity,
            decision="approved",
            received_on=datetime.date(2021, 12, 20),
            text_fingerprint=integrity.text_fingerprint(),
        )
        return integrity

    def test_the_preview_says_what_changes_beyond_the_rows(self):
        self.approve_integrity()
        url = self.upload()
        page = self.client.get(url)
        self.assertContains(page, "approval of commitments 4 will be for an earlier text")
        self.assertContains(page, "The public pages of commitments 1, 2, 3, 4 will change")
        # Confirming without saying it was read changes nothing.
        before = self.snapshot()
        preview = page.context["preview"]
        response = self.client.post(url, {"action": "confirm", **self.choices(preview)})
        self.assertContains(response, "tick the box")
        self.assertEqual(self.snapshot(), before)

    def test_only_ogp_ids_keeps_our_text_and_approvals(self):
        integrity = self.approve_integrity()
        before = {
            c.pk: (c.title_en, c.starts_on, c.lead_institution_id) for c in self.ours.values()
        }
        url = self.upload()
        preview = self.client.get(url).context["preview"]
        page = self.client.post(
            url, {"action": "refresh", **self.choices(preview, **{"opt-text": "ids"})}
        )
        self.assertNotContains(page, "will be for an earlier text")
        self.assertContains(page, "The public pages of commitments 1, 2, 3, 4 will change")
        posted = self.choices(preview, **{"opt-text": "ids"})
        response = self.client.post(url, {"action": "confirm", "acknowledge": "1", **posted})
        self.assertEqual(response.status_code, 302, response.content[:3000])
        for ogp_id, acronym in self.expected.items():
            commitment = Commitment.objects.get(ogp_id=ogp_id)
            self.assertEqual(commitment.pk, self.ours[acronym].pk)
            after = (commitment.title_en, commitment.starts_on, commitment.lead_institution_id)
            self.assertEqual(after, before[commitment.pk])
        integrity.refresh_from_db()
        self.assertEqual(
            integrity.approval_letters.get().text_fingerprint, integrity.text_fingerprint()
        )

    def test_the_arabic_page_speaks_arabic(self):
        url = self.upload(language="ar")
        page = self.client.get(url)
        self.assertContains(page, "الجهة المنفذة نفسها")
        self.assertContains(page, "مقترح بناءً على القرائن")
        for english in ("Proposed", "The same", "of their words", "Choose whether"):
            self.assertNotContains(page, english)
