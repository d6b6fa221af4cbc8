"""The report at national scale: one row per campaign group or single comment (quote,
count, channels, campaign mark, themes, disposition and reason, commitment, what changed
since the draft), paginated and filtered in SQL with a fixed number of queries; the
window's figures (totals, groups, charts) counted by the database and kept until a write
changes them; the downloads hold every row and a `cluster` column. The window
page, which holds the comment form, reads its commitments once at any size."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from consultations import services
from consultations.report import REPORT_PER_PAGE, report_context
from core.page_cache import generation
from tests.factories import (
    make_comment,
    make_commitment,
    make_milestone,
    make_published_comment,
    make_response,
    make_user,
)
from tests.helpers import make_open_window

CAMPAIGN = (
    "We call on the government to pass a whistleblower protection law within the plan period"
    " and to publish an annual report on the complaints received."
)


class ReportRowsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, cls.second = make_open_window()
        cls.editor = make_user(role="editor")
        cls.coordinator = make_user(role="coordinator")
        cls.copies = [
            make_published_comment(
                window=cls.window, commitment=cls.first, body=CAMPAIGN + end, channel=ch
            )
            for end, ch in (("", "site"), (" Thanks", "workshop"), ("!", "letter"))
        ]
        cls.single = make_published_comment(
            window=cls.window,
            commitment=cls.second,
            body="Schools should publish their budgets.",
            channel="workshop",
            source_event="Irbid youth workshop",
            source_place="Irbid",
            taken_down_by="Huda, note-taker",
            logged_by=cls.editor,
        )
        make_comment(window=cls.window, body=CAMPAIGN + ".")  # pending: not in the report
        services.regroup_window(window=cls.window)
        cls.group = cls.copies[0].__class__.objects.get(pk=cls.copies[0].pk).group
        cls.theme = services.create_theme(
            window=cls.window, name_ar="النزاهة", name_en="Integrity", user=cls.editor
        )
        services.assign_theme(theme=cls.theme, comments=cls.copies, user=cls.editor)
        services.answer_group(
            group=cls.group,
            outcome="accepted",
            reason_ar="أضيف معلم",
            reason_en="A milestone was added.",
            user=cls.editor,
        )
        services.publish_responses(comments=cls.copies, user=cls.coordinator)

    def url(self, name="report", language="en", **query):
        path = reverse(f"consultations:{name}", kwargs={"pk": self.window.pk})
        return f"/{language}" + path[3:]

    def test_one_row_per_group_with_count_channels_campaign_theme_and_disposition(self):
        page = self.client.get(self.url()).content.decode()
        assert page.count("report-row-campaign") == 1
        assert "Campaign: <bdi>3</bdi> comments" in page
        assert "Letter · This website · Workshop" in page
        assert "Integrity" in page
        assert "A milestone was added." in page
        assert page.count(CAMPAIGN) == 1  # one quote for the three copies
        assert "Schools should publish their budgets." in page
        # Offline input shows where it came from, never as the typing staff member's words.
        assert "Irbid youth workshop" in page and "taken down by Huda, note-taker" in page
        assert self.editor.get_username() not in page
        assert "<bdi>4</bdi> published comments" in page

    def test_filters_by_theme_disposition_and_commitment(self):
        context = self.client.get(self.url(), {"theme": self.theme.pk}).context
        assert [row["count"] for row in context["report"]["rows"]] == [3]
        context = self.client.get(self.url(), {"disposition": "none"}).context
        assert [row["tracking"] for row in context["report"]["rows"]] == [
            self.single.tracking_number
        ]
        context = self.client.get(self.url(), {"commitment": self.second.number}).context
        assert len(context["report"]["rows"]) == 1
        context = self.client.get(self.url(), {"disposition": "accepted"}).context
        assert context["report"]["rows"][0]["campaign"]
        # Unknown filter values show the whole report.
        context = self.client.get(self.url(), {"theme": "x", "disposition": "y"}).context
        assert len(context["report"]["rows"]) == 2

    def test_downloads_hold_every_row_with_the_cluster(self):
        text = self.client.get(self.url("report_csv")).content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        header = rows[0]
        assert "cluster" in header
        assert len(rows) == 3
        campaign = next(row for row in rows[1:] if row[header.index("cluster")])
        assert campaign[header.index("cluster")] == str(self.group.pk)
        assert campaign[header.index("Comments")] == "3"
        book = openpyxl.load_workbook(io.BytesIO(self.client.get(self.url("report_xlsx")).content))
        report, comments = book.worksheets
        assert report.max_row == 3
        assert comments.max_row == 5  # every published comment, one a row
        cluster = [cell.value for cell in comments[1]].index("cluster")
        values = [row[cluster].value for row in comments.iter_rows(min_row=2)]
        assert values.count(self.group.pk) == 3

    def test_the_pdf_and_the_annex_print_one_row_per_group(self):
        from django.utils import translation

        for language in ("ar", "en"):
            with translation.override(language):
                report = report_context(self.window)["report"]
            assert len(report["rows"]) == 2
            assert report["campaigns"] == 1

    def test_the_staff_export_has_a_cluster_column(self):
        from consultations.resources import CommentSheet

        sheet = CommentSheet()
        assert "cluster" in [column.name for column in sheet.export_columns(self.editor)]
        rows = sheet.export_rows(plan=self.window.plan, user=self.editor)
        clusters = {row["tracking_number"]: row["cluster"] for row in rows}
        assert {clusters[c.tracking_number] for c in self.copies} == {self.group.pk}
        assert clusters[self.single.tracking_number] is None


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 40])
def test_the_report_page_runs_a_fixed_number_of_queries(size, client, django_assert_num_queries):
    """Guards the N+1 of the report page: rows, group sizes, channels, themes, changes and
    charts are read per page or per window, never per row; and only one page is read."""
    window = national_window(size, answered=False)
    url = reverse("consultations:report", kwargs={"pk": window.pk})
    with django_assert_num_queries(REPORT_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["report"]["rows"]) == min(REPORT_PER_PAGE, 2 * size)


REPORT_PAGE_QUERIES = 11


# The same page once the window's figures are kept (another page or filter of the report,
# before the next publication): the two grouped queries are not run again.
REPORT_PAGE_QUERIES_FIGURES_KEPT = REPORT_PAGE_QUERIES - 2


def national_window(size: int, *, answered: bool = True):
    """A window with `size` campaign pairs (themed) and `size` single comments, each
    single one `answered` by a published response."""
    window, first, second = make_open_window()
    editor = make_user(role="editor")
    theme = services.create_theme(window=window, name_ar="موضوع", user=editor)
    for number in range(size):
        pair = [
            make_published_comment(
                window=window, commitment=first, body=f"{CAMPAIGN} {number}", channel="x"
            ),
            make_published_comment(window=window, commitment=second, body=f"{CAMPAIGN} {number}!"),
        ]
        services.group_comments(comments=pair, user=editor)
        services.assign_theme(theme=theme, comments=pair, user=editor)
        single = make_published_comment(window=window, commitment=second, body=f"single {number}")
        if answered:
            make_response(comment=single, published_at=timezone.now())
    return window


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 40])
def test_another_page_of_the_report_reuses_the_window_figures(
    size, client, django_assert_num_queries
):
    """Guards the report's figures at national scale: the groups' tallies and the five
    charts' counts read the window's published comments in two grouped queries, once per
    publication, not once for each page and filter a visitor opens."""
    window = national_window(size)
    url = reverse("consultations:report", kwargs={"pk": window.pk})
    client.get(url)
    with django_assert_num_queries(REPORT_PAGE_QUERIES_FIGURES_KEPT):
        response = client.get(url, {"page": 2})
    assert response.status_code == 200
    assert response.context["report"]["total"] == 3 * size
    assert response.context["report"]["campaigns"] == size


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 40])
def test_the_downloads_run_a_fixed_number_of_queries(size, client):
    """Guards the N+1 of the CSV and XLSX: every row of every comment, its commitment,
    milestone, response and themes read in a fixed number of queries."""
    window = national_window(size)
    counts = {}
    for name in ("report_csv", "report_xlsx"):
        url = reverse(f"consultations:{name}", kwargs={"pk": window.pk})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    assert counts == {"report_csv": DOWNLOAD_QUERIES, "report_xlsx": DOWNLOAD_QUERIES}


DOWNLOAD_QUERIES = 6


class WindowFiguresTests(TestCase):
    """The window's figures are kept until a write changes them (consultations.figures):
    whatever the public sees change, a publication, an answer sent back to draft or a
    group changed by staff (bulk updates, which send no signal), the report shows it at
    once, and the figures agree with the printed report's."""

    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, cls.second = make_open_window()
        cls.editor = make_user(role="editor")
        cls.coordinator = make_user(role="coordinator")
        cls.copies = [
            make_published_comment(window=cls.window, commitment=cls.first, body=CAMPAIGN + end)
            for end in ("", " Thanks", "!")
        ]
        cls.group = services.group_comments(comments=cls.copies, user=cls.editor)
        # Received a minute before and after midnight in Amman (UTC+3): two days.
        cls.late = make_published_comment(
            window=cls.window,
            body="Late at night.",
            sector="academia",
            region="zarqa",
            created_at=datetime.datetime(2026, 3, 1, 20, 59, tzinfo=datetime.UTC),
        )
        cls.early = make_published_comment(
            window=cls.window,
            commitment=cls.second,
            body="Early in the morning.",
            channel="letter",
            created_at=datetime.datetime(2026, 3, 1, 21, 1, tzinfo=datetime.UTC),
        )
        cls.pending = make_comment(window=cls.window, commitment=cls.first, body="Waiting.")

    def url(self):
        return "/en" + reverse("consultations:report", kwargs={"pk": self.window.pk})[3:]

    def test_the_figures_count_as_the_printed_report_does(self):
        for language in ("ar", "en"):
            with translation.override(language):
                page = report_context(self.window, {})
                printed = report_context(self.window)
            assert page["charts"] == printed["charts"], language
            assert page["report"]["total"] == printed["report"]["total"] == 5
            assert page["report"]["campaigns"] == printed["report"]["campaigns"] == 1
        days = {chart.key: chart for chart in page["charts"]}["day"]
        assert [bar.count for bar in days.bars][:2] == [1, 1]

    def test_a_publication_shows_on_the_next_page_read(self):
        self.client.get(self.url())
        services.moderate_comments(comments=[self.pending], action="publish", user=self.editor)
        page = self.client.get(self.url(), {"page": 1}).content.decode()
        assert "<bdi>6</bdi> published comments" in page

    def test_a_group_changed_by_staff_shows_at_once(self):
        assert "Campaign: <bdi>3</bdi> comments" in self.client.get(self.url()).content.decode()
        before = generation()
        services.ungroup_comments(comments=self.copies[2:], user=self.editor)
        assert generation() > before
        page = self.client.get(self.url()).content.decode()
        assert "Campaign: <bdi>2</bdi> comments" in page

    def test_grouping_pending_comments_keeps_the_public_pages(self):
        other = make_comment(window=self.window, body=CAMPAIGN + " please")
        before = generation()
        services.place_by_staff(self.window, [self.pending.pk, other.pk], self.group)
        assert generation() == before

    def test_an_answer_sent_back_to_draft_leaves_the_report_at_once(self):
        make_response(comment=self.late, reason_en="FIRST-REASON", published_at=timezone.now())
        assert "FIRST-REASON" in self.client.get(self.url()).content.decode()
        services.answer_comments(
            comments=[self.late], outcome="accepted", reason_en="NEW-REASON", user=self.editor
        )
        page = self.client.get(self.url()).content.decode()
        assert "FIRST-REASON" not in page and "NEW-REASON" not in page
        assert "<bdi>0</bdi> with a published response" in page


class WindowPageTests(TestCase):
    """The window page lists the commitments open for comment and offers them, with their
    milestones, in its form: read once for the page, as the form's own page offers them."""

    def test_the_form_offers_what_the_form_page_offers(self):
        window, first, second = make_open_window()
        make_milestone(commitment=second, number=2)
        make_milestone(commitment=first, number=3)
        selects = {}
        for name, path in (
            ("window", window.get_absolute_url()),
            ("form", reverse("consultations:comment", kwargs={"pk": window.pk})),
        ):
            page = self.client.get(path).content.decode()
            selects[name] = re.findall(r'<select name="(?:commitment|milestone)".*?</select>', page)
        assert len(selects["window"]) == 2
        assert selects["window"] == selects["form"]
        assert selects["window"][1].index(f"Commitment {first.number}, milestone 3") < (
            selects["window"][1].index(f"Commitment {second.number}, milestone 2")
        )


@pytest.mark.django_db
@pytest.mark.parametrize("commitments", [2, 12])
def test_the_window_page_runs_a_fixed_number_of_queries(
    commitments, client, django_assert_num_queries
):
    """Guards the N+1 of the window page at national scale: its commitments with their
    plan and lead institution, and the form's milestones, are read once for the page
    whatever the number of commitments open for comment."""
    window, first, second = make_open_window()
    for _ in range(commitments - 2):
        commitment = make_commitment(plan=window.plan)
        make_milestone(commitment=commitment)
        window.commitments.add(commitment)
    make_published_comment(window=window, commitment=first)
    with django_assert_num_queries(WINDOW_PAGE_QUERIES):
        response = client.get(window.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["commitments"]) == commitments


WINDOW_PAGE_QUERIES = 6
