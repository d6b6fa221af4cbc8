"""The report at national scale: one row per campaign group or single comment (quote,
count, channels, campaign mark, themes, disposition and reason, commitment, what changed
since the draft), paginated and filtered in SQL with a fixed number of queries; the
downloads hold every row and a `cluster` column."""

import csv
import io

import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import ModerationState
from consultations.report import REPORT_PER_PAGE, report_context
from tests.factories import make_comment, make_user
from tests.helpers import make_open_window

CAMPAIGN = (
    "We call on the government to pass a whistleblower protection law within the plan period"
    " and to publish an annual report on the complaints received."
)


def published(**fields):
    fields.setdefault("state", ModerationState.PUBLISHED)
    fields.setdefault("published_at", timezone.now())
    return make_comment(**fields)


class ReportRowsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, cls.second = make_open_window()
        cls.editor = make_user(role="editor")
        cls.coordinator = make_user(role="coordinator")
        cls.copies = [
            published(window=cls.window, commitment=cls.first, body=CAMPAIGN + end, channel=ch)
            for end, ch in (("", "site"), (" Thanks", "workshop"), ("!", "letter"))
        ]
        cls.single = published(
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
    window, first, second = make_open_window()
    editor = make_user(role="editor")
    theme = services.create_theme(window=window, name_ar="موضوع", user=editor)
    for number in range(size):
        pair = [
            published(window=window, commitment=first, body=f"{CAMPAIGN} {number}", channel="x"),
            published(window=window, commitment=second, body=f"{CAMPAIGN} {number}!"),
        ]
        services.group_comments(comments=pair, user=editor)
        services.assign_theme(theme=theme, comments=pair, user=editor)
        published(window=window, commitment=second, body=f"single {number}")
    url = reverse("consultations:report", kwargs={"pk": window.pk})
    with django_assert_num_queries(REPORT_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["report"]["rows"]) == min(REPORT_PER_PAGE, 2 * size)


REPORT_PAGE_QUERIES = 17
