"""Sharing: Open Graph and X card tags on the window and commitment pages (absolute URLs
from SITE_URL or the request, our own image) and plain share links, no outside script."""

import re
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from django.test import TestCase, override_settings

from tests.helpers import make_open_window

XSS = '"><script>alert(1)</script>'


def meta(page: str, key: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', page)
    assert found, key
    return found.group(1)


class SharingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.commitment, _other = make_open_window(
            title_en="Draft commitments " + XSS, description_en="Tell us what you think."
        )

    def setUp(self):
        cache.clear()

    def window_page(self):
        return self.client.get(f"/en/consultations/{self.window.pk}/").content.decode()

    def test_window_card_from_the_request(self):
        page = self.window_page()
        assert meta(page, "og:title").startswith("Draft commitments &quot;&gt;&lt;script&gt;")
        assert meta(page, "og:description") == "Tell us what you think."
        assert meta(page, "og:url") == f"http://testserver/en/consultations/{self.window.pk}/"
        assert meta(page, "og:image") == "http://testserver/static/img/share-card.png"
        assert meta(page, "og:locale") == "en_GB"
        assert meta(page, "twitter:card") == "summary_large_image"
        assert meta(page, "twitter:image") == meta(page, "og:image")
        assert "<script>alert(1)" not in page

    @override_settings(SITE_URL="https://ogp.example.gov.jo")
    def test_site_url_wins_over_the_request(self):
        page = self.window_page()
        assert meta(page, "og:url") == (
            f"https://ogp.example.gov.jo/en/consultations/{self.window.pk}/"
        )
        assert meta(page, "og:image").startswith("https://ogp.example.gov.jo/static/img/")

    def test_share_links_are_plain_links_to_each_network(self):
        page = self.window_page()
        url = f"http://testserver/en/consultations/{self.window.pk}/"
        links = re.findall(r'href="(https://[^"]+)"', page)
        facebook = next(link for link in links if "facebook.com/sharer" in link)
        assert parse_qs(urlsplit(facebook.replace("&amp;", "&")).query)["u"] == [url]
        x = next(link for link in links if "twitter.com/intent/tweet" in link)
        assert parse_qs(urlsplit(x.replace("&amp;", "&")).query)["url"] == [url]
        whatsapp = next(link for link in links if link.startswith("https://wa.me/"))
        assert url in parse_qs(urlsplit(whatsapp.replace("&amp;", "&")).query)["text"][0]
        assert f'value="{url}" readonly' in page
        # Only our own scripts.
        for source in re.findall(r'<script[^>]*src="([^"]+)"', page):
            assert source.startswith("/static/"), source

    def test_commitment_page_has_its_card_and_share_links(self):
        page = self.client.get("/en" + self.commitment.get_absolute_url()[3:]).content.decode()
        assert meta(page, "og:title").startswith(f"Commitment {self.commitment.number}:")
        assert meta(page, "og:url").endswith(self.commitment.get_absolute_url()[3:])
        assert "facebook.com/sharer/sharer.php" in page
        assert "wa.me/?text=" in page

    def test_arabic_page_has_the_arabic_locale(self):
        page = self.client.get(f"/ar/consultations/{self.window.pk}/").content.decode()
        assert meta(page, "og:locale") == "ar_JO"
