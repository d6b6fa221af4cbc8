"""The report of a window ("you said, we did"): published comments with their published
responses, grouped by commitment, counts as bar charts, and CSV / XLSX / PDF downloads.
Hidden and pending comments and unpublished responses are absent from every one of them;
user text is inert; the query count does not grow with the number of comments."""

import csv
import io
import subprocess

import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from consultations.models import HiddenReason, ModerationState
from tests.factories import make_comment, make_published_comment, make_response, make_window
from tests.helpers import make_open_window

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("https://evil.example","click")'


class ReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, cls.second = make_open_window()
        cls.shown = make_published_comment(
            window=cls.window,
            commitment=cls.first,
            body="SHOWN-COMMENT " + XSS,
            author_name="Salma " + XSS,
            show_name=True,
            author_email="salma@example.org",
            sector="civil_society",
            region="irbid",
            channel="facebook",
        )
        make_response(comment=cls.shown, reason_en="ANSWERED-REASON", published_at=timezone.now())
        cls.drafted = make_published_comment(window=cls.window, commitment=cls.second, body=FORMULA)
        make_response(comment=cls.drafted, reason_en="DRAFT-REASON")
        cls.general = make_published_comment(
            window=cls.window, body="GENERAL-COMMENT", region="amman"
        )
        make_comment(window=cls.window, body="PENDING-COMMENT")
        hidden = make_comment(
            window=cls.window,
            commitment=cls.first,
            body="HIDDEN-COMMENT",
            state=ModerationState.HIDDEN,
            hidden_reason=HiddenReason.ABUSIVE,
        )
        make_response(comment=hidden, reason_en="HIDDEN-REASON", published_at=timezone.now())

    def url(self, name, language="en"):
        return f"/{language}" + reverse(f"consultations:{name}", kwargs={"pk": self.window.pk})[3:]

    def assert_private_absent(self, text: str):
        for private in (
            "PENDING-COMMENT",
            "HIDDEN-COMMENT",
            "HIDDEN-REASON",
            "DRAFT-REASON",
            "salma@example.org",
        ):
            assert private not in text, private

    def test_page_groups_published_comments_by_commitment_with_public_responses(self):
        response = self.client.get(self.url("report"))
        page = response.content.decode()
        assert response.status_code == 200
        assert "SHOWN-COMMENT" in page
        assert "ANSWERED-REASON" in page
        assert "GENERAL-COMMENT" in page
        assert "Response in preparation." in page
        self.assert_private_absent(page)
        # The plan in general first, then commitments in order.
        assert page.index("GENERAL-COMMENT") < page.index("SHOWN-COMMENT") < page.index("HYPERLINK")
        assert "<bdi>3</bdi> published comments, <bdi>1</bdi> with a published response." in page

    def test_user_text_is_inert_on_the_page(self):
        page = self.client.get(self.url("report")).content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;" in page

    def test_charts_count_by_commitment_sector_governorate_channel_and_day(self):
        response = self.client.get(self.url("report"))
        charts = {chart.key: chart for chart in response.context["charts"]}
        assert set(charts) == {"commitment", "sector", "region", "channel", "day"}
        by_region = {bar.label: bar.count for bar in charts["region"].bars}
        assert by_region == {"Irbid": 1, "Not given": 1, "Amman": 1}
        by_channel = {bar.label: bar.count for bar in charts["channel"].bars}
        assert by_channel == {"Facebook": 1, "This website": 2}
        assert sum(bar.count for bar in charts["day"].bars) == 3
        # Most first; each bar's length is its share of the longest.
        assert [(bar.label, bar.percent) for bar in charts["channel"].bars] == [
            ("This website", 100),
            ("Facebook", 50),
        ]
        page = response.content.decode()
        assert '<rect class="report-bar-fill" x="0" y="0" width="50"' in page
        # Right to left: the bars grow from the right edge.
        arabic = self.client.get(self.url("report", "ar")).content.decode()
        assert '<rect class="report-bar-fill" x="50" y="0" width="50"' in arabic

    def test_csv_is_utf8_with_bom_without_private_rows_and_formulas_inert(self):
        response = self.client.get(self.url("report_csv"))
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.startswith("\ufeff".encode())
        text = response.content.decode("utf-8-sig")
        self.assert_private_absent(text)
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 4
        quote = rows[0].index("Representative quote")  # one row per group or comment
        bodies = [row[quote] for row in rows[1:]]
        assert "'" + FORMULA in bodies
        assert any("ANSWERED-REASON" in row for row in rows)
        assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    def test_xlsx_without_private_rows_and_formulas_inert(self):
        response = self.client.get(self.url("report_xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book.active
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        text = " ".join(str(value) for value in values if value is not None)
        self.assert_private_absent(text)
        assert "'" + FORMULA in values
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        assert sheet.max_row == 4
        arabic = openpyxl.load_workbook(
            io.BytesIO(self.client.get(self.url("report_xlsx", "ar")).content)
        )
        assert arabic.active.sheet_view.rightToLeft

    def test_pdf_without_private_rows(self):
        response = self.client.get(self.url("report_pdf"))
        assert response["Content-Type"] == "application/pdf"
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "SHOWN-COMMENT" in text
        assert "ANSWERED-REASON" in text
        self.assert_private_absent(text)

    def test_a_forum_window_has_no_public_report(self):
        forum = make_window(audience="forum")
        url = reverse("consultations:report", kwargs={"pk": forum.pk})
        assert self.client.get(url).status_code == 404

    def test_the_workspace_window_page_links_to_the_report(self):
        from tests.factories import make_user

        self.client.force_login(make_user(role="editor"))
        page = self.client.get(
            reverse("manage:consultation_window", kwargs={"pk": self.window.pk})
        ).content.decode()
        assert reverse("consultations:report", kwargs={"pk": self.window.pk}) in page


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 60])
def test_report_queries_do_not_grow_with_comments(size, client, django_assert_num_queries):
    """Guards the N+1 of the report: each row's milestone and response are read with the
    rows (select_related); their commitments, groups, themes and changes once per page; and
    the charts are counted by the database once per window."""
    window, first, second = make_open_window()
    for n in range(size):
        comment = make_published_comment(
            window=window, commitment=(first, second, None)[n % 3], body=f"c{n}", region="amman"
        )
        if n % 2:
            make_response(comment=comment, published_at=timezone.now())
    url = reverse("consultations:report", kwargs={"pk": window.pk})
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
