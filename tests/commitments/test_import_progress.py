"""The ministries' milestone progress sheet, in Arabic: only the listed milestones change,
each through `report_progress` (a progress report is kept)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from commitments.models import Milestone, MilestoneStatus, ProgressReport
from core.roles import EDITOR
from tests.factories import make_commitment, make_milestone, make_plan, make_user, make_xlsx


class ProgressSheetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan()
        cls.commitment = make_commitment(plan=cls.plan, number=1, ogp_id="JO0070")
        day = datetime.date(2022, 1, 1)
        cls.milestones = [
            make_milestone(commitment=cls.commitment, number=n, starts_on=day, ends_on=day)
            for n in (1, 2, 3)
        ]
        cls.editor = make_user(role=EDITOR)

    def setUp(self):
        self.client.force_login(self.editor)

    def send(self, rows, language="ar"):
        response = self.client.post(
            f"/{language}/manage/imports/progress/",
            {"plan": self.plan.pk, "file": SimpleUploadedFile("p.xlsx", make_xlsx(rows))},
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return response["Location"]

    def test_an_arabic_sheet_updates_only_the_listed_milestones(self):
        url = self.send(
            [
                ["رقم الالتزام", "رقم النشاط", "الحالة", "نسبة الإنجاز", "ما تم إنجازه"],
                ["JO0070", "٢", "قيد التنفيذ", "40%", "عُقدت ورشتا عمل"],
                [1, 3, "مكتمل", "", ""],
            ]
        )
        preview = self.client.get(url)
        self.assertEqual(preview.context["counts"]["update"], 2)
        self.assertEqual(self.client.post(url, {"action": "confirm"}).status_code, 302)
        first, second, third = Milestone.objects.order_by("number")
        self.assertEqual((first.status, first.progress_percent), (MilestoneStatus.NOT_STARTED, 0))
        self.assertEqual((second.status, second.progress_percent), ("in_progress", 40))
        self.assertEqual((third.status, third.progress_percent), ("completed", 100))
        report = ProgressReport.objects.get(milestone=second)
        self.assertEqual(report.narrative, "عُقدت ورشتا عمل")
        self.assertEqual(report.reported_by, self.editor)
        self.assertEqual(ProgressReport.objects.count(), 2)

    def test_a_bad_status_and_percent_in_middle_rows_save_nothing(self):
        url = self.send(
            [
                ["commitment", "milestone", "status", "progress_percent"],
                [1, 1, "in_progress", 10],
                [1, 2, "نائم", 10],
                [1, 3, "in_progress", 140],
            ]
        )
        response = self.client.post(url, {"action": "confirm"})
        self.assertEqual(response.status_code, 400)
        lines = response.context["preview"].error_lines()
        self.assertTrue(any(line.startswith("السطر 3") and "نائم" in line for line in lines), lines)
        self.assertTrue(any(line.startswith("السطر 4") for line in lines), lines)
        self.assertFalse(ProgressReport.objects.exists())
        self.assertFalse(Milestone.objects.exclude(status=MilestoneStatus.NOT_STARTED).exists())

    def test_an_unknown_milestone_is_an_error_beside_its_row(self):
        url = self.send([["commitment", "milestone", "status"], [1, 9, "completed"]], "en")
        response = self.client.post(url, {"action": "confirm"})
        self.assertContains(response, "has no milestone 9", status_code=400)
        self.assertFalse(ProgressReport.objects.exists())

    def test_the_export_imports_back_with_no_change(self):
        exported = self.client.get(
            f"/en/manage/imports/progress/export/?format=xlsx&plan={self.plan.number}"
        )
        self.assertEqual(exported.status_code, 200)
        response = self.client.post(
            "/en/manage/imports/progress/",
            {"plan": self.plan.pk, "file": SimpleUploadedFile("p.xlsx", exported.content)},
        )
        preview = self.client.get(response["Location"])
        self.assertEqual(preview.context["counts"]["unchanged"], 3)
        self.assertEqual(
            self.client.post(response["Location"], {"action": "confirm"}).status_code, 302
        )
        self.assertFalse(ProgressReport.objects.exists())
