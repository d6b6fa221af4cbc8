"""One representative check per threat of issue 11, in one place.

Each threat has deeper tests elsewhere (named in the section headers); this module gathers
one check of each, reusing those tests' helpers, so that a reviewer sees the whole list:
XSS in text fields (pages, PDFs, exports, emails), CSRF, open redirects, mass assignment,
IDOR across roles and agencies, formula injection in CSV and XLSX, oversized and malicious
uploads, private files, the deploy check, security headers, /healthz by IP address, and
the database out of reach (a 503 "try again" page, never a trace).
"""

import csv
import datetime
import io
import subprocess
import uuid
from unittest import mock

import openpyxl
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, models
from django.test import Client, TestCase, override_settings
from django.utils import timezone, translation

from commitments.models import ApprovalLetter, Commitment
from consultations.models import Comment, ModerationState
from consultations.tasks import notify_commenter
from core.roles import EDITOR, FOCAL_POINT, FORUM_MEMBER
from core.uploads import validate_document
from plans.models import Organisation
from tests.factories import (
    make_comment,
    make_commitment,
    make_organisation,
    make_plan,
    make_response,
    make_user,
)
from tests.helpers import (
    EXPECTED_HEADERS,
    comment_post,
    directives,
    make_open_window,
    upload,
    zip_bomb,
)
from tests.helpers import MINIMAL_PDF as PDF

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
RAW = ("<script>alert", "<img src=x")
FORMULA = '=HYPERLINK("https://evil.example","click")'
PASSWORD = "a-long-enough-password-42"


def manage(path: str) -> str:
    return f"/en/manage/{path}"


def fill_text_fields(instance) -> list[str]:
    """Every free-text field of `instance` (no choices, long enough) set to the payload."""
    names = []
    for field in instance._meta.concrete_fields:
        if (
            isinstance(field, (models.CharField, models.TextField))
            and not field.choices
            and field.editable
            and (field.max_length or 10_000) >= len(PAYLOAD)
            and not isinstance(field, models.EmailField | models.URLField)
        ):
            setattr(instance, field.name, PAYLOAD)
            names.append(field.name)
    instance.save()
    return names


def assert_escaped(test, html: str) -> None:
    for raw in RAW:
        test.assertNotIn(raw, html)
    test.assertIn("&lt;script&gt;alert", html)


# --- XSS (deeper: tests/public/test_public_pages.py, tests/consultations/test_report.py) --------


class XssTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.commitment, _second = make_open_window()
        cls.fields = fill_text_fields(cls.commitment)
        cls.comment = make_comment(
            window=cls.window,
            body=PAYLOAD,
            author_name=PAYLOAD[:100],
            show_name=True,
            author_email="citizen@example.org",
            state=ModerationState.PUBLISHED,
            published_at=timezone.now(),
        )
        make_response(comment=cls.comment, reason_ar=PAYLOAD, published_at=timezone.now())

    def test_every_text_field_is_escaped_on_public_and_staff_pages(self):
        assert {"title_ar", "title_en"} <= set(self.fields)
        for language in ("ar", "en"):
            with self.subTest(language=language):
                with translation.override(language):
                    url = self.commitment.get_absolute_url()
                response = self.client.get(url)
                assert response.status_code == 200, url
                assert_escaped(self, response.content.decode())
                page = self.client.get(f"/{language}/consultations/{self.window.pk}/")
                assert_escaped(self, page.content.decode())
        self.client.force_login(make_user(role=EDITOR))
        staff = self.client.get(manage(f"commitments/{self.commitment.pk}/"))
        assert staff.status_code == 200
        assert_escaped(self, staff.content.decode())

    def test_the_pdf_prints_the_payload_as_text(self):
        response = self.client.get(f"/en/consultations/{self.window.pk}/report.pdf")
        assert response.status_code == 200
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        # Markup would have been parsed away; the reader sees the characters instead.
        assert '<script>alert("xss")</script>' in " ".join(text.split())

    def test_exports_carry_the_payload_as_plain_cell_text(self):
        response = self.client.get(f"/en/consultations/{self.window.pk}/report.csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert any(PAYLOAD in cell for row in rows for cell in row)

    def test_the_email_is_plain_text_with_a_one_line_subject(self):
        assert notify_commenter.call(self.comment.response.pk)
        message = mail.outbox[-1]
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", [])
        assert "\n" not in message.subject


# --- CSRF (deeper: tests/consultations/test_subscriptions.py, test_production.py) -----------


class CsrfTests(TestCase):
    def test_a_post_without_the_token_is_refused_and_saves_nothing(self):
        window, _first, _second = make_open_window()
        client = Client(enforce_csrf_checks=True)
        response = client.post(f"/ar/consultations/{window.pk}/comment/", comment_post(window))
        assert response.status_code == 403
        assert not Comment.objects.exists()
        user = make_user(role=EDITOR, username="salma")
        user.set_password(PASSWORD)
        user.save()
        response = client.post(manage("login/"), {"username": "salma", "password": PASSWORD})
        assert response.status_code == 403
        assert "_auth_user_id" not in client.session


# --- open redirects (deeper: tests/ogp_portal/test_production.py) ---------------------------------


class OpenRedirectTests(TestCase):
    def test_sign_in_and_language_switch_stay_on_our_site(self):
        user = make_user(role=EDITOR, username="nour")
        user.set_password(PASSWORD)
        user.save()
        response = self.client.post(
            manage("login/?next=//evil.example/"), {"username": "nour", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "//evil.example"})
        assert "evil.example" not in response.get("Location", "")


# --- mass assignment of hidden fields (deeper: tests/consultations/test_comment_form.py) ----


class MassAssignmentTests(TestCase):
    def test_a_forged_field_on_the_comment_form_saves_nothing(self):
        window, _first, _second = make_open_window()
        data = comment_post(window, state="published", moderated_by="1", tracking_number="X")
        response = self.client.post(f"/en/consultations/{window.pk}/comment/", data)
        assert response.status_code == 400
        assert not Comment.objects.exists()

    def test_an_editor_cannot_make_a_plan_public_or_reset_its_version_through_the_form(self):
        plan = make_plan(is_public=False)
        self.client.force_login(make_user(role=EDITOR))
        url = manage(f"plans/{plan.number}/edit/")
        form = self.client.get(url).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        data |= {"title_en": "Edited", "is_public": "on", "status": "published", "version": 99}
        response = self.client.post(url, data)
        plan.refresh_from_db()
        # The forged version is a stale edit (409, nothing saved); the right one saves the
        # text and nothing else.
        assert response.status_code == 409
        assert plan.title_en != "Edited"
        data["version"] = plan.version
        assert self.client.post(url, data).status_code == 302
        plan.refresh_from_db()
        assert plan.title_en == "Edited"
        assert not plan.is_public
        assert plan.status != "published"


# --- IDOR across roles and agencies (deeper: tests/workspace/test_workspace_roles.py) ------------


class IdorTests(TestCase):
    def test_a_focal_point_sees_only_their_agencys_commitments(self):
        focal = make_user(role=FOCAL_POINT)
        own, other = make_organisation(), make_organisation()
        own.focal_points.add(focal)
        mine = make_commitment(lead_institution=own)
        theirs = make_commitment(lead_institution=other)
        self.client.force_login(focal)
        assert self.client.get(manage(f"commitments/{mine.pk}/")).status_code == 200
        assert self.client.get(manage(f"commitments/{theirs.pk}/")).status_code == 404

    def test_a_forum_member_cannot_edit_and_a_receipt_needs_its_token(self):
        commitment = make_commitment(title_en="Before")
        self.client.force_login(make_user(role=FORUM_MEMBER))
        response = self.client.post(
            manage(f"commitments/{commitment.pk}/edit/"), {"title_en": "After", "version": 1}
        )
        assert response.status_code == 403
        assert Commitment.objects.get(pk=commitment.pk).title_en == "Before"
        self.client.logout()
        make_comment()
        response = self.client.get(f"/en/consultations/receipt/{uuid.uuid4()}/")
        assert response.status_code == 404


# --- formula injection (deeper: tests/imports/test_workspace_import_files.py, test_report.py) --


class FormulaInjectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, first, _second = make_open_window()
        make_comment(
            window=cls.window,
            commitment=first,
            body=FORMULA,
            state=ModerationState.PUBLISHED,
            published_at=timezone.now(),
        )

    def test_csv_cells_never_start_a_formula(self):
        response = self.client.get(f"/en/consultations/{self.window.pk}/report.csv")
        cells = [
            c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row
        ]
        assert "'" + FORMULA in cells
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@") and c != "-"]

    def test_xlsx_has_no_formula_cell(self):
        response = self.client.get(f"/en/consultations/{self.window.pk}/report.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert not [c for c in cells if c.data_type == "f"]
        assert any(str(c.value or "").endswith(FORMULA) for c in cells)


# --- uploads (deeper: tests/imports/test_workspace_import_files.py, tests/commitments/...) -----


class UploadTests(TestCase):
    def test_a_document_too_big_or_of_the_wrong_type_is_refused(self):
        big = SimpleUploadedFile("letter.pdf", PDF + b"0" * 2048)
        with self.assertRaises(ValidationError) as refused:
            validate_document(big, max_bytes=1024)
        assert refused.exception.code == "too_big"
        fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 an executable named .pdf")
        with self.assertRaises(ValidationError) as refused:
            validate_document(fake)
        assert refused.exception.code == "wrong_type"

    def test_a_zip_bomb_import_is_refused_with_a_message_and_saves_nothing(self):
        before = Organisation.objects.count()
        self.client.force_login(make_user(role=EDITOR))
        response = upload(self.client, "organisations", zip_bomb(), name="bomb.xlsx")
        assert response.status_code == 400
        self.assertContains(response, "unpacks to far more data", status_code=400)
        assert Organisation.objects.count() == before


# --- private files (deeper: tests/commitments/test_letters.py) ------------------------------


class PrivateFileTests(TestCase):
    def test_a_letter_scan_is_not_served_anonymously(self):
        commitment = make_commitment()
        letter = ApprovalLetter.objects.create(
            commitment=commitment,
            organisation=commitment.lead_institution,
            sent_on=datetime.date(2021, 12, 1),
            scan=SimpleUploadedFile("reply.pdf", PDF),
        )
        # The storage's own URL leads nowhere; the checked view sends anonymous visitors to
        # sign in and serves the file only to those who may read the letter.
        assert self.client.get(letter.scan.url).status_code in (403, 404)
        response = self.client.get(manage(f"letters/{letter.pk}/scan/"))
        assert response.status_code == 302
        assert "/manage/login/" in response["Location"]
        self.client.force_login(make_user(role=EDITOR))
        download = self.client.get(manage(f"letters/{letter.pk}/scan/"))
        assert download.status_code == 200
        for name, value in EXPECTED_HEADERS.items():
            assert download[name] == value, name
        assert directives(download)["script-src"] == "'self'"


# --- the deploy check, headers, /healthz (deeper: test_settings, test_security_headers) -----


class HeaderTests(TestCase):
    def test_public_and_staff_pages_carry_the_hardening_headers(self):
        public = self.client.get("/ar/")
        self.client.force_login(make_user(role=EDITOR))
        staff = self.client.get("/ar/manage/")
        for response in (public, staff):
            assert response.status_code == 200
            for name, value in EXPECTED_HEADERS.items():
                assert response[name] == value, name
            assert directives(response)["frame-ancestors"] == "'none'"

    @override_settings(ALLOWED_HOSTS=["ogp.example.gov.jo"])
    def test_healthz_answers_a_probe_by_ip_address_only(self):
        assert self.client.get("/healthz", headers={"host": "10.0.0.5"}).status_code == 200
        assert self.client.get("/ar/", headers={"host": "10.0.0.5"}).status_code == 400


# --- the database out of reach (core.errors; measured in bench/loadtest.py) -----------


class DatabaseUnavailableTests(TestCase):
    def test_a_503_try_again_page_in_the_visitors_language_and_nothing_saved(self):
        window, _first, _second = make_open_window()
        client = Client(raise_request_exception=False)
        with mock.patch(
            "consultations.views.submit_comment", side_effect=OperationalError("server closed")
        ):
            response = client.post(f"/ar/consultations/{window.pk}/comment/", comment_post(window))
        html = response.content.decode()
        assert response.status_code == 503
        assert response["Retry-After"]
        assert '<html lang="ar" dir="rtl">' in html
        assert "server closed" not in html and "Traceback" not in html
        assert not Comment.objects.exists()

    def test_any_other_error_keeps_the_500_page(self):
        client = Client(raise_request_exception=False)
        with mock.patch("consultations.views.submit_comment", side_effect=RuntimeError("boom")):
            window, _first, _second = make_open_window()
            response = client.post(f"/en/consultations/{window.pk}/comment/", comment_post(window))
        assert response.status_code == 500
        assert "boom" not in response.content.decode()
