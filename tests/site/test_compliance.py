"""The OGP compliance page: each minimum requirement computed from the portal's own data,
shown met / not met / not yet due, with links to its evidence."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from consultations.models import ModerationState
from meetings.models import BodyKind, MinutesState
from ogp_portal.compliance import MET, NOT_MET, NOT_YET_DUE, plan_compliance
from plans.models import DocumentKind, MethodologyStage, StageStatus
from tests.factories import (
    make_body,
    make_comment,
    make_commitment,
    make_document,
    make_meeting,
    make_milestone,
    make_plan,
    make_response,
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


# Plan, stages, forum minutes, public documents, windows with their comment counts, and
# for the charts the published commitments and their milestones.
COMPLIANCE_QUERIES = 7


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
