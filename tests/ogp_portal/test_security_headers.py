"""Every response carries a Content Security Policy (ours never needs inline scripts or
styles) and the other hardening headers: pages, staff pages, static files, file downloads."""

import io
import re

from django.http import FileResponse
from django.test import Client, TestCase, override_settings
from django.urls import path

from core.roles import EDITOR
from tests.factories import make_commitment, make_user
from tests.helpers import EXPECTED_HEADERS, directives

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle=", re.I)


class PublicPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment()

    def test_public_pages_forbid_inline_scripts_and_styles(self):
        for url in ["/ar/", "/en/", self.commitment.get_absolute_url(), "/ar/no-such-page/"]:
            with self.subTest(url=url):
                policy = directives(self.client.get(url))
                assert policy["script-src"] == "'self'"
                assert policy["style-src"] == "'self'"
                assert policy["frame-ancestors"] == "'none'"
                assert policy["object-src"] == "'none'"

    def test_public_pages_have_no_inline_script_or_style_attribute(self):
        for url in ["/ar/", "/en/", self.commitment.get_absolute_url()]:
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                assert not INLINE_SCRIPT.search(html)
                assert not STYLE_ATTRIBUTE.search(html)

    def test_health_check_has_the_policy_too(self):
        assert "Content-Security-Policy" in self.client.get("/healthz")


class AdminPolicyTests(TestCase):
    def test_admin_allows_inline_styles_but_no_inline_script_beyond_one_known_handler(self):
        self.client.force_login(make_user(is_staff=True, is_superuser=True))
        policy = directives(self.client.get("/ar/admin/commitments/commitment/"))
        assert "'unsafe-inline'" in policy["style-src"]
        sources = policy["script-src"].split()
        assert "'unsafe-inline'" not in sources
        # The export page's select-all toggle, allowed by the hash of its exact text.
        assert sources == [
            "'self'",
            "'unsafe-hashes'",
            "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='",
        ]

    def test_admin_login_page_has_the_admin_policy(self):
        policy = directives(self.client.get("/ar/admin/login/"))
        assert "'unsafe-inline'" not in policy["script-src"]


class FaviconTests(TestCase):
    def test_favicon_ico_points_at_our_icon(self):
        response = self.client.get("/favicon.ico")
        assert response.status_code == 301
        assert response["Location"].endswith("img/favicon.svg")


# --- the same headers on every kind of response --------------------------------------------


def download(request):
    """A file download as the private-file views send one (FileResponse, attachment)."""
    return FileResponse(io.BytesIO(b"%PDF-1.4 letter"), as_attachment=True, filename="letter.pdf")


urlpatterns = [path("download/letter.pdf", download)]


class EveryResponseTests(TestCase):
    def assert_hardened(self, response):
        for name, value in EXPECTED_HEADERS.items():
            assert response[name] == value, name
        assert directives(response)["frame-ancestors"] == "'none'"

    def test_public_page(self):
        response = self.client.get("/ar/")
        assert response.status_code == 200
        self.assert_hardened(response)

    def test_staff_page(self):
        self.client.force_login(make_user(role=EDITOR, is_staff=True))
        response = self.client.get("/ar/manage/")
        assert response.status_code == 200
        self.assert_hardened(response)

    def test_sign_in_page_and_not_found_page(self):
        for url in ["/ar/manage/login/", "/en/no-such-page/"]:
            with self.subTest(url=url):
                self.assert_hardened(self.client.get(url))

    @override_settings(ROOT_URLCONF=__name__)
    def test_file_download(self):
        response = self.client.get("/download/letter.pdf")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        self.assert_hardened(response)
        assert directives(response)["script-src"] == "'self'"

    @override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
    def test_static_file_served_by_whitenoise(self):
        response = Client().get("/static/css/site.css")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/css")
        self.assert_hardened(response)
