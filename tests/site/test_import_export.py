"""Spreadsheet resources (django-import-export): the admin's export, and the resources'
own import as a script would call it.

The admin exports only: an upload there could skip the rules the services keep, so files
are imported in the workspace (tests/site/test_workspace_import.py). A resource's import
is all or nothing: one bad row in a file and no row is saved, and the caller is told the
row and the column. Exports neutralise spreadsheet formulae.
"""

import csv
import io

import openpyxl
import tablib
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from commitments.models import Commitment, Milestone
from commitments.resources import CommitmentResource, MilestoneResource
from consultations.resources import CommentResource
from core.spreadsheets import import_error_messages
from tests.factories import (
    make_comment,
    make_commitment,
    make_one_of_everything,
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


def dataset(headers, rows):
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append(row)
    return data


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


class ResourceImportTest(ImportTestData):
    """Resource.import_data, as a script or the management shell would call it."""

    def test_good_rows_are_saved_with_natural_keys(self):
        rows = [self.commitment_row(1), self.commitment_row(2, supporting_institutions="")]
        result = CommitmentResource().import_data(dataset(COMMITMENT_HEADERS, rows))
        self.assertFalse(result.has_errors() or result.has_validation_errors())
        first = Commitment.objects.get(plan=self.plan, number=1)
        self.assertEqual(first.lead_institution, self.ministry)
        self.assertEqual(list(first.supporting_institutions.all()), [self.partner])
        self.assertEqual(list(first.policy_areas.all()), [self.area])
        self.assertEqual(Commitment.objects.count(), 2)

    def test_a_bad_row_in_the_middle_saves_nothing(self):
        """Validation errors roll back too (django-import-export's default saves row 1)."""
        bad_cells = {
            "ends_on": {"ends_on": "2021-01-01"},  # ends before it starts: CheckConstraint
            "lead_institution": {"lead_institution": "وزارة لا وجود لها"},
            "supporting_institutions": {"supporting_institutions": "جهة مجهولة"},
            "number": {"number": "three"},
            "plan": {"plan": "99"},
            "status": {"status": "finished"},
            "starts_on": {"starts_on": "1 Janvier"},
        }
        for column, cells in bad_cells.items():
            with self.subTest(column):
                rows = [self.commitment_row(1), self.commitment_row(2, **cells)]
                rows.append(self.commitment_row(3))
                with translation.override("en"):
                    result = CommitmentResource().import_data(dataset(COMMITMENT_HEADERS, rows))
                    lines = import_error_messages(result)
                self.assertEqual(Commitment.objects.count(), 0)
                self.assertEqual([row.number for row in result.invalid_rows], [2])
                self.assertEqual(list(result.invalid_rows[0].field_specific_errors), [column])
                self.assertTrue(lines[0].startswith(f"Row 2, column “{column}”: "), lines)

    def test_publishing_an_existing_commitment_is_left_to_the_workspace(self):
        """`is_published` changes through commitments.services only: an import row that
        would flip it on an existing commitment is refused and nothing of the file saved."""
        existing = make_commitment(plan=self.plan, number=1, is_published=False)
        rows = [self.commitment_row(1, is_published="1"), self.commitment_row(2)]
        with translation.override("en"):
            result = CommitmentResource().import_data(dataset(COMMITMENT_HEADERS, rows))
        self.assertEqual([row.number for row in result.invalid_rows], [1])
        self.assertEqual(list(result.invalid_rows[0].field_specific_errors), ["is_published"])
        existing.refresh_from_db()
        self.assertFalse(existing.is_published)
        self.assertEqual(Commitment.objects.count(), 1)

    def test_an_import_records_who_and_bumps_the_version(self):
        existing = make_commitment(plan=self.plan, number=1, is_published=True)
        user = make_user(is_superuser=True)
        rows = [self.commitment_row(1, title_ar="من الجدول")]
        result = CommitmentResource().import_data(dataset(COMMITMENT_HEADERS, rows), user=user)
        self.assertFalse(result.has_errors() or result.has_validation_errors())
        existing.refresh_from_db()
        self.assertEqual(existing.title_ar, "من الجدول")
        self.assertEqual(existing.version, 2)
        self.assertEqual(existing.history.first().history_user, user)

    def test_a_unique_constraint_is_reported_on_its_column(self):
        make_commitment(ogp_id="JO0064")
        rows = [
            self.commitment_row(1),
            self.commitment_row(2, ogp_id="JO0064"),
            self.commitment_row(3),
        ]
        result = CommitmentResource().import_data(dataset(COMMITMENT_HEADERS, rows))
        self.assertEqual(Commitment.objects.filter(plan=self.plan).count(), 0)
        self.assertEqual(result.invalid_rows[0].number, 2)
        self.assertIn("ogp_id", result.invalid_rows[0].field_specific_errors)

    def test_a_repeated_key_in_one_file_is_an_error_not_an_overwrite(self):
        rows = [self.commitment_row(1), self.commitment_row(2), self.commitment_row(1)]
        with translation.override("en"):
            result = CommitmentResource().import_data(dataset(COMMITMENT_HEADERS, rows))
        self.assertEqual(Commitment.objects.count(), 0)
        self.assertEqual(result.invalid_rows[0].number, 3)
        errors = result.invalid_rows[0].field_specific_errors
        self.assertEqual(errors, {"number": ["Row 1 already has the same plan, number."]})

    def test_a_database_error_rolls_back_every_row_and_names_the_column(self):
        """A constraint only the database saw (say, a concurrent write) still rolls back."""

        class UncheckedMilestoneResource(MilestoneResource):
            def validate_instance(self, instance, import_validation_errors=None, **kwargs):
                pass  # let the row reach the database unchecked

        commitment = make_commitment(plan=self.plan, number=7)
        headers = ["plan", "commitment", "number", "title_ar", "starts_on", "ends_on"]
        rows = [
            ["5", "7", "1", "معلم 1", "2022-01-01", "2022-03-31"],
            ["5", "7", "2", "معلم 2", "2022-06-30", "2022-01-01"],
            ["5", "7", "3", "معلم 3", "2022-01-01", "2022-03-31"],
        ]
        result = UncheckedMilestoneResource().import_data(dataset(headers, rows))
        self.assertEqual(Milestone.objects.filter(commitment=commitment).count(), 0)
        self.assertEqual(result.invalid_rows[0].number, 2)
        self.assertIn("ends_on", result.invalid_rows[0].field_specific_errors)

    def test_milestones_name_their_commitment_by_plan_and_number(self):
        commitment = make_commitment(plan=self.plan, number=7)
        make_commitment(number=7)  # the same number in another plan
        headers = ["plan", "commitment", "number", "title_ar", "starts_on", "ends_on", "weight"]
        rows = [
            ["5", "7", "1", "معلم 1", "2022-01-01", "2022-03-31", "2"],
            ["5", "7", "2", "معلم 2", "2022-04-01", "2022-06-30", ""],
        ]
        result = MilestoneResource().import_data(dataset(headers, rows))
        self.assertEqual(import_error_messages(result), [])
        self.assertEqual([m.weight for m in commitment.milestones.all()], [2, 1])

        rows = [["5", "8", "1", "معلم", "2022-01-01", "2022-03-31", "1"]]
        result = MilestoneResource().import_data(dataset(headers, rows))
        self.assertEqual(list(result.invalid_rows[0].field_specific_errors), ["commitment"])

    def test_reimporting_an_export_changes_nothing(self):
        """The formula guard added on export is removed on import."""
        commitment = make_commitment(
            plan=self.plan,
            lead_institution=self.ministry,
            description_ar="- أولاً\n- ثانياً",
            title_en="=1+1",
        )
        history_before = commitment.history.count()
        exported = CommitmentResource().export()
        self.assertEqual(exported.dict[0]["description_ar"], "'- أولاً\n- ثانياً")
        result = CommitmentResource().import_data(exported)
        self.assertFalse(result.has_errors() or result.has_validation_errors())
        self.assertEqual(result.totals["skip"], 1)
        commitment.refresh_from_db()
        self.assertEqual(commitment.description_ar, "- أولاً\n- ثانياً")
        self.assertEqual(commitment.title_en, "=1+1")
        self.assertEqual(commitment.history.count(), history_before)


class RoundTripTest(TestCase):
    """Every exported resource but the comments' reads back its own export, in both
    formats, unchanged: an export is a file a script can load again."""

    @classmethod
    def setUpTestData(cls):
        make_one_of_everything(make_user(is_staff=True, is_superuser=True))

    def test_every_import_resource_round_trips(self):
        importers = [
            (model, resource_class)
            for model, model_admin in admin.site._registry.items()
            if isinstance(model_admin, ExportMixin)
            for resource_class in model_admin.resource_classes
            if resource_class is not CommentResource
        ]
        self.assertEqual(len(importers), 10)
        for model, resource_class in importers:
            for file_format in (CSV(), XLSX()):
                with self.subTest(resource_class.__name__, format=file_format.get_title()):
                    exported = resource_class().export(force_native_type=file_format.is_binary())
                    data = file_format.export_data(exported)
                    if not file_format.is_binary():
                        data = data.encode()
                    file_format.encoding = "utf-8"
                    result = resource_class().import_data(file_format.create_dataset(data))
                    self.assertEqual(import_error_messages(result), [])
                    self.assertEqual(result.totals["skip"], model.objects.count())


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
        self.assertEqual(len(list(csv.DictReader(io.StringIO(response.content.decode())))), 1)


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
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
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
        row = next(csv.DictReader(io.StringIO(response.content.decode())))
        self.assertEqual((row["plan"], row["number"]), ("4", "3"))
        self.assertEqual(row["lead_institution"], "وزارة الشباب")


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
        in the workspace. See tests/site/test_admin_roles.py for every role."""
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
