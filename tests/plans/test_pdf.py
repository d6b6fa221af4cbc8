"""The plan document as a PDF (plans/pdf.py, plans/tasks.py, core/pdf.py): what it
prints in Arabic and English, its fonts, the DRAFT mark, safety against injected markup,
rendering only when the content changes, and final versions that never change.

The PDFs are read back with poppler (`pdftotext`, `pdffonts`, `pdfinfo`, `pdfimages`,
`pdfdetach`), as a reader's tools would.
"""

import re
import subprocess
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import TestCase
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commitments.models import Commitment
from core.pdf import RenderFailed, RenderTimeout, write_pdf_limited
from plans import services, tasks
from plans.models import PdfAudience, PlanPdf, PlanPublication, PlanStatus
from plans.pdf import (
    PDF_BASE_URL,
    content_key,
    plan_snapshots,
    render_snapshot,
    render_snapshot_html,
)
from plans.views import current_draft
from tests.factories import (
    COMMITMENTS,
    MILESTONES,
    NARRATIVE,
    build_plan,
    make_user,
)
from tests.helpers import normalised, pdf_text_of


def pdf_text(path, *, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def page_count(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def write(tmp_path, name: str, pdf: bytes):
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


@pytest.fixture
def tmp(tmp_path):
    return tmp_path


class PlanPdfContentTests(TestCase):
    """One draft per language, rendered once for the class."""

    @classmethod
    def setUpTestData(cls):
        cls.plan = build_plan()
        cls.snapshots = plan_snapshots(cls.plan, audience=PdfAudience.STAFF)
        cls.pdfs = {lang: render_snapshot(snap) for lang, snap in cls.snapshots.items()}

    @pytest.fixture(autouse=True)
    def files(self, tmp_path):
        self.paths = {
            lang: write(tmp_path, f"{lang}.pdf", rendered.pdf)
            for lang, rendered in self.pdfs.items()
        }

    def test_text_has_every_commitment_title_and_milestone_in_both_languages(self):
        for lang, index in (("ar", 0), ("en", 1)):
            text = normalised(pdf_text(self.paths[lang]))
            for titles in COMMITMENTS:
                assert normalised(titles[index]) in text, (lang, titles[index])
            for number in (1, 2):
                for milestone in MILESTONES:
                    expected = normalised(f"{milestone[index]} {number}")
                    assert expected in text, (lang, expected)
            assert "L-1" in text  # annex C

    def test_english_text_has_the_narrative_and_the_annexes(self):
        """Checked in English: in Arabic, pdftotext drops a medial lam after some letters of
        Amiri Regular (عم ية for عملية), an extraction quirk, not a printing one."""
        text = normalised(pdf_text(self.paths["en"]))
        for arabic_and_english in NARRATIVE.values():
            assert normalised(arabic_and_english[1]) in text
        # Annex A: the minutes, as the minutes PDF prints them.
        for minutes in [
            "First forum meeting",
            "Salma Haddad",
            "Programme officer",
            "Omar Khalil",
            "Review of the draft commitments",
            "The forum agreed the draft.",
            "Adopt the draft",
        ]:
            assert normalised(minutes) in text, minutes
        assert "alert(1)" not in text  # the discussion's markup is cleaned, not printed
        # Annex B: the report, as its page and PDF print it.
        assert normalised("يرجى نشر البيانات شهريا") in text  # the comment, as written
        assert normalised("A monthly publication milestone was added") in text
        assert normalised("Comments by governorate") in text

    def test_only_bundled_fonts_all_embedded(self):
        for path in self.paths.values():
            listing = subprocess.run(
                ["pdffonts", str(path)], capture_output=True, text=True, check=True
            ).stdout.splitlines()[2:]
            assert listing
            for line in listing:
                name, emb = line.split()[0], line.split()[-5]
                assert re.match(
                    r"^[A-Z]{6}\+(Noto-Sans|Noto-Naskh-Arabic|Amiri-Letters)(-Regular|-Bold|-Semi-Bold)?$",
                    name,
                ), line
                assert emb == "yes", line

    def test_page_count_is_stable_between_two_renders(self):
        again = render_snapshot(self.snapshots["ar"]).pdf
        assert page_count(self.paths["ar"]) == page_count(
            write(self.paths["ar"].parent, "b.pdf", again)
        )
        info = subprocess.run(
            ["pdfinfo", str(self.paths["ar"])], capture_output=True, text=True, check=True
        ).stdout
        assert "595.276 x 841.89 pts (A4)" in info

    def test_draft_mark_and_page_numbers_on_every_page(self):
        for lang, path in self.paths.items():
            with translation.override(lang):
                mark, counter = _("DRAFT"), _("Page %(page)s of %(pages)s")
            total = page_count(path)
            assert total >= 8  # cover, contents, chapters, a page per commitment, annexes
            for page in range(1, total + 1):
                text = normalised(pdf_text(path, page=page))
                assert normalised(mark) in text, (lang, page)
                if page > 1 and lang == "en":
                    assert normalised(counter % {"page": page, "pages": total}) in text, page

    def test_table_of_contents_gives_page_numbers(self):
        contents = normalise_spaces(pdf_text(self.paths["en"], page=2))
        assert re.search(r"Commitment 1: Good governance in associations ?\.{5,} ?\d+", contents)

    def test_arabic_document_is_right_to_left(self):
        html_dir = self.snapshots["ar"]["language"]
        assert html_dir == "ar"
        assert 'dir="rtl"' in render_snapshot_html(self.snapshots["ar"])[:300]


class SharedLayoutTests(TestCase):
    """The annexes print the partials of the minutes PDF and of the consultation report,
    from the same plain data: a change to either layout shows in the plan too."""

    @classmethod
    def setUpTestData(cls):
        cls.plan = build_plan()
        cls.snapshot = plan_snapshots(cls.plan, audience=PdfAudience.STAFF, languages=["en"])["en"]

    def annex(self, html: str, start: str, end: str) -> str:
        return html[html.index(f'id="{start}"') : html.index(f'id="{end}"')]

    def test_minutes_pdf_and_annex_a_print_the_same_partial_and_data(self):
        from meetings.models import Meeting
        from meetings.pdf import minutes_part

        meeting = Meeting.objects.for_detail().get(plan=self.plan)
        with translation.override("en"):
            minutes = minutes_part(meeting)
            with self.assertTemplateUsed("meetings/_minutes_body.html"):
                standalone = render_to_string("meetings/minutes_pdf.html", {"minutes": minutes})
        assert self.snapshot["meetings"] == [minutes]
        with self.assertTemplateUsed("meetings/_minutes_body.html"):
            annex = self.annex(render_snapshot_html(self.snapshot), "annex-a", "annex-b")
        for structure in [
            '<table class="facts minutes-facts">',
            '<section class="minutes-attendees">',
            '<table class="attendees">',
            '<ul class="absent">',
            '<section class="minutes-agenda">',
            '<section class="minutes-outcomes">',
            '<table class="outcomes">',
            "Salma Haddad",
            "Review of the draft commitments",
            "The forum <strong>agreed</strong> the draft.",
            "Adopt the draft",
        ]:
            assert structure in standalone, structure
            assert structure in annex, structure
        assert "<script>" not in annex and "alert(1)" not in annex
        # One level down in the plan: a meeting is a subsection of its annex.
        assert "<h2>Attendees</h2>" in standalone and "<h4>Attendees</h4>" in annex

    def test_report_page_pdf_and_annex_b_print_the_same_partial_and_data(self):
        from consultations.models import CommentWindow
        from consultations.report import report_context

        window = CommentWindow.objects.get(plan=self.plan)
        with translation.override("en"):
            context = report_context(window)
            with self.assertTemplateUsed("consultations/_report_body.html"):
                standalone = render_to_string("consultations/report_pdf.html", context)
        assert self.snapshot["consultation"] == [context["report"]]
        with self.assertTemplateUsed("consultations/_report_body.html"):
            annex = self.annex(render_snapshot_html(self.snapshot), "annex-b", "annex-c")
        for structure in [
            '<div class="report-charts">',
            '<ol class="report-rows">',  # one row per campaign group or comment
            '<li class="report-row">',
            '<div class="report-response">',
            "يرجى نشر البيانات شهريا",
            "A monthly publication milestone was added",
        ]:
            assert structure in standalone, structure
            assert structure in annex, structure
        assert f'id="report-{window.pk}-summary"' in annex


class MissingPartsTests(TestCase):
    def test_incomplete_plan_renders_as_draft_listing_gaps_and_publishing_is_refused(self):
        plan = build_plan(complete=False)
        Commitment.objects.filter(plan=plan, number=2).update(problem_en="")
        snapshot = plan_snapshots(plan, audience=PdfAudience.STAFF, languages=["en"])["en"]
        text = pdf_text_of(render_snapshot(snapshot).pdf)
        assert "Still missing before the final plan can be published" in text
        assert "Commitment 2 is missing: problem addressed (English)." in normalise_spaces(text)
        coordinator = make_user(role="coordinator")
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            services.publish_final_plan(plan=plan, by=coordinator, now=timezone.now())
        messages = refused.value.messages
        assert "The plan: “introduction (Arabic)” is empty." in messages
        assert "Commitment 2 is missing: problem addressed (English)." in messages
        assert not PlanPublication.objects.exists()

    def test_a_plan_before_final_status_cannot_publish_its_final_document(self):
        plan = build_plan(status=PlanStatus.CONSULTATION)
        with translation.override("en"):
            problems = services.final_publication_problems(plan)
        assert problems == [
            "The plan must reach the “Final” status before its final document is published."
        ]


def normalise_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text)


INJECTIONS = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/hostname">',
    "<style>@import url(http://example.org/evil.css);</style>",
]


class InjectionTests(TestCase):
    def test_markup_in_plan_text_is_printed_as_text_and_fetches_nothing(self):
        plan = build_plan(introduction_en="\n\n".join(INJECTIONS))
        Commitment.objects.filter(plan=plan, number=1).update(
            title_en='<img src="http://169.254.169.254/latest">'
        )
        snapshot = plan_snapshots(plan, audience=PdfAudience.STAFF, languages=["en"])["en"]
        rendered = render_snapshot(snapshot)
        assert rendered.refused == []
        assert all(url.startswith(PDF_BASE_URL + "static/") for url in rendered.requested)
        text = normalise_spaces(pdf_text_of(rendered.pdf))
        assert 'src="file:///etc/passwd"' in text  # shown, escaped, as the words typed
        assert_no_images_or_attachments(rendered.pdf)

    def test_the_fetcher_refuses_injected_urls_even_in_raw_html(self):
        """If markup ever got past escaping, nothing outside our static files is read."""
        html = "<html><body><p>x</p>" + "".join(INJECTIONS) + "</body></html>"
        with mock.patch("urllib.request.urlopen", side_effect=AssertionError("network")):
            rendered = write_pdf_limited(html, base_url=PDF_BASE_URL)
        assert sorted(rendered.refused) == [
            "file:///etc/hostname",
            "file:///etc/passwd",
            "http://example.org/evil.css",
        ]
        assert_no_images_or_attachments(rendered.pdf)


def assert_no_images_or_attachments(pdf: bytes) -> None:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        images = subprocess.run(
            ["pdfimages", "-list", handle.name], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        attachments = subprocess.run(
            ["pdfdetach", "-list", handle.name], capture_output=True, text=True, check=True
        ).stdout
    assert images == []
    assert attachments.startswith("0 embedded files")


class TimeLimitTests(TestCase):
    def test_a_render_past_its_time_limit_is_stopped(self):
        html = "<p>" + "كلمة " * 20000 + "</p>"
        with pytest.raises(RenderTimeout):
            write_pdf_limited(html, base_url=PDF_BASE_URL, timeout=0.05)

    def test_oversized_input_is_refused_before_rendering(self):
        with (
            mock.patch("core.pdf.MAX_HTML_CHARS", 100),
            pytest.raises(RenderFailed, match="too large"),
        ):
            write_pdf_limited("<p>" + "x" * 200 + "</p>", base_url=PDF_BASE_URL)


class DraftCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = build_plan()

    def test_unchanged_plan_is_not_rendered_again_and_a_change_is(self):
        with mock.patch.object(tasks, "render_snapshot", wraps=tasks.render_snapshot) as render:
            first = current_draft(self.plan, "en", PdfAudience.STAFF)
            again = current_draft(self.plan, "en", PdfAudience.STAFF)
            assert render.call_count == 1
            assert again.pk == first.pk and again.size == first.size > 1000

            Commitment.objects.filter(plan=self.plan, number=1).update(title_en="A new title")
            changed = current_draft(self.plan, "en", PdfAudience.STAFF)
            assert render.call_count == 2
        assert changed.content_key != first.content_key
        assert "Anewtitle" in normalised(pdf_text_of(changed.file.read()))
        # The outdated draft is gone; only the current one is kept.
        assert list(PlanPdf.objects.filter(plan=self.plan, language="en")) == [changed]

    def test_public_draft_leaves_out_unpublished_commitments(self):
        Commitment.objects.filter(plan=self.plan, number=2).update(is_published=False)
        public = plan_snapshots(self.plan, audience=PdfAudience.PUBLIC, languages=["en"])["en"]
        staff = plan_snapshots(self.plan, audience=PdfAudience.STAFF, languages=["en"])["en"]
        assert [c["number"] for c in public["commitments"]] == [1]
        assert [c["number"] for c in staff["commitments"]] == [1, 2]
        assert content_key(public) != content_key(staff)


class FinalVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = build_plan()
        cls.coordinator = make_user(role="coordinator")

    def publish(self):
        with self.captureOnCommitCallbacks(execute=True):
            return services.publish_final_plan(
                plan=self.plan, by=self.coordinator, now=timezone.now()
            )

    def test_published_final_pdf_does_not_change_after_a_commitment_edit(self):
        publications = self.publish()
        assert [p.language for p in publications] == ["ar", "en"]
        english = PlanPublication.objects.get(plan=self.plan, number=1, language="en")
        original = english.file.read()
        english.file.close()
        text = pdf_text_of(original)
        assert "DRAFT" not in text
        assert "Final version 1, published on" in normalise_spaces(text)
        assert english.size == len(original)

        Commitment.objects.filter(plan=self.plan, number=1).update(title_en="Edited later")
        tasks.render_publication_pdf.enqueue(english.pk)  # a stray re-render changes nothing
        english.refresh_from_db()
        assert english.file.read() == original
        assert "Editedlater" not in normalised(pdf_text_of(original))

        second = self.publish()
        assert {p.number for p in second} == {2}
        newer = PlanPublication.objects.get(plan=self.plan, number=2, language="en")
        assert "Editedlater" in normalised(pdf_text_of(newer.file.read()))
        # The first version stays, unchanged, beside the new one.
        assert PlanPublication.objects.filter(plan=self.plan).count() == 4
        english.refresh_from_db()
        assert english.file.read() == original
