"""Every page carries a Content Security Policy; ours never needs inline scripts or styles."""

import re

from django.test import TestCase

from tests.factories import make_commitment, make_user

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle=", re.I)


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


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
