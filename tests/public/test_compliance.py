"""The OGP compliance page: each minimum requirement computed from the portal's own data,
shown met / not met / not yet due, with links to its evidence; and who attended each
forum meeting (government and non-government, count and share), flagged when no one from
outside government came."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from commitments.models import MilestoneStatus
from consultations.models import ModerationState
from core.roles import COORDINATOR
from meetings.models import AttendanceStatus, BodyKind, MinutesState
from plans.models import DocumentKind, MethodologyStage, Sector, StageStatus
from public.compliance import MET, NOT_MET, NOT_YET_DUE, plan_compliance
from tests.factories import (
    make_attendance,
    make_body,
    make_comment,
    make_commitment,
    make_document,
    make_meeting,
    make_milestone,
    make_organisation,
    make_plan,
    make_response,
    make_user,
    make_window,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 1)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def forum_meeting(plan, day, body):
    return make_meeting(
        plan=plan,
        body=body,
        starts_at=at(day),
        minutes_state=MinutesState.PUBLISHED,
        minutes_published_at=at(day),
    )


def verdicts(plan) -> dict:
    """The checks by key, their figures in English (the site's default is Arabic)."""
    with translation.override("en"):
        return {check.key: check for check in plan_compliance(plan, today=TODAY)}


def well_run_plan():
    """Co-creation from 2021-03-01, implementation 2021-09-01 to 2025-08-31: forum every
    quarter, timeline a month ahead, a 14-day window whose comments are all answered."""
    plan = make_plan(
        number=5, starts_on=datetime.date(2021, 9, 1), ends_on=datetime.date(2025, 8, 31)
    )
    MethodologyStage.objects.create(
        plan=plan,
        number=1,
        status=StageStatus.COMPLETED,
        actual_start=datetime.date(2021, 3, 1),
        actual_end=datetime.date(2021, 4, 1),
    )
    body = make_body(kind=BodyKind.FORUM)
    day = datetime.date(2021, 3, 15)
    while day <= TODAY:
        forum_meeting(plan, day, body)
        make_document(
            plan=plan,
            kind=DocumentKind.REPORT,
            is_public=True,
            published_at=at(day),
            title_en=f"Report {day}",
        )
        day += datetime.timedelta(days=90)
    make_document(
        plan=plan,
        kind=DocumentKind.TIMELINE,
        is_public=True,
        published_at=at(datetime.date(2021, 2, 1)),
        title_en="The timeline",
    )
    window = make_window(
        plan=plan, opens_at=at(datetime.date(2021, 5, 1)), closes_at=at(datetime.date(2021, 5, 16))
    )
    comment = make_comment(
        window=window, state=ModerationState.PUBLISHED, published_at=at(datetime.date(2021, 5, 2))
    )
    make_response(comment=comment, published_at=at(datetime.date(2021, 6, 1)))
    return plan, window


def test_a_well_run_plan_meets_every_requirement():
    plan, _window = well_run_plan()
    checks = verdicts(plan)
    assert {key: check.verdict for key, check in checks.items()} == {
        "forum": MET,
        "implementation": MET,
        "timeline": MET,
        "windows": MET,
        "responses": MET,
        "repository": MET,
    }
    assert "28 days before" in str(checks["timeline"].figure)
    assert "1 of 1 published comments answered" in str(checks["responses"].figure)


def test_gaps_short_windows_and_unanswered_comments_are_not_met():
    plan = make_plan(
        number=5, starts_on=datetime.date(2021, 9, 1), ends_on=datetime.date(2025, 8, 31)
    )
    MethodologyStage.objects.create(
        plan=plan, number=2, actual_start=datetime.date(2021, 3, 1), status=StageStatus.IN_PROGRESS
    )
    body = make_body(kind=BodyKind.FORUM)
    forum_meeting(plan, datetime.date(2021, 4, 1), body)
    forum_meeting(plan, datetime.date(2022, 9, 1), body)  # 17 months later
    make_document(
        plan=plan,
        kind=DocumentKind.TIMELINE,
        is_public=True,
        published_at=at(datetime.date(2021, 2, 25)),  # 4 days ahead only
    )
    window = make_window(
        plan=plan, opens_at=at(datetime.date(2021, 5, 1)), closes_at=at(datetime.date(2021, 5, 8))
    )
    make_comment(window=window, state=ModerationState.PUBLISHED, published_at=at(TODAY))
    checks = verdicts(plan)
    assert checks["forum"].verdict == NOT_MET
    assert checks["implementation"].verdict == NOT_MET
    assert checks["timeline"].verdict == NOT_MET
    assert checks["windows"].verdict == NOT_MET
    assert "shortest is 7 days" in str(checks["windows"].figure)
    assert checks["responses"].verdict == NOT_MET
    assert checks["repository"].verdict == NOT_MET


def test_a_plan_not_started_is_not_yet_due():
    plan = make_plan(
        number=7, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2028, 1, 1)
    )
    assert {check.verdict for check in verdicts(plan).values()} == {NOT_YET_DUE}


def test_drafts_and_hidden_rows_do_not_count():
    plan = make_plan(
        number=5, starts_on=datetime.date(2021, 9, 1), ends_on=datetime.date(2025, 8, 31)
    )
    MethodologyStage.objects.create(
        plan=plan, number=1, actual_start=datetime.date(2021, 3, 1), status=StageStatus.IN_PROGRESS
    )
    make_meeting(
        plan=plan, body=make_body(kind=BodyKind.FORUM), starts_at=at(datetime.date(2021, 4, 1))
    )
    make_document(plan=plan, kind=DocumentKind.TIMELINE)  # not public
    checks = verdicts(plan)
    assert "0 forum meetings" in str(checks["forum"].figure)
    assert checks["timeline"].verdict == NOT_MET


def test_the_page_shows_verdicts_and_links_to_the_evidence(client):
    plan, window = well_run_plan()
    cache.clear()
    page = client.get("/en/plans/5/compliance/").content.decode()
    assert "OGP minimum requirements" in page
    assert "Met" in page
    assert f'href="{window.get_absolute_url()}"' in page
    assert 'href="https://example.org/document.pdf"' in page
    assert "/en/meetings/" in page
    arabic = client.get("/ar/plans/5/compliance/")
    assert arabic.status_code == 200 and 'dir="rtl"' in arabic.content.decode()
    assert client.head("/ar/plans/5/compliance/").status_code == 200


# The plan, its stages, the forum's meetings (its minutes and its calendar), public
# documents, windows with their comment counts, and for the charts the published
# commitments and their milestones; the IRM's findings.
COMPLIANCE_QUERIES = 8


def test_the_chart_links_each_published_commitment_with_its_weighted_progress(client):
    plan, _window = well_run_plan()
    weighted = make_commitment(plan=plan, number=1)
    make_milestone(
        commitment=weighted,
        number=1,
        weight=2,
        status=MilestoneStatus.IN_PROGRESS,
        progress_percent=50,
    )
    make_milestone(commitment=weighted, number=2, weight=1, status=MilestoneStatus.COMPLETED)
    bare = make_commitment(plan=plan, number=2)  # no milestones yet
    make_commitment(plan=plan, number=3, is_published=False)
    cache.clear()
    page = client.get("/en/plans/5/compliance/").text
    # (2 x 50 + 1 x 100) / 3 = 66.7, shown as a whole percent like the commitment's page.
    assert (
        f'<a class="chart-bar-label" href="{weighted.get_absolute_url()}">Commitment 1</a>\n'
        '        <progress class="meter" max="100" value="66" '
        'aria-label="Progress of commitment 1"></progress>\n'
        '        <span class="progress-value">66%</span>'
    ) in page
    assert f'href="{bare.get_absolute_url()}">Commitment 2</a>' in page
    assert 'aria-label="Progress of commitment 2"' in page and ">0%</span>" in page
    assert "Commitment 3" not in page
    assert "Completed: 1 (50%)" in page and "In progress: 1 (50%)" in page


def test_compliance_queries_do_not_grow_with_the_data(client, django_assert_num_queries):
    """Guards the N+1 of the checks and charts: a query per meeting, document, window (for
    its comments) or commitment (for its milestones)."""
    plan, _window = well_run_plan()
    make_milestone(commitment=make_commitment(plan=plan, number=20))
    with django_assert_num_queries(COMPLIANCE_QUERIES):
        assert client.get("/ar/plans/5/compliance/").status_code == 200
    for n in range(1, 10):
        commitment = make_commitment(plan=plan, number=n)
        for m in range(1, 4):
            make_milestone(commitment=commitment, number=m)
        window = make_window(plan=plan)
        make_comment(window=window, state=ModerationState.PUBLISHED, published_at=timezone.now())
    cache.clear()
    with django_assert_num_queries(COMPLIANCE_QUERIES):
        assert client.get("/ar/plans/5/compliance/").status_code == 200


# --- attendance of each forum meeting --------------------------------------------------

FLAG = "No one from outside government attended"


def attend(meeting, sector: str, count: int, status=AttendanceStatus.PRESENT):
    organisation = make_organisation(sector=sector)
    for _ in range(count):
        make_attendance(meeting=meeting, organisation=organisation, status=status)


class TableParser(HTMLParser):
    """The rows of the page's attendance table, each cell's text with spaces collapsed."""

    def __init__(self):
        super().__init__()
        self.rows, self.caption, self.inside, self.cell, self.in_caption = (
            [],
            "",
            False,
            None,
            False,
        )

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and "attendance-table" in (attributes.get("class") or ""):
            self.inside = True
        elif self.inside and tag == "caption":
            self.in_caption = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []
        elif self.inside and tag == "a" and self.cell is not None:
            self.cell.append(f"[{attributes['href']}]")

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif tag == "caption":
            self.in_caption = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        elif self.cell is not None:
            self.cell.append(data)


def attendance_table(client, language: str = "en", number: int = 5) -> TableParser:
    cache.clear()
    response = client.get(f"/{language}/plans/{number}/compliance/")
    assert response.status_code == 200
    parser = TableParser()
    parser.feed(response.content.decode())
    return parser


def plan_with_meetings():
    """Forum meetings of plan 5 with published minutes: one with both sides present, one
    with government only, one with no attendance recorded; plus minutes still in draft and
    a working group's meeting."""
    plan = make_plan(
        number=5, starts_on=datetime.date(2021, 9, 1), ends_on=datetime.date(2025, 8, 31)
    )
    forum = make_body(kind=BodyKind.FORUM, name_en="The forum")
    mixed = forum_meeting(plan, datetime.date(2021, 10, 4), forum)
    attend(mixed, Sector.GOVERNMENT, 3)
    attend(mixed, Sector.CIVIL_SOCIETY, 1)
    attend(mixed, Sector.ACADEMIA, 2, status=AttendanceStatus.EXCUSED)
    government_only = forum_meeting(plan, datetime.date(2022, 2, 6), forum)
    attend(government_only, Sector.GOVERNMENT, 4)
    attend(government_only, Sector.YOUTH, 1, status=AttendanceStatus.ABSENT)
    unrecorded = forum_meeting(plan, datetime.date(2022, 5, 8), forum)
    draft = make_meeting(
        plan=plan,
        body=forum,
        starts_at=at(datetime.date(2022, 3, 1)),
        minutes_state=MinutesState.APPROVED,
        title_en="Minutes still awaiting publication",
    )
    attend(draft, Sector.GOVERNMENT, 7)
    working_group = forum_meeting(
        plan, datetime.date(2022, 4, 1), make_body(kind=BodyKind.WORKING_GROUP)
    )
    attend(working_group, Sector.GOVERNMENT, 2)
    return plan, {
        "mixed": mixed,
        "government_only": government_only,
        "unrecorded": unrecorded,
        "draft": draft,
        "working_group": working_group,
    }


def test_each_forum_meeting_shows_its_counts_and_shares(client):
    _plan, meetings = plan_with_meetings()
    table = attendance_table(client)
    assert "Members present at each forum meeting" in table.caption
    header, *rows = table.rows
    assert header == ["Date", "Government", "Non-government"]
    mixed, government_only, unrecorded = rows
    url = meetings["mixed"].get_absolute_url()
    assert mixed[0].startswith(f"[{url}]Oct. 4, 2021")
    # Present only: the excused academics count on neither side.
    assert mixed[1:] == ["3 (75%)", "1 (25%)"]
    assert government_only[1:] == ["4 (100%)", f"0 (0%) {FLAG}"]
    assert unrecorded[1:] == ["No one is recorded as present yet."]
    # One forum body: named once above the table rather than in every row.
    cache.clear()
    page = client.get("/en/plans/5/compliance/").text
    assert re.search(r"All were meetings of <[^>]+>The forum</\w+>\.", page)


def test_meetings_of_two_forum_bodies_name_each_row_s_body(client):
    plan, _meetings = plan_with_meetings()
    renewed = make_body(kind=BodyKind.FORUM, name_en="The renewed forum")
    attend(forum_meeting(plan, datetime.date(2022, 11, 1), renewed), Sector.MEDIA, 2)
    header, *rows = attendance_table(client).rows
    assert header == ["Date", "Body", "Government", "Non-government"]
    assert [row[1] for row in rows] == ["The forum"] * 3 + ["The renewed forum"]
    assert rows[-1][2:] == ["0 (0%)", "2 (100%)"]


def test_a_meeting_with_only_government_present_is_flagged_in_words(client):
    plan_with_meetings()
    cache.clear()
    page = client.get("/en/plans/5/compliance/").content.decode()
    assert page.count(FLAG) == 1
    assert (
        "Meetings with no one present from outside government: <bdi>1</bdi> of <bdi>3</bdi>."
        in page
    )
    # The numbers keep their direction inside Arabic text.
    assert '<bdi class="attendance-count">4</bdi>' in page
    assert "<bdi>100%</bdi>" in page


def test_minutes_not_published_and_other_bodies_stay_off_the_table(client):
    _plan, meetings = plan_with_meetings()
    cache.clear()
    page = client.get("/en/plans/5/compliance/").content.decode()
    assert meetings["draft"].get_absolute_url() not in page
    assert "Minutes still awaiting publication" not in page
    assert '<bdi class="attendance-count">7</bdi>' not in page
    assert len(attendance_table(client).rows) == 4  # header and the three forum meetings


def test_no_forum_minutes_yet_says_so(client):
    make_plan(number=5)
    cache.clear()
    page = client.get("/en/plans/5/compliance/").content.decode()
    assert "No forum meeting of this plan has published minutes yet." in page
    assert "attendance-table" not in page


def test_the_table_renders_in_arabic_right_to_left(client):
    plan_with_meetings()
    cache.clear()
    page = client.get("/ar/plans/5/compliance/").content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    table = attendance_table(client, "ar")
    assert len(table.rows) == 4
    assert table.rows[1][0].startswith("[/ar/meetings/")
    assert "<bdi>75%</bdi>" in page and "<bdi>25%</bdi>" in page


def test_meetings_without_civil_society_do_not_count_as_meetings_with_it():
    """OGP asks for 2 forum meetings a year *with civil society*: a meeting where only
    government members were present does not count; one with no attendance recorded does
    (its published minutes are the evidence)."""
    plan, _window = well_run_plan()
    first_year = plan.meetings.filter(
        starts_at__gte=at(datetime.date(2021, 9, 1)), starts_at__lt=at(datetime.date(2022, 9, 1))
    )
    for meeting in first_year:
        attend(meeting, Sector.GOVERNMENT, 2)
    check = verdicts(plan)["implementation"]
    assert check.verdict == NOT_MET
    left_out = first_year.count()
    assert "Meetings in each year of implementation: 0, " in check.figure
    assert f"{left_out} meetings with no one present from outside government" in check.figure
    assert all(
        item.url not in {m.get_absolute_url() for m in first_year} for item in check.evidence
    )
    attend(first_year.first(), Sector.CIVIL_SOCIETY, 1)
    attend(first_year.last(), Sector.PRIVATE_SECTOR, 1)
    assert verdicts(plan)["implementation"].verdict == MET


def test_attendance_queries_do_not_grow_with_meetings_or_attendees(
    client, django_assert_num_queries
):
    """1 forum meeting with 5 present, then 10 meetings with 50 present each: the shares
    are counted in the minutes' own query, never one query per meeting or attendee."""
    plan = make_plan(number=5)
    make_milestone(commitment=make_commitment(plan=plan, number=1))
    forum = make_body(kind=BodyKind.FORUM)
    first = forum_meeting(plan, datetime.date(2021, 3, 1), forum)
    attend(first, Sector.GOVERNMENT, 3)
    attend(first, Sector.CIVIL_SOCIETY, 2)
    cache.clear()
    with django_assert_num_queries(COMPLIANCE_QUERIES):
        assert client.get("/ar/plans/5/compliance/").status_code == 200
    attend(first, Sector.MEDIA, 45)
    for month in range(4, 13):
        meeting = forum_meeting(plan, datetime.date(2021, month, 1), forum)
        attend(meeting, Sector.GOVERNMENT, 30)
        attend(meeting, Sector.CIVIL_SOCIETY, 20)
    table = attendance_table(client, "ar")
    assert len(table.rows) == 11
    cache.clear()
    with django_assert_num_queries(COMPLIANCE_QUERIES):
        assert client.get("/ar/plans/5/compliance/").status_code == 200


def test_staff_reach_the_compliance_page_from_the_workspace_plan(client):
    plan_with_meetings()
    client.force_login(make_user(role=COORDINATOR))
    page = client.get("/en/manage/plans/5/").content.decode()
    assert 'href="/en/plans/5/compliance/"' in page


def test_evidence_is_in_date_order_and_links_a_documents_file():
    """The checks sort the rows they read (created here out of date order) and link a
    document to its stored file when it has one, else to its link."""
    plan = make_plan(
        number=5, starts_on=datetime.date(2021, 9, 1), ends_on=datetime.date(2025, 8, 31)
    )
    body = make_body(kind=BodyKind.FORUM)
    later = forum_meeting(plan, datetime.date(2022, 3, 1), body)
    earlier = forum_meeting(plan, datetime.date(2021, 9, 15), body)
    stored = make_document(
        plan=plan,
        kind=DocumentKind.TIMELINE,
        is_public=True,
        published_at=at(datetime.date(2021, 8, 1)),
        file="documents/2021/timeline.pdf",
        url="",
    )
    linked = make_document(
        plan=plan,
        kind=DocumentKind.TIMELINE,
        is_public=True,
        published_at=at(datetime.date(2021, 7, 1)),
        url="https://example.org/first-timeline.pdf",
    )
    checks = verdicts(plan)
    with translation.override("en"):  # as `verdicts` reads them
        meetings = [earlier.get_absolute_url(), later.get_absolute_url()]
    assert [item.url for item in checks["forum"].evidence] == meetings
    assert [item.url for item in checks["timeline"].evidence] == [linked.url, stored.file.url]
    # The repository check cites the latest documents first.
    assert [item.url for item in checks["repository"].evidence] == [stored.file.url, linked.url]
