"""Bounded rich text and a bounded minutes PDF: an agenda discussion of thousands of nested
lists is refused by the form with a clear message (nothing saved); a row that already holds
one (written past the form) gives the public "not available", never a 500, and is not
rendered again on every hit; public pages answer while a minutes PDF is being made; the
minutes published are printed once in the background and then served from storage."""

from unittest import mock

from django.core.files.storage import default_storage
from django.test import Client, TestCase
from django.urls import reverse

from core.pdf import PdfUnavailable, RenderTimeout, write_pdf_limited
from core.roles import EDITOR, FOCAL_POINT, FORUM_MEMBER
from meetings import tasks
from meetings.forms import AgendaItemForm
from meetings.models import AgendaItem
from meetings.richtext import MAX_CHARS, MAX_NESTING, nesting_depth
from tests.factories import (
    MINUTES_PUBLISHED_AT,
    make_agenda_item,
    make_attendance,
    make_document,
    make_meeting,
    make_plan,
    make_published_meeting,
    make_user,
)
from tests.helpers import FAST


def nested_lists(depth: int) -> str:
    return "<ul><li>" * depth + "بند" + "</li></ul>" * depth


DEEP = nested_lists(2000)


def agenda_post(discussion: str) -> dict:
    """The agenda formset of the workspace with one new item, opened on version 1."""
    return {
        "version": "1",
        "agenda_items-TOTAL_FORMS": "1",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-MIN_NUM_FORMS": "0",
        "agenda_items-MAX_NUM_FORMS": "1000",
        "agenda_items-0-number": "1",
        "agenda_items-0-title_ar": "بند",
        "agenda_items-0-discussion_ar": discussion,
    }


def forget_stored_pdfs(meeting) -> None:
    """Remove the stored PDFs and failure records of `meeting` (the files outlive a test's
    database, and a later test may reuse its primary key)."""
    for language in ("ar", "en"):
        folder = f"pdf/minutes/{meeting.pk}/{language}"
        if default_storage.exists(folder):
            for name in default_storage.listdir(folder)[1]:
                default_storage.delete(f"{folder}/{name}")


def agenda_form(discussion: str) -> AgendaItemForm:
    return AgendaItemForm(data={"number": "1", "title_ar": "بند", "discussion_ar": discussion})


class RichTextLimitTests(TestCase):
    def test_two_thousand_nested_lists_are_refused_with_a_clear_message(self):
        form = agenda_form(DEEP)
        assert not form.is_valid()
        assert "nested more than 20 levels deep" in form.errors["discussion_ar"][0]

    def test_nesting_at_the_bound_is_kept(self):
        form = agenda_form(nested_lists(MAX_NESTING // 2))  # a <ul> and an <li> per level
        assert form.is_valid(), form.errors
        assert nesting_depth(form.cleaned_data["discussion_ar"]) == MAX_NESTING

    def test_text_over_the_size_bound_is_refused(self):
        form = agenda_form("ن" * (MAX_CHARS + 1))
        assert not form.is_valid()
        assert "This text is too long" in form.errors["discussion_ar"][0]

    def test_plain_text_and_ordinary_html_pass(self):
        form = agenda_form("<p>نص <strong>مهم</strong></p><ol><li>أ</li><li>ب</li></ol>")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["discussion_ar"].startswith("<p>نص <strong>مهم</strong>")

    def test_depth_counts_elements_not_line_breaks(self):
        assert nesting_depth("<p>a<br>b<br>c</p>") == 1
        assert nesting_depth(nested_lists(3)) == 6


@FAST
class WorkspaceAgendaTests(TestCase):
    """The workspace agenda screen refuses deep nesting in the page's language and saves
    nothing; who may post at all is unchanged."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.meeting = make_meeting()
        cls.url = reverse("manage:meeting_agenda", kwargs={"pk": cls.meeting.pk})

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url, agenda_post(DEEP))
        assert response.status_code == 302
        assert reverse("manage:login") in response["Location"]
        assert not AgendaItem.objects.exists()

    def test_wrong_roles_are_refused(self):
        for user in (self.forum_member, self.focal_point):
            self.client.force_login(user)
            with self.subTest(user.username):
                assert self.client.post(self.url, agenda_post(DEEP)).status_code == 403
        assert not AgendaItem.objects.exists()

    def editor_posts_deep_nesting(self, language: str):
        self.client.force_login(self.editor)
        return self.client.post(f"/{language}" + self.url[3:], agenda_post(DEEP))

    def test_editor_gets_the_reason_in_english_and_nothing_is_saved(self):
        response = self.editor_posts_deep_nesting("en")
        self.assertContains(response, "nested more than 20 levels deep")
        assert not AgendaItem.objects.exists()

    def test_editor_gets_the_reason_in_arabic(self):
        response = self.editor_posts_deep_nesting("ar")
        self.assertContains(response, "أكثر من 20 مستوى")
        assert not AgendaItem.objects.exists()

    def test_editor_saves_ordinary_rich_text(self):
        self.client.force_login(self.editor)
        response = self.client.post(self.url, agenda_post("<ul><li>أ</li></ul>"))
        assert response.status_code == 302
        assert AgendaItem.objects.get().discussion_ar == "<ul><li>أ</li></ul>"


def published_meeting(*, attendee: bool = True):
    """A meeting of a plan, its minutes published on 2 December 2021, with an `attendee`
    and agenda item 1."""
    meeting = make_published_meeting(plan=make_plan(), minutes_published_at=MINUTES_PUBLISHED_AT)
    if attendee:
        make_attendance(meeting=meeting)
    make_agenda_item(meeting=meeting, number=1)
    return meeting


class StoredDeepNestingTests(TestCase):
    """A row written past the form (`.update()`, as an old import or the admin could)."""

    @classmethod
    def setUpTestData(cls):
        cls.meeting = published_meeting()
        AgendaItem.objects.filter(meeting=cls.meeting).update(
            discussion_ar=DEEP, discussion_en=DEEP
        )
        cls.pdf_url = f"/en/meetings/{cls.meeting.pk}/minutes.pdf"
        cls.page_url = f"/en/meetings/{cls.meeting.pk}/"

    def setUp(self):
        self.addCleanup(forget_stored_pdfs, self.meeting)

    def test_deep_nesting_gives_not_available_once_then_at_once(self):
        """The real renderer hits its recursion limit in the child process: a 404 "not
        available" page in the visitor's language, and the next visitors get the same
        answer without a second render."""
        response = self.client.get(self.pdf_url)
        self.assertContains(response, "This PDF is not available", status_code=404)
        self.assertContains(response, f'href="{self.page_url}"', status_code=404)
        assert "nested too deeply" not in response.content.decode()  # the reason is for staff
        folder = f"pdf/minutes/{self.meeting.pk}/en"
        markers = [name for name in default_storage.listdir(folder)[1] if name.endswith(".failed")]
        assert len(markers) == 1
        with default_storage.open(f"{folder}/{markers[0]}") as marker:
            assert marker.read() == b"too_deep"
        with mock.patch("core.pdf.write_pdf_limited") as render:
            again = self.client.get(self.pdf_url)
        render.assert_not_called()
        assert again.status_code == 404
        # The page itself stays readable.
        assert self.client.get(self.page_url).status_code == 200

    def test_arabic_visitor_reads_not_available_in_arabic(self):
        with mock.patch("core.pdf.write_pdf_limited", side_effect=RenderTimeout("slow")):
            response = self.client.get(f"/ar/meetings/{self.meeting.pk}/minutes.pdf")
        self.assertContains(response, "ملف PDF هذا غير متاح", status_code=404)


class RenderInProgressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meeting = published_meeting(attendee=False)
        cls.pdf_url = f"/en/meetings/{cls.meeting.pk}/minutes.pdf"
        cls.page_url = f"/en/meetings/{cls.meeting.pk}/"

    def setUp(self):
        self.addCleanup(forget_stored_pdfs, self.meeting)

    def test_public_pages_answer_while_a_render_runs_and_it_is_not_started_twice(self):
        """While the render runs (a stand-in that stops at its time limit), another visitor
        reads the minutes page, and a second download of the same PDF is told to come back
        instead of starting a render of its own."""
        seen = {}

        def slow_render(html, *, base_url, timeout):
            other = Client()
            seen["page"] = other.get(self.page_url).status_code
            second = other.get(self.pdf_url)
            seen["second"] = (second.status_code, second.get("Retry-After"))
            raise RenderTimeout(f"The PDF was not ready after {timeout} seconds.")

        with mock.patch("core.pdf.write_pdf_limited", side_effect=slow_render) as render:
            response = self.client.get(self.pdf_url)
        assert render.call_count == 1
        assert seen == {"page": 200, "second": (503, "15")}
        self.assertContains(response, "This PDF is not available", status_code=404)


class PublishedMinutesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meeting = published_meeting()
        cls.document = make_document(plan=cls.meeting.plan, language="ar", title_ar="محضر")

    def setUp(self):
        self.addCleanup(forget_stored_pdfs, self.meeting)

    def test_published_minutes_are_printed_in_the_background_then_served_without_rendering(self):
        assert tasks.attach_minutes_pdf.call(self.meeting.pk, self.document.pk) is True
        self.document.refresh_from_db()
        assert self.document.file.read(4) == b"%PDF"
        with mock.patch("core.pdf.write_pdf_limited") as render:
            for language in ("ar", "en"):
                response = self.client.get(f"/{language}/meetings/{self.meeting.pk}/minutes.pdf")
                with self.subTest(language):
                    assert response.status_code == 200
                    assert response["Content-Type"] == "application/pdf"
                    assert response.content.startswith(b"%PDF")
        render.assert_not_called()

    def test_minutes_that_cannot_be_printed_keep_their_entry_without_a_file(self):
        failing = mock.patch(
            "core.pdf.write_pdf_limited", side_effect=PdfUnavailable("deep", "too_deep")
        )
        with failing:
            assert tasks.attach_minutes_pdf.call(self.meeting.pk, self.document.pk) is False
        self.document.refresh_from_db()
        assert not self.document.file


class LimitTests(TestCase):
    def test_a_render_over_its_memory_limit_is_stopped(self):
        html = "<p>" + "نص " * 20000 + "</p>"
        with self.assertRaises(PdfUnavailable):
            write_pdf_limited(html, base_url="https://ogp-portal.invalid/", memory_mb=1)
