"""Every PDF the portal makes, read back as its readers' tools read it (issue 17).

Each kind of PDF (the plan, the minutes, the consultation report, in Arabic and English,
and an approval letter) is rendered once for the module (`render_all`), then:

1. **Exact text** (core/pdf_text.py): read with `pdftotext`, as a search engine or a
   reader's "copy" would, every commitment title, milestone title, attendee name, agenda
   item, comment and response comes back word for word as stored. The only changes
   allowed are Unicode normalisation (NFKC: presentation forms back to letters) and what
   `pdftotext` adds of its own: its direction marks (U+202A-U+202E, around each run of the
   other direction) and a space it may put between a word and its punctuation or
   diacritic. Words must match exactly: a lost, doubled or extra letter («عم ية»,
   «الإللكترونية»), a word split in two («الإنجليز ية») or two words joined
   («Involvedفي») fails.
2. **Tagged PDF/UA-1** (core/pdf.py `PDF_VARIANT`), read with pikepdf as a checker would.
3. **One direction for ranges and dates**, from where the words stand (`pdftotext -bbox`).
"""

import datetime
import functools
import io
import re
import subprocess
import unicodedata

import pikepdf
from django.template.loader import render_to_string
from django.test import TestCase
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commitments.letters import printed_letter_context
from commitments.models import Commitment
from consultations.report import report_context
from core.pdf import PDF_BASE_URL, render_pdf, write_pdf_limited
from meetings.models import Meeting
from meetings.pdf import minutes_pdf
from plans.models import NARRATIVE_SECTIONS, PdfAudience, PlanStatus
from plans.pdf import plan_snapshots, render_snapshot
from tests.factories import (
    make_agenda_item,
    make_approval_letter,
    make_attendance,
    make_body,
    make_first_forum_meeting,
    make_membership,
    make_milestone,
    make_organisation,
    make_person,
    make_plan,
    make_published_comment,
    make_response,
    make_stages,
    make_titled_commitments,
    make_window,
)

PLAN_TITLES = {
    "ar": "خطة العمل الوطنية الخامسة 2021-2025",
    "en": "Fifth national action plan 2021-2025",
}
# Titles and names whose letters a PDF's text layer must give back whole and in order.
COMMITMENTS = [
    ("تحسين عملية المصلحة العامة في الملحق الإلكتروني", "Improve the public-interest process"),
    ("ترجمة الوثائق إلى اللغة الإنجليزية كما فعلناه سابقا", "Translate documents into English"),
]
MILESTONES = [("دليل عملية التجربة", "Process guide"), ("منصة متقدمة", "Advanced platform")]
ATTENDEES = [("سلمى الحداد", "Salma Haddad"), ("عمر الخليل", "Omar Khalil")]
AGENDA = ("مراجعة عملية الإعداد", "Review of the process")
# Arabic-Indic and Latin digits, Latin words inside Arabic, punctuation and a diacritic.
COMMENT = (
    "التجربة ٧٣١٩ لعام 2025 عبر منصة Open Data الوطنية، متقدم Involved في الملحق "
    "مع مراجعة (ربعية) للنتائج؟ شكراً."
)
# (Not "… في 2025." at the end: pdftotext moves a full stop that follows a number at the
# end of a right-to-left paragraph before the number, as it reorders runs by itself.)
REASON = (
    "أضفنا معلما للنشر الربعي ٤ مرات في 2025 كما طلبتم.",
    "A quarterly publication was added.",
)


def build():
    plan = make_plan(
        title_ar=PLAN_TITLES["ar"],
        title_en=PLAN_TITLES["en"],
        status=PlanStatus.FINAL,
        starts_on=datetime.date(2021, 9, 1),
        ends_on=datetime.date(2025, 8, 31),
    )
    make_stages(plan, planned_start=datetime.date(2021, 1, 1))
    lead = make_organisation(name_ar="وزارة التخطيط", name_en="Ministry of Planning")
    for commitment in make_titled_commitments(
        plan,
        lead,
        COMMITMENTS,
        starts_on=datetime.date(2022, 3, 1),
        ends_on=datetime.date(2024, 6, 30),
    ):
        for m_number, (m_ar, m_en) in enumerate(MILESTONES, start=1):
            make_milestone(commitment=commitment, number=m_number, title_ar=m_ar, title_en=m_en)
    forum = make_body(name_ar="منتدى الحكومة المنفتحة", name_en="Open government forum")
    meeting = make_first_forum_meeting(body=forum, plan=plan)
    for name_ar, name_en in ATTENDEES:
        make_attendance(
            meeting=meeting,
            status="present",
            person=make_person(name_ar=name_ar, name_en=name_en),
        )
    make_agenda_item(meeting=meeting, number=1, title_ar=AGENDA[0], title_en=AGENDA[1])
    make_membership(body=forum, organisation=lead)
    window = make_window(plan=plan, title_ar="مسودة الخطة", title_en="The draft plan")
    comment = make_published_comment(window=window, body=COMMENT)
    make_response(
        comment=comment,
        reason_ar=REASON[0],
        reason_en=REASON[1],
        published_at=timezone.now(),
    )
    letter = make_approval_letter(
        commitment=Commitment.objects.get(plan=plan, number=1), reference="L-2021/7"
    )
    return plan, meeting, window, letter


@functools.cache
def render_all() -> dict[str, bytes]:
    """Each PDF, by "<kind>-<language>", rendered once for the module (the classes below
    share the files; their data is rolled back after each class)."""
    found = {}
    plan, meeting, window, letter = build()
    for language, snapshot in plan_snapshots(plan, audience=PdfAudience.PUBLIC).items():
        found[f"plan-{language}"] = render_snapshot(snapshot).pdf
    meeting = Meeting.objects.for_detail().get(pk=meeting.pk)
    for language in ("ar", "en"):
        with translation.override(language):
            found[f"minutes-{language}"] = minutes_pdf(meeting)
            found[f"report-{language}"] = render_pdf(
                "consultations/report_pdf.html", report_context(window), base_url=PDF_BASE_URL
            )
    with translation.override("ar"):
        found["letter-ar"] = render_pdf(
            "manage/letters/letter_pdf.html", printed_letter_context(letter), base_url=PDF_BASE_URL
        )
    return found


# pdftotext's own marks around each run of the other direction.
DIRECTION_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e"), " ")
# A word (letters, digits, joined by nothing) or one other visible character.
TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Words and punctuation in order, after NFKC; spaces only separate them."""
    text = unicodedata.normalize("NFKC", text).translate(DIRECTION_MARKS)
    return TOKEN.findall(text)


def extracted(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


ARABIC = re.compile(r"[\u0600-\u06ff]")


def assert_prints(text: str, stored: str, *, language: str):
    """`stored` comes back from the PDF as a run of consecutive tokens. Arabic text in an
    English document (a citizen's comment) is checked word by word, each word whole, but
    not its word order: pdftotext orders every line of a page in the page's main
    direction, so it gives the words of a right-to-left line inside a left-to-right page
    in another order (the PDF draws them in the right one)."""
    found, wanted = tokens(text), tokens(stored)
    if language == "en" and ARABIC.search(stored):
        missing = [word for word in wanted if found.count(word) < wanted.count(word)]
        assert not missing, f"{stored!r}: {missing} not in the PDF's text"
        return
    joined = "\x00" + "\x00".join(found) + "\x00"
    assert "\x00" + "\x00".join(wanted) + "\x00" in joined, (
        f"{stored!r} is not in the PDF's text; words of it found: "
        f"{[word for word in wanted if word in found]}"
    )


EXPECTED = {
    "plan": lambda i: (
        [c[i] for c in COMMITMENTS]
        + [m[i] for m in MILESTONES]
        + [a[i] for a in ATTENDEES]
        + [AGENDA[i], COMMENT, REASON[i]]
    ),
    "minutes": lambda i: [a[i] for a in ATTENDEES] + [AGENDA[i]],
    "report": lambda i: [COMMENT, REASON[i]],
}


class PdfTextTests(TestCase):
    """Every PDF rendered once for the class."""

    @classmethod
    def setUpTestData(cls):
        cls.pdfs = render_all()
        cls.texts = {name: extracted(pdf) for name, pdf in cls.pdfs.items()}

    def test_every_stored_text_comes_back_word_for_word(self):
        for kind, expected in EXPECTED.items():
            for language, index in (("ar", 0), ("en", 1)):
                for stored in expected(index):
                    with self.subTest(kind=kind, language=language, stored=stored):
                        assert_prints(self.texts[f"{kind}-{language}"], stored, language=language)

    def test_approval_letter_prints_the_commitment_and_its_milestones_word_for_word(self):
        for stored in [COMMITMENTS[0][0], *[m[0] for m in MILESTONES], "L-2021/7"]:
            with self.subTest(stored=stored):
                assert_prints(self.texts["letter-ar"], stored, language="ar")

    def test_arabic_words_that_came_back_wrong_before_now_come_back_whole(self):
        """The words of the issue: «عملية» lost its lam, «الإلكترونية» gained one,
        «الإنجليزية» was split in two, «Involvedفي» lost its space."""
        text = unicodedata.normalize("NFKC", self.texts["plan-ar"]).translate(DIRECTION_MARKS)
        words = text.split()
        for word in ["عملية", "الإلكتروني", "الإنجليزية", "فعلناه", "الملحق", "المصلحة"]:
            assert word in words, word
        for wrong in ["عم ية", "الإللكتروني", "الإنجليز ية", "Involvedفي"]:
            assert wrong not in text, wrong

    def test_arabic_indic_digits_print_as_digits_with_their_space(self):
        """«التجربة ٧٣١٩» reads back with its Arabic-Indic digits, not other glyphs."""
        for kind in ("report-ar", "report-en", "plan-ar"):
            assert "٧٣١٩" in tokens(self.texts[kind]), kind
            assert "چ" not in self.texts[kind], kind


def test_plain_arabic_reads_back_as_written_in_both_bundled_fonts():
    """The fix itself, on plain HTML through our renderer: letters drawn as several glyphs
    and ligatures read back as written, none lost or doubled, in both Arabic fonts we
    bundle. Amiri (the documents' Arabic letters) gives every word whole; Noto Naskh
    Arabic (their digits and punctuation) draws the dots of a letter as glyphs moved off
    its place, where pdftotext may start a new word, so for it the letters are compared
    without the spaces."""
    sentence = "عملية ٧٣١٩ الإلكترونية الإنجليزية المصلحة Involved فعلناه"
    for family in ("Amiri Letters", "Noto Naskh Arabic"):
        with translation.override("ar"):
            html = render_to_string("pdf/base.html", {"page_counter_css": '""'})
        html = html.replace("</body>", f'<p class="sample">{sentence}</p></body>')
        html = html.replace(
            "</head>", f"<style>.sample {{ font-family: '{family}'; }}</style></head>"
        )
        text = extracted(write_pdf_limited(html, base_url=PDF_BASE_URL, timeout=60).pdf)
        if family == "Amiri Letters":
            assert tokens(text) == tokens(sentence), family
        else:
            assert "".join(tokens(text)) == "".join(tokens(sentence)), family


# --- One direction for ranges and dates (issue 17, point 3) ---

YEAR_RANGE = re.compile(r"^(\d{4})[-–](\d{4})$")
YEAR = re.compile(r"^(19|20)\d{2}\.?$")
BBOX_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
)


def words_on_page(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page, every word pdftotext sees with its left edge and baseline (`-bbox`); the
    word's characters are in the order they stand on the page, left to right."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append(
            [
                (float(x), float(y), unicodedata.normalize("NFKC", word))
                for x, y, word in BBOX_WORD.findall(page)
            ]
        )
    return pages


def years_by_line(page) -> list[list[int]]:
    """The years standing alone on each line of a page, left to right."""
    lines: dict[int, list] = {}
    for x, y, word in page:
        if YEAR.match(word):
            lines.setdefault(round(y), []).append((x, int(word[:4])))
    return [[year for _x, year in sorted(found)] for found in lines.values()]


class RangeDirectionTests(TestCase):
    """Where the plan's years and dates stand on the page (pdftotext -bbox), in both
    languages. One rule: a range reads in the direction of the language, its start first:
    on the right in Arabic ("2025–2021" from left to right), on the left in English
    ("2021–2025"); a year range (the title typed "2021-2025", the period the portal
    prints) as a date range, on the cover, in the running header and in the body."""

    @classmethod
    def setUpTestData(cls):
        pdfs = render_all()
        cls.pages = {language: words_on_page(pdfs[f"plan-{language}"]) for language in ("ar", "en")}

    def test_year_ranges_read_start_first_in_the_direction_of_the_language(self):
        for language, pages in self.pages.items():
            ranges = [
                (number, word)
                for number, page in enumerate(pages, start=1)
                for _x, _y, word in page
                if YEAR_RANGE.match(word)
            ]
            on_cover = [word for number, word in ranges if number == 1]
            assert len(on_cover) >= 2, (language, on_cover)  # the title and the period
            assert any(number > 1 for number, _word in ranges), language  # the header
            for number, word in ranges:
                left, right = map(int, YEAR_RANGE.match(word).groups())
                expected = (2025, 2021) if language == "ar" else (2021, 2025)
                assert (left, right) == expected, (language, number, word)

    def test_date_ranges_read_start_first_in_the_direction_of_the_language(self):
        for language, pages in self.pages.items():
            checked = 0
            for page in pages:
                for years in years_by_line(page):
                    if {2021, 2025} <= set(years) or {2022, 2024} <= set(years):
                        expected = sorted(years, reverse=language == "ar")
                        assert years == expected, (language, years)
                        checked += 1
            # The cover's dates and each commitment's period.
            assert checked >= 3, (language, checked)


# --- Tagged PDF/UA-1 (issue 17, point 2), read back with pikepdf as a checker would ---

DOCUMENTS = ["plan-ar", "plan-en", "minutes-ar", "minutes-en", "report-ar", "letter-ar"]


class TaggedPdfTests(TestCase):
    """The document language and title, the structure tree (headings in order, tables
    with header cells, lists, figures with alternative text) and the bookmark outline
    (the sections and each commitment)."""

    @classmethod
    def setUpTestData(cls):
        cls.pdfs = render_all()

    def open(self, name) -> pikepdf.Pdf:
        return pikepdf.open(io.BytesIO(self.pdfs[name]))

    def test_language_title_and_pdf_ua_identification(self):
        for name, language in [("plan-ar", "ar"), ("plan-en", "en"), ("minutes-ar", "ar")]:
            with self.subTest(name=name), self.open(name) as pdf:
                assert str(pdf.Root.Lang) == language
                assert bool(pdf.Root.MarkInfo.Marked)
                assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
                with pdf.open_metadata() as xmp:
                    assert xmp.get("pdfuaid:part") == "1"
                    if name.startswith("plan"):
                        assert xmp.get("dc:title") == PLAN_TITLES[language]
                if name.startswith("plan"):
                    assert str(pdf.docinfo.Title) == PLAN_TITLES[language]

    def test_headings_are_tagged_in_order_without_skipping_a_level(self):
        for name in DOCUMENTS:
            with self.subTest(name=name), self.open(name) as pdf:
                levels = [int(tag[2]) for tag, _node in elements(pdf) if is_heading(tag)]
                assert levels, name
                assert levels[0] == 1, (name, levels[:5])
                for before, after in zip(levels, levels[1:], strict=False):
                    assert after <= before + 1, (name, levels)

    def test_tables_have_header_cells_and_lists_are_lists(self):
        with self.open("plan-ar") as pdf:
            tags = [tag for tag, _node in elements(pdf)]
            tables = [node for tag, node in elements(pdf) if tag == "/Table"]
            assert len(tables) >= 3  # stages, forum members, facts, milestones, letters
            for table in tables:
                inside = [tag for tag, _node in walk(table)]
                assert "/TH" in inside, "a table without header cells"
                assert "/TD" in inside
            assert "/L" in tags and "/LI" in tags and "/LBody" in tags  # the contents page

    def test_every_figure_has_alternative_text(self):
        for name in DOCUMENTS:
            with self.subTest(name=name), self.open(name) as pdf:
                for tag, node in elements(pdf):
                    if tag == "/Figure":
                        assert str(node.get("/Alt", "")).strip(), (name, "a figure without alt")

    def test_bookmarks_list_the_sections_and_each_commitment(self):
        for language, index in (("ar", 0), ("en", 1)):
            with self.subTest(language=language), self.open(f"plan-{language}") as pdf:
                titles = [title for _depth, title in outline(pdf)]
                for commitment in COMMITMENTS:
                    assert commitment[index] in titles, titles
                with translation.override(language):
                    for _name, heading in NARRATIVE_SECTIONS:
                        assert str(heading) in titles
                    part = _("The commitments")
                # Each commitment one level below the part that holds them; the field
                # headings of the OGP template (h4) are not bookmarks.
                depths = {title: depth for depth, title in outline(pdf)}
                assert depths[COMMITMENTS[0][index]] == depths[part] + 1
                assert len(titles) < 40, titles


def walk(node):
    """(tag, node) of `node` and every structure element below it, in reading order."""
    tag = node.get("/S")
    if tag is not None:
        yield str(tag), node
    kids = node.get("/K")
    if isinstance(kids, pikepdf.Dictionary):
        kids = [kids]
    if isinstance(kids, pikepdf.Array | list):
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                yield from walk(kid)


def elements(pdf):
    return list(walk(pdf.Root.StructTreeRoot))


def is_heading(tag: str) -> bool:
    return len(tag) == 3 and tag.startswith("/H") and tag[2].isdigit()


def outline(pdf):
    """(depth, title) of every bookmark, in order."""
    found = []

    def visit(item, depth):
        while item is not None:
            found.append((depth, str(item.get("/Title"))))
            visit(item.get("/First"), depth + 1)
            item = item.get("/Next")

    visit(pdf.Root.Outlines.get("/First"), 0)
    return found
