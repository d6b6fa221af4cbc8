"""The shared PDF machinery (`ogp_portal.pdf`): only our own static files and data: URIs
are ever read; the minutes come out as A4 pages with the Arabic font embedded."""

import subprocess

import pytest
from django.test import SimpleTestCase

from ogp_portal.pdf import RefusedURL, StaticOnlyFetcher

BASE = "https://ogp-portal.invalid/"


class FetcherTests(SimpleTestCase):
    def test_serves_our_static_fonts_and_data_uris(self):
        fetcher = StaticOnlyFetcher(BASE)
        font = fetcher.fetch(
            BASE + "static/vendor/fonts/noto-naskh-arabic/files/"
            "noto-naskh-arabic-arabic-400-normal.woff2"
        )
        assert font.read(4) == b"wOF2"
        assert fetcher.fetch("data:text/plain,hello").read() == b"hello"

    def test_refuses_everything_else(self):
        fetcher = StaticOnlyFetcher(BASE)
        for url in [
            "file:///etc/passwd",
            "http://169.254.169.254/latest/meta-data/",
            "https://example.org/static/css/pdf.css",
            BASE + "media/documents/secret.pdf",
            BASE + "static/../ogp_portal/settings.py",
            BASE + "static/%2e%2e/ogp_portal/settings.py",
            BASE + "static/css/pdf.css?redirect=https://example.org",
        ]:
            with self.subTest(url), pytest.raises(RefusedURL):
                fetcher.fetch(url)
        assert len(fetcher.refused) == 7


def test_minutes_pdf_is_a4_with_embedded_arabic_font(db, tmp_path):
    from django.utils import translation

    from meetings.models import Meeting
    from meetings.pdf import minutes_pdf
    from tests.factories import make_attendance, make_meeting

    meeting = make_meeting(title_ar="محضر الاجتماع")
    make_attendance(meeting=meeting)
    with translation.override("ar"):
        pdf = minutes_pdf(Meeting.objects.for_detail().get(pk=meeting.pk))
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", path], capture_output=True, check=True, text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    fonts = subprocess.run(["pdffonts", path], capture_output=True, check=True, text=True).stdout
    assert "Amiri" in fonts
