"""Workspace import of comments received elsewhere (Facebook, X, email, workshop, letter):
every row through `submit_comment`, once; a bad row saves nothing; export as staff see it."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from consultations.models import Comment, ModerationState
from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from tests.factories import make_comment, make_plan, make_user, make_xlsx
from tests.helpers import make_open_window

HEADERS = [
    "window",
    "commitment",
    "part",
    "body",
    "author_name",
    "show_name",
    "author_email",
    "sector",
    "region",
    "channel",
    "received_at",
]


def csv(rows) -> bytes:
    lines = [",".join("" if cell is None else str(cell) for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


class CommentImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, cls.second = make_open_window()
        cls.window.opens_at = timezone.now() - datetime.timedelta(days=3)
        cls.window.save()
        cls.plan = cls.window.plan
        cls.editor = make_user(role=EDITOR)

    def setUp(self):
        self.client.force_login(self.editor)
        amman = timezone.localtime(timezone.now() - datetime.timedelta(days=1))
        self.received = amman.replace(second=0, microsecond=0, tzinfo=None)
        self.received_text = self.received.strftime("%Y-%m-%d %H:%M")

    def rows(self, received=None):
        received = received or self.received_text
        return [
            HEADERS,
            [
                self.window.pk,
                self.first.number,
                "solution",
                "نشر البيانات بصيغة مفتوحة",
                "ليلى",
                "yes",
                "laila@example.org",
                "",
                "amman",
                "facebook",
                received,
            ],
            [
                self.window.pk,
                None,
                None,
                "A comment by letter",
                "",
                "",
                "",
                "",
                "",
                "letter",
                received,
            ],
            [
                self.window.pk,
                self.second.number,
                "general",
                "A workshop remark",
                "",
                "no",
                "",
                "",
                "irbid",
                "workshop",
                received,
            ],
        ]

    def upload(self, content, name):
        return self.client.post(
            "/en/manage/imports/comments/",
            {"plan": self.plan.pk, "file": SimpleUploadedFile(name, content)},
        )

    def confirm(self, content, name):
        response = self.upload(content, name)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return self.client.post(response["Location"], {"action": "confirm"})

    def test_a_good_file_stores_each_row_once_and_again_nothing(self):
        for maker, name in ((make_xlsx, "c.xlsx"), (csv, "c.csv")):
            Comment.objects.all().delete()
            content = maker(self.rows())
            response = self.confirm(content, name)
            self.assertEqual(response.status_code, 302, name)
            comments = Comment.objects.order_by("pk")
            self.assertEqual(comments.count(), 3, name)
            self.assertEqual(
                sorted(comments.values_list("channel", flat=True)),
                ["facebook", "letter", "workshop"],
            )
            self.assertTrue(all(c.state == ModerationState.PENDING for c in comments))
            self.assertTrue(all(c.logged_by == self.editor for c in comments))
            first = comments.get(channel="facebook")
            self.assertEqual(first.commitment, self.first)
            self.assertEqual(first.part, "solution")
            self.assertTrue(first.show_name)
            self.assertEqual(first.author_email, "laila@example.org")
            self.assertEqual(
                timezone.localtime(first.created_at).replace(tzinfo=None), self.received
            )
            # The same file again: nothing new.
            response = self.confirm(content, name)
            self.assertEqual(response.status_code, 302, name)
            self.assertEqual(Comment.objects.count(), 3, name)

    def test_an_xlsx_date_time_cell_keeps_its_time(self):
        rows = self.rows(received=self.received)
        self.confirm(make_xlsx(rows), "c.xlsx")
        self.assertEqual(Comment.objects.count(), 3)
        for comment in Comment.objects.all():
            self.assertEqual(
                timezone.localtime(comment.created_at).replace(tzinfo=None), self.received
            )

    def bad(self, row_index, column, value):
        rows = self.rows()
        rows[row_index][HEADERS.index(column)] = value
        response = self.upload(make_xlsx(rows), "bad.xlsx")
        preview = self.client.post(response["Location"], {"action": "confirm"})
        self.assertEqual(preview.status_code, 400, (column, value))
        self.assertEqual(Comment.objects.count(), 0, (column, value))
        return preview.context["preview"].error_lines()

    def test_a_bad_row_in_the_middle_saves_nothing_and_names_row_and_column(self):
        late = (timezone.localtime() + datetime.timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
        early = (timezone.localtime() - datetime.timedelta(days=10)).strftime("%Y-%m-%d %H:%M")
        other = make_open_window(plan=make_plan())[1]
        cases = [
            ("window", 99999, "window"),
            ("commitment", other.number + 1000, "commitment number"),
            ("body", "", "comment text"),
            ("received_at", early, "received at (Amman time)"),
            ("received_at", late, "received at (Amman time)"),
            ("received_at", "yesterday", "received at (Amman time)"),
            ("channel", "site", "received through"),
            ("channel", "pigeon", "received through"),
        ]
        for column, value, label in cases:
            lines = self.bad(2, column, value)
            self.assertTrue(
                any(line.startswith(f"Row 3, column “{label}”") for line in lines),
                (column, value, lines),
            )

    def test_a_window_of_another_plan_is_unknown(self):
        other_window = make_open_window()[0]
        lines = self.bad(2, "window", other_window.pk)
        self.assertTrue(any(line.startswith("Row 3, column “window”") for line in lines), lines)

    def test_export_neutralises_formulas_and_shows_email_to_staff(self):
        self.confirm(make_xlsx(self.rows()), "c.xlsx")
        make_comment(window=self.window, body='=HYPERLINK("http://evil")', channel="email")
        response = self.client.get(
            f"/en/manage/imports/comments/export/?format=csv&plan={self.plan.number}"
        )
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8-sig")
        self.assertIn("'=HYPERLINK(", text)
        self.assertIn("laila@example.org", text)
        self.assertIn("email", text.splitlines()[0])
        response = self.client.get(
            f"/en/manage/imports/comments/export/?format=xlsx&plan={self.plan.number}"
        )
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
        self.assertFalse([cell for cell in cells if cell.data_type == "f"])
        self.assertIn('\'=HYPERLINK("http://evil")', [cell.value for cell in cells])

    def test_the_export_imports_back_with_nothing_new(self):
        self.confirm(make_xlsx(self.rows()), "c.xlsx")
        for file_format in ("xlsx", "csv"):
            exported = self.client.get(
                f"/ar/manage/imports/comments/export/?format={file_format}&plan={self.plan.number}"
            )
            response = self.upload(exported.content, f"x.{file_format}")
            self.assertEqual(response.status_code, 302, file_format)
            preview = self.client.get(response["Location"])
            self.assertEqual(preview.context["counts"]["unchanged"], 3, file_format)
            self.client.post(response["Location"], {"action": "confirm"})
            self.assertEqual(Comment.objects.count(), 3)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [FORUM_MEMBER, FOCAL_POINT])
def test_forum_members_and_focal_points_cannot_import(client, role):
    window, first, _second = make_open_window()
    received = timezone.localtime(timezone.now() - datetime.timedelta(hours=1))
    content = make_xlsx(
        [
            HEADERS,
            [
                window.pk,
                first.number,
                "",
                "تعليق",
                "",
                "",
                "",
                "",
                "",
                "email",
                received.strftime("%Y-%m-%d %H:%M"),
            ],
        ]
    )
    client.force_login(make_user(role=role))
    for url in (
        "/en/manage/imports/comments/",
        "/en/manage/imports/comments/template/?format=csv",
        f"/en/manage/imports/comments/export/?format=csv&plan={window.plan.number}",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        "/en/manage/imports/comments/",
        {"plan": window.plan.pk, "file": SimpleUploadedFile("x.xlsx", content)},
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [COORDINATOR, EDITOR])
def test_coordinator_and_editor_may_import_and_export(client, role):
    window = make_open_window()[0]
    client.force_login(make_user(role=role))
    assert client.get("/en/manage/imports/comments/").status_code == 200
    url = f"/en/manage/imports/comments/export/?format=csv&plan={window.plan.number}"
    assert client.get(url).status_code == 200
