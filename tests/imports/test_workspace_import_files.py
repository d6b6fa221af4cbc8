"""Workspace import and export files: templates that round-trip, exports that open well
(BOM, right-to-left, date cells, inert formulas, no contacts for a focal point), bad
files and bad parameters refused with a clear message, and the role matrix."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from commitments.models import Commitment
from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from plans.models import Organisation
from tests.factories import (
    make_commitment,
    make_milestone,
    make_organisation,
    make_plan,
    make_user,
    make_xlsx,
)
from tests.helpers import zip_bomb

KINDS = ["commitments", "milestones", "progress", "organisations"]


class FilesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=5)
        cls.agency = make_organisation(name_ar="وزارة الشباب", name_en="Ministry of Youth")
        cls.commitment = make_commitment(
            plan=cls.plan,
            number=1,
            lead_institution=cls.agency,
            title_en='=HYPERLINK("http://evil")',
            starts_on=datetime.date(2021, 9, 1),
            ends_on=datetime.date(2025, 8, 31),
            contact_email="focal@example.org",
        )
        day = datetime.date(2022, 1, 1)
        make_milestone(commitment=cls.commitment, number=1, starts_on=day, ends_on=day)
        cls.editor = make_user(role=EDITOR)

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, kind, content, name="sheet.xlsx", language="en"):
        data = {"file": SimpleUploadedFile(name, content)}
        if kind != "organisations":
            data["plan"] = self.plan.pk
        return self.client.post(f"/{language}/manage/imports/{kind}/", data)

    def snapshot(self):
        return (
            list(Commitment.objects.values_list("pk", "version", "title_en", "ogp_id")),
            list(Organisation.objects.values_list("pk", "name_ar", "name_en", "website")),
        )


class TemplateTests(FilesTestCase):
    def test_every_template_has_headers_in_the_users_language_and_a_column_sheet(self):
        for kind in KINDS:
            response = self.client.get(f"/en/manage/imports/{kind}/template/?format=xlsx")
            self.assertEqual(response.status_code, 200, kind)
            book = openpyxl.load_workbook(io.BytesIO(response.content))
            self.assertEqual(len(book.worksheets), 2, kind)
            described = [
                row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)
            ]
            headers = [cell.value for cell in book.worksheets[0][1]]
            self.assertEqual(len(described), len(headers), kind)
            self.assertFalse(book.worksheets[0].sheet_view.rightToLeft)
        arabic = self.client.get("/ar/manage/imports/commitments/template/?format=xlsx")
        book = openpyxl.load_workbook(io.BytesIO(arabic.content))
        self.assertTrue(book.worksheets[0].sheet_view.rightToLeft)
        self.assertIn("الرقم", [cell.value for cell in book.worksheets[0][1]])

    def test_every_export_imports_back_with_no_change_in_both_formats_and_languages(self):
        for kind in KINDS:
            for file_format in ("xlsx", "csv"):
                for language in ("ar", "en"):
                    before = self.snapshot()
                    exported = self.client.get(
                        f"/{language}/manage/imports/{kind}/export/?format={file_format}"
                    )
                    self.assertEqual(exported.status_code, 200)
                    response = self.upload(
                        kind, exported.content, f"x.{file_format}", language=language
                    )
                    where = (kind, file_format, language)
                    self.assertEqual(response.status_code, 302, (where, response.content[:1500]))
                    preview = self.client.get(response["Location"])
                    counts = preview.context["counts"]
                    self.assertEqual(
                        counts["unchanged"],
                        sum(counts.values()),
                        (where, preview.context["preview"].error_lines()),
                    )
                    confirmed = self.client.post(response["Location"], {"action": "confirm"})
                    self.assertEqual(confirmed.status_code, 302, where)
                    self.assertEqual(self.snapshot(), before, where)

    def test_an_empty_template_is_refused_with_a_message(self):
        template = self.client.get("/en/manage/imports/commitments/template/?format=csv")
        response = self.upload("commitments", template.content, "t.csv")
        self.assertContains(response, "no rows under it", status_code=400)


class ExportTests(FilesTestCase):
    def test_csv_starts_with_the_byte_order_mark_and_neutralises_formulas(self):
        response = self.client.get("/ar/manage/imports/commitments/export/?format=csv&plan=5")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"))
        text = response.content.decode("utf-8-sig")
        self.assertIn("'=HYPERLINK", text)
        self.assertIn("الرقم", text.splitlines()[0])

    def test_xlsx_has_date_cells_right_to_left_and_no_formula(self):
        response = self.client.get("/ar/manage/imports/commitments/export/?format=xlsx&plan=5")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        self.assertTrue(sheet.sheet_view.rightToLeft)
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
        self.assertFalse([cell for cell in cells if cell.data_type == "f"])
        self.assertIn(
            datetime.date(2021, 9, 1),
            [cell.value.date() for cell in cells if isinstance(cell.value, datetime.datetime)],
        )

    def test_contact_columns_only_for_roles_allowed_to_see_them(self):
        focal = make_user(role=FOCAL_POINT)
        self.agency.focal_points.add(focal)
        for user, expected in ((self.editor, True), (focal, False)):
            self.client.force_login(user)
            response = self.client.get("/en/manage/imports/commitments/export/?format=csv")
            self.assertEqual(response.status_code, 200)
            header = response.content.decode("utf-8-sig").splitlines()[0]
            self.assertEqual("contact email" in header, expected, user)
            self.assertEqual("focal@example.org" in response.content.decode(), expected)

    def test_bad_query_parameters_give_a_message_not_a_server_error(self):
        for query in ("?format=9", "?format=pdf", "?plan=abc", "?plan=99", "?format=xlsx&plan=-1"):
            response = self.client.get(f"/ar/manage/imports/commitments/export/{query}")
            self.assertEqual(response.status_code, 400, query)
            self.assertContains(response, "alert-danger", status_code=400)
        response = self.client.get("/en/manage/imports/commitments/template/?format=9")
        self.assertContains(response, "Choose the file format", status_code=400)

    def test_the_format_menu_has_its_own_translation_context(self):
        response = self.client.get("/en/manage/imports/")
        self.assertContains(response, "File format")


def xml_bomb() -> bytes:
    good = io.BytesIO(make_xlsx([["name_ar"], ["x"]]))
    out = io.BytesIO()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol3;</workbook>'
    )
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = bomb.encode() if item.filename == "xl/workbook.xml" else source.read(item)
            archive.writestr(item, data)
    return out.getvalue()


def merged_header() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name_ar", "name_en", None])
    sheet.append(["وزارة البيئة", "Ministry of Environment", "x"])
    sheet.merge_cells("B1:C1")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_formula() -> bytes:
    return make_xlsx([["name_ar", "sector"], ["=1+1", "government"]])


def many_rows() -> bytes:
    header = "name_ar,sector\n"
    return (header + "".join(f"منظمة {n},government\n" for n in range(100_000))).encode()


BAD_FILES = [
    ("not a spreadsheet", "notes.pdf", b"%PDF-1.4", "XLSX (Excel) or CSV"),
    ("renamed", "fake.xlsx", b"hello", "not a real XLSX"),
    ("zip bomb", "bomb.xlsx", None, "unpacks to far more data"),
    ("xml bomb", "xml.xlsx", None, "could not be read"),
    ("100,000 rows", "big.csv", None, "more than 5000 rows"),
    ("merged header", "merged.xlsx", None, "merged cells"),
    ("formula", "formula.xlsx", None, "holds a formula"),
    ("duplicate", "dup.xlsx", None, "Row 2 already has"),
]


class BadInputTests(FilesTestCase):
    def test_bad_files_give_a_clear_message_and_save_nothing(self):
        makers = {
            "zip bomb": zip_bomb,
            "xml bomb": xml_bomb,
            "100,000 rows": many_rows,
            "merged header": merged_header,
            "formula": with_formula,
            "duplicate": lambda: make_xlsx(
                [
                    ["name_ar", "sector"],
                    ["وزارة البيئة", "government"],
                    ["وزارة البيئه", "government"],
                ]
            ),
        }
        for label, name, content, message in BAD_FILES:
            before = self.snapshot()
            content = content if content is not None else makers[label]()
            response = self.upload("organisations", content, name)
            if response.status_code == 302:  # found only once rows are compared
                response = self.client.post(response["Location"], {"action": "confirm"})
            self.assertContains(response, message, status_code=400, msg_prefix=label)
            self.assertEqual(self.snapshot(), before, label)

    def test_messages_are_in_arabic_on_the_arabic_page(self):
        response = self.upload("organisations", b"%PDF", "x.pdf", language="ar")
        self.assertContains(response, 'lang="ar"', status_code=400)


ROLES = [COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_import_role_matrix(client, role, kind):
    plan = make_plan()
    allowed = role in (COORDINATOR, EDITOR)
    client.force_login(make_user(role=role))
    for url in (
        f"/en/manage/imports/{kind}/",
        f"/en/manage/imports/{kind}/template/?format=csv",
    ):
        assert client.get(url).status_code == (200 if allowed else 403), url
    content = make_xlsx(
        [["name_ar", "sector", "commitment", "milestone"], ["جهة جديدة", "government", 1, 1]]
    )
    response = client.post(
        f"/en/manage/imports/{kind}/",
        {"plan": plan.pk, "file": SimpleUploadedFile("x.xlsx", content)},
    )
    assert response.status_code in ((302, 400) if allowed else (403,))
    count = Organisation.objects.count()
    if allowed and response.status_code == 302:
        client.post(response["Location"], {"action": "confirm"})
    if not allowed:
        assert Organisation.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_a_refused_confirm_changes_nothing(client, role):
    """A preview stored for an editor cannot be confirmed by another role or user."""
    editor = make_user(role=EDITOR)
    client.force_login(editor)
    content = make_xlsx([["name_ar", "sector"], ["جهة جديدة", "government"]])
    url = client.post(
        "/en/manage/imports/organisations/", {"file": SimpleUploadedFile("x.xlsx", content)}
    )["Location"]
    client.force_login(make_user(role=role))
    response = client.post(url, {"action": "confirm"})
    assert response.status_code in (403, 404)
    assert not Organisation.objects.filter(name_ar="جهة جديدة").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_export_role_matrix(client, role):
    make_plan()
    client.force_login(make_user(role=role))
    expected = {
        "commitments": role in (COORDINATOR, EDITOR, FOCAL_POINT),
        "milestones": role in (COORDINATOR, EDITOR, FOCAL_POINT),
        "progress": role in (COORDINATOR, EDITOR, FOCAL_POINT),
        "organisations": role in (COORDINATOR, EDITOR),
        # Forum members may read attendance in the workspace, so they may export it.
        "attendance": role in (COORDINATOR, EDITOR, FORUM_MEMBER),
        "members": role in (COORDINATOR, EDITOR),
    }
    for kind, allowed in expected.items():
        response = client.get(f"/en/manage/imports/{kind}/export/?format=csv")
        assert response.status_code == (200 if allowed else 403), kind
    assert client.get("/en/manage/imports/").status_code == 200


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (
        "/en/manage/imports/",
        "/en/manage/imports/commitments/",
        "/en/manage/imports/commitments/template/?format=csv",
        "/en/manage/imports/commitments/export/?format=csv",
        "/en/manage/imports/preview/abc/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    response = client.post("/en/manage/imports/organisations/", {})
    assert response.status_code == 302
