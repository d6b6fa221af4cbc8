"""The shared PDF machinery (`core.pdf`): only our own static files and data: URIs
are ever read; the minutes come out as A4 pages with the Arabic font embedded."""

import io
import subprocess

import pytest
from django.test import SimpleTestCase

from core.pdf import RefusedURL, StaticOnlyFetcher

BASE = "https://ogp-portal.invalid/"


class FetcherTests(SimpleTestCase):
    def test_serves_our_static_fonts_and_data_uris(self):
        fetcher = StaticOnlyFetcher(BASE)
        font = fetcher.fetch(
            BASE + "static/vendor/fonts/noto-naskh-arabic/files/"
            "noto-naskh-arabic-arabic-400-normal.woff2"
        )
        # Served decoded, as TrueType: WeasyPrint would otherwise decode it on every render.
        assert font.read(4) == b"\x00\x01\x00\x00"
        assert fetcher.fetch("data:text/plain,hello").read() == b"hello"

    def test_a_web_font_is_decoded_once_and_kept_by_its_hash(self):
        from fontTools.ttLib import TTFont

        from core import pdf

        path = pdf.finders.find("vendor/fonts/amiri/files/amiri-arabic-400-normal.woff2")
        first = pdf.decoded_font(path)
        kept = list(pdf.FONT_CACHE_DIR.glob("*.ttf"))
        assert kept
        assert pdf.decoded_font(path) == first
        assert "Amiri" in TTFont(io.BytesIO(first))["name"].getDebugName(1)

    def test_decoded_fonts_are_kept_only_in_a_folder_of_this_user_alone(self):
        import os
        import stat
        import tempfile
        from pathlib import Path

        from core import pdf

        with tempfile.TemporaryDirectory() as scratch:
            own = Path(scratch) / "fonts"
            assert pdf.private_folder(own)
            assert stat.S_IMODE(own.stat().st_mode) == 0o700
            shared = Path(scratch) / "shared"
            shared.mkdir()
            os.chmod(shared, 0o777)  # as a folder anyone could have made in /tmp
            assert not pdf.private_folder(shared)

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


def test_minutes_pdf_prints_every_attendee_agenda_item_and_outcome(db):
    """Printed from `minutes_part` through the partial annex A of the plan shares."""
    from django.utils import translation

    from meetings.models import Meeting
    from meetings.pdf import minutes_pdf
    from tests.factories import (
        make_agenda_item,
        make_attendance,
        make_meeting,
        make_organisation,
        make_outcome,
        make_person,
    )

    meeting = make_meeting(title_ar="اجتماع", title_en="Steering meeting", platform="Zoom")
    expected = ["Steering meeting", "Zoom"]
    for n, status in enumerate(["present", "present", "absent"], start=1):
        person = make_person(name_ar=f"شخص {n}", name_en=f"Attendee Number{n}")
        organisation = make_organisation(name_en=f"Organisation Number{n}")
        make_attendance(meeting=meeting, person=person, organisation=organisation, status=status)
        expected += [f"Attendee Number{n}", f"Organisation Number{n}"]
    for n in (1, 2):
        make_agenda_item(
            meeting=meeting,
            number=n,
            title_en=f"Agenda item number{n}",
            discussion_en=f"Discussed point{n}.",
        )
        make_outcome(meeting=meeting, number=n, decision_en=f"Decision number{n}")
        expected += [f"Agenda item number{n}", f"Discussed point{n}.", f"Decision number{n}"]
    with translation.override("en"):
        pdf = minutes_pdf(Meeting.objects.for_detail().get(pk=meeting.pk))
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    for words in expected:
        assert words in flat, words
    assert "Apologised or absent" in flat
