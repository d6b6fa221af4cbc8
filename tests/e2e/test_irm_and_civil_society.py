"""The commitment page with the IRM's assessment and civil society's rating, in Arabic, on
a phone and a desktop: both sections show beside the government's progress, nothing
overflows sideways. Screenshots go to test-artifacts/ for a person to look at."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from commitments.models import (
    Completion,
    IRMAssessment,
    IRMReportKind,
    MilestoneStatus,
    OpenedGovernment,
    ProgressLevel,
)
from plans.models import Sector
from tests.factories import (
    make_civil_society_rating,
    make_commitment,
    make_irm_report,
    make_milestone,
    make_organisation,
    make_plan,
)

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture
def commitment(transactional_db):
    plan = make_plan(number=5)
    commitment = make_commitment(
        plan=plan,
        number=3,
        ogp_id="JO0080",
        title_ar="تعزيز المشاركة المجتمعية في عملية صنع القرار من خلال الوسائل الإلكترونية",
        lead_institution=make_organisation(name_ar="وزارة الاقتصاد الرقمي والريادة"),
    )
    milestone = make_milestone(
        commitment=commitment,
        number=1,
        title_ar="إطلاق منصة المشاركة الإلكترونية",
        status=MilestoneStatus.COMPLETED,
    )
    make_milestone(commitment=commitment, number=2, title_ar="تدريب الموظفين")
    IRMAssessment.objects.create(
        commitment=commitment,
        design_report=make_irm_report(plan=plan, title_ar="مراجعة خطة العمل الخامسة"),
        potential_for_results="modest",
        promising=True,
        notes_ar="التزام واعد يفتح باب المشاركة الإلكترونية.",
        results_report=make_irm_report(
            plan=plan,
            kind=IRMReportKind.RESULTS,
            title_ar="تقرير النتائج",
            published_on=datetime.date(2026, 3, 1),
        ),
        completion=Completion.SUBSTANTIAL,
        opened_government=OpenedGovernment.MARGINAL,
        results_text_ar="أُطلقت المنصة لكن المشاركة ما زالت محدودة.",
    )
    make_civil_society_rating(
        milestone=milestone,
        organisation=make_organisation(
            name_ar="تحالف الشفافية الأردني", sector=Sector.CIVIL_SOCIETY
        ),
        status=MilestoneStatus.IN_PROGRESS,
        rating=ProgressLevel.LIMITED,
        evidence="المنصة منشورة لكن لا تستقبل مشاركات.",
    )
    return commitment


@pytest.mark.parametrize(
    ("viewport", "name"),
    [
        ({"width": 390, "height": 844}, "irm-civil-society-ar-390.png"),
        ({"width": 1366, "height": 900}, "irm-civil-society-ar-1366.png"),
    ],
)
def test_commitment_page_shows_both_views_in_arabic(page, live_server, commitment, viewport, name):
    page.set_viewport_size(viewport)
    response = page.goto(live_server.url + "/ar" + commitment.get_absolute_url()[3:])
    assert response.status == 200
    assert page.locator("#irm-title").is_visible()
    assert page.locator("#cs-title").is_visible()
    assert "تحالف الشفافية الأردني" in page.locator(".civil-society-ratings").inner_text()
    assert not page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
