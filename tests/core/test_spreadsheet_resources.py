"""Spreadsheet resources (django-import-export): the admin's export, nothing else.

The admin exports only: an upload there could skip the rules the services keep, so files
are imported in the workspace (tests/imports/test_workspace_import.py), the one import
path. Exports neutralise spreadsheet formulae.
"""

import csv
import io

import openpyxl
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from commitments.admin import CommitmentAdmin
from commitments.models import Commitment
from commitments.resources import CommitmentResource
from commitments.services import COMMITMENT_EDIT_FIELDS
from consultations.resources import CommentResource
from plans.resources import ActionPlanResource
from tests.factories import (
    make_comment,
    make_commitment,
    make_organisation,
    make_plan,
    make_policy_area,
    make_user,
)

CSV_FORMAT, XLSX_FORMAT = "0", "1"
COMMITMENT_HEADERS = [
    "plan",
    "number",
    "ogp_id",
    "title_ar",
    "lead_institution",
    "supporting_institutions",
    "policy_areas",
    "starts_on",
    "ends_on",
    "status",
    "is_published",
]


def url(name, *args):
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


def csv_upload(headers, rows, name="commitments.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def xlsx_upload(headers, rows, name="commitments.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def export_post_data(resource_class, file_format):
    """The export form as the browser sends it: one format, every column ticked."""
    data = {"resource": "0", "format": file_format}
    for name in resource_class().get_export_order():
        data[f"{resource_class.__name__.lower()}_{name}"] = "on"
    return data


class ImportTestData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)
        cls.plan = make_plan(number=5)
        cls.ministry = make_organisation(name_ar="وزارة التخطيط والتعاون الدولي")
        cls.partner = make_organisation(name_ar="ديوان المحاسبة")
        cls.area = make_policy_area(name_ar="الشفافية")

    def commitment_row(self, number, /, **cells):
        row = {
            "plan": "5",
            "number": str(number),
            "ogp_id": "",
            "title_ar": f"التزام {number}",
            "lead_institution": self.ministry.name_ar,
            "supporting_institutions": self.partner.name_ar,
            "policy_areas": self.area.name_ar,
            "starts_on": "2022-01-01",
            "ends_on": "2023-06-30",
            "status": "draft",
            "is_published": "1",
        }
        row.update(cells)
        return [row[header] for header in COMMITMENT_HEADERS]


class AdminImportIsGoneTest(ImportTestData):
    """The admin has no import pages: a superuser's upload there saves nothing."""

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_no_model_admin_has_an_import_url(self):
        for name in ["commitments_commitment", "commitments_milestone", "plans_organisation"]:
            for view in ["import", "process_import"]:
                with self.subTest(name, view=view), self.assertRaises(NoReverseMatch):
                    url(f"{name}_{view}")

    def test_an_upload_to_the_old_import_address_saves_nothing(self):
        rows = [self.commitment_row(1), self.commitment_row(2)]
        for path in ["import", "process_import"]:
            with self.subTest(path):
                response = self.client.post(
                    f"/en/admin/commitments/commitment/{path}/",
                    {"resource": "0", "format": CSV_FORMAT,
                     "import_file": csv_upload(COMMITMENT_HEADERS, rows)},
                    follow=True,
                )  # fmt: skip
                # The address is read as a commitment id that does not exist.
                self.assertEqual(response.redirect_chain[-1][0], url("index"))
                self.assertNotIn("import_form", response.context)
                self.assertEqual(Commitment.objects.count(), 0)

    def test_export_still_works(self):
        make_commitment(plan=self.plan, lead_institution=self.ministry)
        response = self.client.post(
            url("commitments_commitment_export"), export_post_data(CommitmentResource, CSV_FORMAT)
        )
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8-sig")
        self.assertEqual(len(list(csv.DictReader(io.StringIO(text)))), 1)


class ExportTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)
        cls.comment = make_comment(
            body='=HYPERLINK("http://evil","x")', author_name="@SUM(1)", author_email="a@b.jo"
        )
        make_comment(body="+1-1", author_name="==1+1")

    def setUp(self):
        self.client.force_login(self.superuser)

    def export(self, file_format):
        response = self.client.post(
            url("consultations_comment_export"), export_post_data(CommentResource, file_format)
        )
        self.assertEqual(response.status_code, 200)
        return response

    def test_csv_export_escapes_formulae(self):
        response = self.export(CSV_FORMAT)
        self.assertEqual(response["Content-Type"], "text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 2)
        by_number = {row["tracking_number"]: row for row in rows}
        row = by_number[self.comment.tracking_number]
        self.assertEqual(row["body"], '\'=HYPERLINK("http://evil","x")')
        self.assertEqual(row["author_name"], "'@SUM(1)")
        cells = [cell for row in rows for cell in row.values()]
        self.assertFalse([cell for cell in cells if cell[:1] in {"=", "+", "-", "@"}])

    def test_xlsx_export_has_no_formula_cells(self):
        response = self.export(XLSX_FORMAT)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        self.assertEqual([cell.coordinate for cell in cells if cell.data_type == "f"], [])
        values = {cell.value for cell in cells}
        self.assertIn('\'=HYPERLINK("http://evil","x")', values)
        self.assertIn("'==1+1", values)
        self.assertNotIn("None", values)

    def test_the_admin_writes_with_the_portals_one_writer(self):
        """The same files as every other download: CSV with its byte-order mark (Excel
        then reads Arabic), XLSX right to left on the Arabic admin with a bold header."""
        self.assertTrue(self.export(CSV_FORMAT).content.startswith(b"\xef\xbb\xbf"))
        arabic = url("consultations_comment_export").replace("/en/", "/ar/", 1)
        response = self.client.post(arabic, export_post_data(CommentResource, XLSX_FORMAT))
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertTrue(sheet.sheet_view.rightToLeft)
        self.assertTrue(sheet["A1"].font.b)
        self.assertEqual(sheet.freeze_panes, "A2")

    def test_control_characters_do_not_break_the_xlsx_export(self):
        make_comment(body="نص\x01مع حرف تحكم")
        response = self.export(XLSX_FORMAT)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.max_row, 4)

    def test_comments_are_export_only(self):
        with self.assertRaises(NoReverseMatch):
            url("consultations_comment_import")

    def test_commitment_export_uses_readable_keys(self):
        organisation = make_organisation(name_ar="وزارة الشباب")
        make_commitment(plan=make_plan(number=4), number=3, lead_institution=organisation)
        response = self.client.post(
            url("commitments_commitment_export"), export_post_data(CommitmentResource, CSV_FORMAT)
        )
        row = next(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual((row["plan"], row["number"]), ("4", "3"))
        self.assertEqual(row["lead_institution"], "وزارة الشباب")

    def test_the_commitment_export_holds_the_whole_template(self):
        """Every field the services write is in the raw-data export: the template's parts
        added after the first export (situation before, results, budget, links to national
        plans, short title, SDGs) were missing from it."""
        make_commitment(
            plan=make_plan(number=4),
            number=3,
            short_title_en="Open budgets",
            status_quo_ar="الوضع الحالي",
            results_en="Budgets published monthly",
            budget_ar="٢٠٠ ألف دينار",
            national_plan_links_en="Economic Modernisation Vision",
            sdgs=[16, 17],
        )
        response = self.client.post(
            url("commitments_commitment_export"), export_post_data(CommitmentResource, CSV_FORMAT)
        )
        row = next(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        for name in COMMITMENT_EDIT_FIELDS:
            self.assertIn(name, row)
        self.assertEqual(row["short_title_en"], "Open budgets")
        self.assertEqual(row["status_quo_ar"], "الوضع الحالي")
        self.assertEqual(row["results_en"], "Budgets published monthly")
        self.assertEqual(row["budget_ar"], "٢٠٠ ألف دينار")
        self.assertEqual(row["national_plan_links_en"], "Economic Modernisation Vision")
        self.assertIn("16", row["sdgs"])

    def test_the_plan_export_holds_the_plans_text_and_a_comment_its_source(self):
        """The raw-data export of plans holds their narrative (written on the workspace's
        text page), and of comments where one received elsewhere came from."""
        make_plan(number=6, introduction_ar="مقدمة الخطة", monitoring_en="Monthly reviews")
        response = self.client.post(
            url("plans_actionplan_export"), export_post_data(ActionPlanResource, CSV_FORMAT)
        )
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        row = next(row for row in rows if row["number"] == "6")
        self.assertEqual(row["introduction_ar"], "مقدمة الخطة")
        self.assertEqual(row["monitoring_en"], "Monthly reviews")
        self.assertIn("is_public", row)

        make_comment(
            body="من ورشة إربد",
            channel="workshop",
            source_event="ورشة عمل إربد",
            source_place="إربد",
            taken_down_by="سلمى",
        )
        rows = list(
            csv.DictReader(io.StringIO(self.export(CSV_FORMAT).content.decode("utf-8-sig")))
        )
        row = next(row for row in rows if row["body"] == "من ورشة إربد")
        self.assertEqual(
            (row["source_event"], row["source_place"], row["taken_down_by"]),
            ("ورشة عمل إربد", "إربد", "سلمى"),
        )

    def test_the_commitment_admin_shows_every_field_the_services_write(self):
        fields = [
            name for _title, options in CommitmentAdmin.fieldsets for name in options["fields"]
        ]
        self.assertEqual([name for name in COMMITMENT_EDIT_FIELDS if name not in fields], [])
        self.assertEqual(len(fields), len(set(fields)))


class PermissionTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.viewer = make_user(is_staff=True)
        cls.viewer.user_permissions.add(Permission.objects.get(codename="view_commitment"))
        cls.editor = make_user(is_staff=True)
        cls.editor.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_commitment", "change_commitment"])
        )
        make_commitment()

    def test_staff_permissions_do_not_open_the_admin_import_or_export(self):
        """The admin is for superusers only (core/admin.py); staff import and export
        in the workspace. See tests/ogp_portal/test_admin_roles.py for every role."""
        for user in (self.viewer, self.editor):
            self.client.force_login(user)
            for name in ["commitments_commitment_export", "consultations_comment_export"]:
                with self.subTest(user.username, view=name):
                    response = self.client.get(url(name))
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(response["Location"].startswith(url("login")))
            exported = self.client.post(
                url("commitments_commitment_export"),
                export_post_data(CommitmentResource, CSV_FORMAT),
            )
            self.assertEqual(exported.status_code, 302)

    def test_anonymous_users_are_sent_to_the_admin_login(self):
        for name in [
            "commitments_commitment_changelist",
            "commitments_commitment_export",
            "consultations_comment_export",
        ]:
            with self.subTest(name):
                target = url(name)
                response = self.client.get(target)
                self.assertRedirects(
                    response, f"{url('login')}?next={target}", fetch_redirect_response=False
                )
