"""The milestones sheet: create and edit milestones' wording, dates and weights from a file,
matched by commitment and milestone number, through `services.update_milestones` (the
commitment form's save: weights add up to 100, approval letters for the earlier wording
stop matching). A wrong row or commitment saves nothing of the file."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from commitments.models import Commitment, Decision, Milestone
from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from tests.factories import (
    make_approval_letter,
    make_commitment,
    make_milestone,
    make_organisation,
    make_plan,
    make_user,
    make_xlsx,
)

DAY = datetime.date(2022, 1, 1)


class MilestoneSheetTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=5)
        cls.agency = make_organisation(name_ar="وزارة الشباب", name_en="Ministry of Youth")
        # Commitment 1: two milestones (60 + 40). Commitment 2: one (100). Commitment 3: none.
        cls.first = make_commitment(
            plan=cls.plan, number=1, ogp_id="JO0070", lead_institution=cls.agency
        )
        cls.m1 = make_milestone(
            commitment=cls.first,
            number=1,
            title_ar="إطلاق المنصة",
            title_en="Platform launch",
            expected_output_ar="منصة منشورة",
            weight=60,
            starts_on=DAY,
            ends_on=datetime.date(2022, 6, 30),
        )
        cls.m2 = make_milestone(
            commitment=cls.first,
            number=2,
            title_ar="تدريب الموظفين",
            title_en="Staff training",
            weight=40,
            starts_on=DAY,
            ends_on=datetime.date(2022, 12, 31),
        )
        cls.second = make_commitment(plan=cls.plan, number=2, lead_institution=cls.agency)
        cls.m3 = make_milestone(commitment=cls.second, number=1, weight=100)
        cls.third = make_commitment(plan=cls.plan, number=3, ogp_id="JO0072")
        cls.other_plan_commitment = make_commitment(plan=make_plan(number=4), number=9)
        cls.editor = make_user(role=EDITOR)

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, content, name="m.xlsx", language="en"):
        return self.client.post(
            f"/{language}/manage/imports/milestones/",
            {"plan": self.plan.pk, "file": SimpleUploadedFile(name, content)},
        )

    def preview_url(self, rows, language="en") -> str:
        response = self.upload(make_xlsx(rows), language=language)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return response["Location"]

    def confirm(self, url):
        return self.client.post(url, {"action": "confirm"})

    def snapshot(self):
        return (
            list(Milestone.objects.order_by("pk").values()),
            list(Commitment.objects.order_by("pk").values_list("pk", "version")),
            Milestone.history.count(),
        )


class CreateAndEditTests(MilestoneSheetTestCase):
    def test_new_milestones_are_created_for_a_commitment_named_by_its_ogp_id(self):
        url = self.preview_url(
            [
                [
                    "commitment",
                    "milestone",
                    "title_ar",
                    "title_en",
                    "starts_on",
                    "ends_on",
                    "weight",
                ],
                ["JO0072", 1, "مسودة السياسة", "Draft policy", "2022-01-01", "2022-03-31", 30],
                ["jo0072", 2, "إقرار السياسة", "", "2022-04-01", "2022-09-30", 70],
            ]
        )
        preview = self.client.get(url)
        self.assertEqual(preview.context["counts"]["create"], 2)
        self.assertContains(preview, "مسودة السياسة")
        self.assertEqual(self.confirm(url).status_code, 302)
        created = list(self.third.milestones.order_by("number"))
        self.assertEqual(
            [(m.number, m.title_ar, m.title_en, m.weight) for m in created],
            [(1, "مسودة السياسة", "Draft policy", 30), (2, "إقرار السياسة", "", 70)],
        )
        self.assertEqual(created[1].ends_on, datetime.date(2022, 9, 30))
        self.assertEqual(created[0].history.first().history_user, self.editor)
        # Saved as the commitment form saves: the commitment's version moves on.
        self.third.refresh_from_db()
        self.assertEqual(self.third.version, 2)

    def test_titles_dates_and_weights_change_and_only_the_columns_present(self):
        before = Milestone.objects.filter(pk=self.m1.pk).values().get()
        url = self.preview_url(
            [
                ["commitment", "milestone", "title_en", "ends_on", "weight"],
                [1, 1, "Platform launched", "2022-07-31", 50],
                [1, 2, "", "", 50],
            ]
        )
        preview = self.client.get(url)
        self.assertEqual(preview.context["counts"]["update"], 2)
        # The old and new English title, and the Arabic title beside them.
        self.assertContains(preview, "Platform launch")
        self.assertContains(preview, "Platform launched")
        self.assertContains(preview, "إطلاق المنصة")
        self.assertContains(preview, "2022-06-30")
        self.assertContains(preview, "2022-07-31")
        self.assertEqual(self.confirm(url).status_code, 302)
        after = Milestone.objects.filter(pk=self.m1.pk).values().get()
        changed = {name for name in before if before[name] != after[name]}
        self.assertEqual(changed, {"title_en", "ends_on", "weight", "version"})
        self.assertEqual(after["title_ar"], "إطلاق المنصة")
        self.assertEqual(after["expected_output_ar"], "منصة منشورة")
        self.m2.refresh_from_db()
        self.assertEqual((self.m2.title_en, self.m2.weight), ("Staff training", 50))
        self.assertEqual(self.m2.ends_on, datetime.date(2022, 12, 31))

    def test_a_new_milestone_beside_edited_ones_keeps_the_weights_at_100(self):
        url = self.preview_url(
            [
                ["commitment", "milestone", "title_ar", "starts_on", "ends_on", "weight"],
                [1, 1, "", "", "", 50],
                [1, 3, "التقييم", "2023-01-01", "2023-03-31", 10],
            ]
        )
        self.assertEqual(self.confirm(url).status_code, 302)
        self.assertEqual(
            list(self.first.milestones.order_by("number").values_list("number", "weight")),
            [(1, 50), (2, 40), (3, 10)],
        )

    def test_a_change_makes_the_approval_for_the_earlier_text_outdated(self):
        letter = make_approval_letter(
            commitment=self.first,
            decision=Decision.APPROVED,
            received_on=datetime.date(2022, 1, 10),
        )
        self.assertTrue(letter.approves_current_text())
        url = self.preview_url([["commitment", "milestone", "title_en"], [1, 2, "Training"]])
        self.assertContains(self.client.get(url), "approval letter is for an earlier text")
        self.assertEqual(self.confirm(url).status_code, 302)
        letter.refresh_from_db()
        self.assertFalse(letter.approves_current_text())
        detail = self.client.get(f"/en/manage/commitments/{self.first.pk}/")
        self.assertContains(detail, "No approval by the lead institution for the current text.")


class RefusedFileTests(MilestoneSheetTestCase):
    def test_weights_not_adding_up_to_100_refuse_the_whole_file_naming_the_commitment(self):
        before = self.snapshot()
        url = self.preview_url(
            [
                ["commitment", "milestone", "title_en", "weight"],
                [1, 1, "Fine change", 70],
                [1, 2, "", 30],
                [2, 1, "Weight lowered", 90],
            ]
        )
        response = self.confirm(url)
        self.assertEqual(response.status_code, 400)
        lines = response.context["preview"].error_lines()
        self.assertIn(
            "Commitment 2: The milestone weights would add up to 90; they must add up to 100.",
            lines,
        )
        self.assertFalse(any("Commitment 1" in line for line in lines), lines)
        self.assertEqual(self.snapshot(), before)

    def test_a_new_number_after_a_gap_is_refused(self):
        before = self.snapshot()
        url = self.preview_url(
            [
                ["commitment", "milestone", "title_ar", "starts_on", "ends_on", "weight"],
                [2, 3, "نشاط", "2022-01-01", "2022-02-01", 0],
            ]
        )
        response = self.confirm(url)
        self.assertContains(response, "number new milestones on from 2", status_code=400)
        self.assertContains(response, "The milestone weight must be 1 or more.", status_code=400)
        self.assertEqual(self.snapshot(), before)

    def test_bad_middle_rows_save_nothing_and_name_row_and_column_in_arabic(self):
        before = self.snapshot()
        url = self.preview_url(
            [
                ["الالتزام", "رقم النشاط", "العنوان (بالإنجليزية)", "تاريخ الانتهاء", "الوزن"],
                [1, 1, "Fine", "2022-06-30", 60],
                [1, 2, "Bad date", "31.02.2022", 40],
                [7, 1, "Unknown commitment", "2022-06-30", 100],
                [2, 1, "Weight in words", "2022-06-30", "مئة"],
                [9, 1, "Another plan's commitment", "2022-06-30", 100],
                [2, "", "No milestone number", "", ""],
            ],
            language="ar",
        )
        response = self.confirm(url)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "لم يُستورد أي شيء", status_code=400)
        lines = response.context["preview"].error_lines()
        expected = [
            ("السطر 3، العمود «تاريخ الانتهاء»", "31.02.2022"),
            ("السطر 4، العمود «الالتزام»", "7"),
            ("السطر 5، العمود «الوزن»", "مئة"),
            ("السطر 6، العمود «الالتزام»", "9"),
            ("السطر 7، العمود «نشاط رئيسي»", ""),
        ]
        for start, value in expected:
            self.assertTrue(
                any(line.startswith(start) and value in line for line in lines), (start, lines)
            )
        self.assertFalse(any(line.startswith("السطر 2") for line in lines), lines)
        self.assertEqual(self.snapshot(), before)

    def test_a_new_milestone_without_its_title_and_dates_is_refused(self):
        before = self.snapshot()
        url = self.preview_url(
            [["commitment", "milestone", "title_en", "weight"], [3, 1, "Only English", 100]]
        )
        response = self.confirm(url)
        lines = response.context["preview"].error_lines()
        for column in ("title (Arabic)", "starts", "ends"):
            self.assertIn(f"Row 2, column “{column}”: A new milestone needs this cell.", lines)
        self.assertEqual(self.snapshot(), before)

    def test_a_milestone_ending_before_it_starts_is_refused_on_the_end_date(self):
        url = self.preview_url([["commitment", "milestone", "ends_on"], [1, 1, "2021-12-31"]])
        lines = self.confirm(url).context["preview"].error_lines()
        self.assertIn("Row 2, column “ends”: The milestone must not end before it starts.", lines)

    def test_the_same_milestone_twice_is_refused(self):
        url = self.preview_url(
            [["commitment", "milestone", "title_en"], [1, 1, "One"], ["JO0070", 1, "Two"]]
        )
        lines = self.confirm(url).context["preview"].error_lines()
        self.assertTrue(any(line.startswith("Row 3") and "Row 2 already" in line for line in lines))


class HeaderTests(MilestoneSheetTestCase):
    def test_arabic_headers_are_accepted(self):
        url = self.preview_url(
            [
                ["الالتزام", "نشاط رئيسي", "العنوان (بالعربية)", "تاريخ البدء", "الوزن"],
                ["١", "٢", "تدريب ٢٠ موظفًا", "2022-02-01", "٤٠"],
            ],
            language="ar",
        )
        self.assertEqual(self.confirm(url.replace("/en/", "/ar/")).status_code, 302)
        self.m2.refresh_from_db()
        self.assertEqual(self.m2.title_ar, "تدريب ٢٠ موظفًا")
        self.assertEqual(self.m2.starts_on, datetime.date(2022, 2, 1))

    def test_english_headers_are_accepted(self):
        url = self.preview_url(
            [
                ["Commitment", "Milestone", "Title (English)", "Starts", "Ends", "Weight"],
                [1, 2, "Training of staff", "2022-02-01", "2022-11-30", 40],
            ]
        )
        self.assertEqual(self.confirm(url).status_code, 302)
        self.m2.refresh_from_db()
        self.assertEqual(self.m2.title_en, "Training of staff")
        self.assertEqual(self.m2.ends_on, datetime.date(2022, 11, 30))


class FileTests(MilestoneSheetTestCase):
    def test_the_template_has_headers_in_the_users_language_and_a_column_sheet(self):
        for language, header in (("ar", "الوزن"), ("en", "weight")):
            response = self.client.get(
                f"/{language}/manage/imports/milestones/template/?format=xlsx"
            )
            self.assertEqual(response.status_code, 200)
            book = openpyxl.load_workbook(io.BytesIO(response.content))
            headers = [cell.value for cell in book.worksheets[0][1]]
            self.assertIn(header, headers)
            described = [
                row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)
            ]
            self.assertEqual(len(described), len(headers))
            self.assertIn("weight", described)
        csv = self.client.get("/en/manage/imports/milestones/template/?format=csv")
        self.assertIn("weight", csv.content.decode("utf-8-sig").splitlines()[0])

    def test_the_export_imports_back_with_no_change_in_both_formats_and_languages(self):
        Milestone.objects.filter(pk=self.m2.pk).update(
            title_en='=HYPERLINK("http://evil")', expected_output_en="- a list\n- of outputs"
        )
        for file_format in ("xlsx", "csv"):
            for language in ("ar", "en"):
                where = (file_format, language)
                before = self.snapshot()
                exported = self.client.get(
                    f"/{language}/manage/imports/milestones/export/"
                    f"?format={file_format}&plan={self.plan.number}"
                )
                self.assertEqual(exported.status_code, 200, where)
                if file_format == "csv":
                    self.assertIn("'=HYPERLINK", exported.content.decode("utf-8-sig"))
                else:
                    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).worksheets[0]
                    cells = [cell for row in sheet.iter_rows() for cell in row]
                    self.assertFalse([cell for cell in cells if cell.data_type == "f"], where)
                response = self.upload(exported.content, f"m.{file_format}", language=language)
                self.assertEqual(response.status_code, 302, where)
                preview = self.client.get(response["Location"])
                counts = preview.context["counts"]
                self.assertEqual(counts["unchanged"], 3, (where, counts))
                self.assertEqual(self.confirm(response["Location"]).status_code, 302, where)
                self.assertEqual(self.snapshot(), before, where)

    def test_the_import_list_tells_the_milestones_sheet_from_the_progress_sheet(self):
        response = self.client.get("/en/manage/imports/")
        self.assertContains(response, "Milestones and weights")
        self.assertContains(response, "Milestone progress")
        self.assertContains(response, "Status and percent done are in the milestone progress")


class RoleTests(MilestoneSheetTestCase):
    def content(self):
        return make_xlsx([["commitment", "milestone", "title_en"], [1, 1, "By someone"]])

    def test_editor_and_coordinator_may_import(self):
        for role in (EDITOR, COORDINATOR):
            self.client.force_login(make_user(role=role))
            self.assertEqual(self.client.get("/en/manage/imports/milestones/").status_code, 200)
            response = self.upload(self.content())
            self.assertEqual(response.status_code, 302, role)
            self.assertEqual(self.confirm(response["Location"]).status_code, 302, role)
        self.m1.refresh_from_db()
        self.assertEqual(self.m1.title_en, "By someone")

    def test_a_focal_point_and_a_forum_member_are_refused_and_nothing_changes(self):
        focal = make_user(role=FOCAL_POINT)
        self.agency.focal_points.add(focal)
        for user in (focal, make_user(role=FORUM_MEMBER)):
            self.client.force_login(user)
            before = self.snapshot()
            self.assertEqual(self.client.get("/en/manage/imports/milestones/").status_code, 403)
            template = self.client.get("/en/manage/imports/milestones/template/?format=csv")
            self.assertEqual(template.status_code, 403)
            self.assertEqual(self.upload(self.content()).status_code, 403)
            self.assertEqual(self.snapshot(), before)

    def test_a_focal_point_cannot_confirm_an_editors_preview(self):
        url = self.preview_url([["commitment", "milestone", "title_en"], [1, 1, "Editor's"]])
        before = self.snapshot()
        focal = make_user(role=FOCAL_POINT)
        self.agency.focal_points.add(focal)
        self.client.force_login(focal)
        self.assertIn(self.confirm(url).status_code, (403, 404))
        self.assertEqual(self.snapshot(), before)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.client.logout()
        response = self.upload(self.content())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])


class ServiceTests(MilestoneSheetTestCase):
    """`services.update_milestones`, which the sheet calls once per commitment."""

    def test_an_edit_opened_on_an_older_version_a_gap_or_weights_off_100_are_refused(self):
        from django.core.exceptions import ValidationError

        from commitments import services
        from core.concurrency import StaleEdit

        before = self.snapshot()
        version = self.first.version
        with self.assertRaises(StaleEdit):
            services.update_milestones(
                commitment=self.first,
                changes={1: {"title_en": "Late"}},
                expected_version=version + 1,
                by=self.editor,
            )
        new = {"title_ar": "نشاط", "starts_on": DAY, "ends_on": DAY, "weight": 10}
        for changes in ({4: new}, {1: {"weight": 10}}):
            with self.subTest(changes=changes), self.assertRaises(ValidationError):
                services.update_milestones(
                    commitment=self.first, changes=changes, expected_version=version, by=self.editor
                )
        self.assertEqual(self.snapshot(), before)
        services.update_milestones(
            commitment=self.first,
            changes={1: {"weight": 50}, 3: new},
            expected_version=version,
            by=self.editor,
        )
        self.assertEqual(
            list(self.first.milestones.order_by("number").values_list("title_ar", "weight")),
            [("إطلاق المنصة", 50), ("تدريب الموظفين", 40), ("نشاط", 10)],
        )
