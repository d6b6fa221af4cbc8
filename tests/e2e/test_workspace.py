"""The staff workspace in a real browser, in Arabic: the coordinator adds a commitment with
two milestones, records the lead institution's approval, and completes stage 5."""

import datetime

import pytest

from commitments.models import Commitment
from plans.models import MethodologyStage, StageStatus
from tests.factories import make_organisation, make_plan, make_stages, make_user
from tests.helpers import PASSWORD, sign_in_browser

pytestmark = pytest.mark.e2e

START = datetime.date(2021, 2, 1)


@pytest.fixture
def plan_at_stage_5(transactional_db):
    make_user(username="coordinator", password=PASSWORD, role="coordinator")
    ministry = make_organisation(name_ar="وزارة الشباب", name_en="Ministry of Youth")
    plan = make_plan(number=5)
    for stage in make_stages(plan):
        stage.actual_start = START
        if stage.number < 5:
            stage.status, stage.actual_end = StageStatus.COMPLETED, START
        elif stage.number == 5:
            stage.status = StageStatus.IN_PROGRESS
        else:
            stage.actual_start = None
        stage.save()
    return plan, ministry


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def fill_milestone(page, index: int, title: str, weight: int):
    prefix = f"milestones-{index}"
    page.fill(f"[name={prefix}-title_ar]", title)
    page.fill(f"[name={prefix}-starts_on]", "2022-01-01")
    page.fill(f"[name={prefix}-ends_on]", "2022-12-31")
    page.fill(f"[name={prefix}-weight]", str(weight))


def test_coordinator_adds_a_commitment_records_its_approval_and_completes_stage_5(
    page, live_server, plan_at_stage_5
):
    plan, ministry = plan_at_stage_5
    errors = console_errors(page)
    base = f"{live_server.url}/ar/manage"

    page.goto(f"{base}/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("[name=username]", "coordinator")
    page.fill("[name=password]", PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"{base}/")

    # A new commitment, in Arabic, with two milestones.
    page.goto(f"{base}/plans/{plan.number}/commitments/new/")
    page.fill("[name=number]", "1")
    page.fill("[name=title_ar]", "تعزيز مشاركة الشباب في رسم السياسات")
    page.select_option("[name=lead_institution]", str(ministry.pk))
    fill_milestone(page, 0, "إعداد دليل المشاركة", 40)
    page.locator("[name=add_milestone]").click()
    fill_milestone(page, 1, "تدريب مجالس الشباب", 60)
    page.locator("form [type=submit]:not([name])").last.click()
    page.wait_for_load_state()
    commitment = Commitment.objects.get(plan=plan, number=1)
    assert [m.title_ar for m in commitment.milestones.all()] == [
        "إعداد دليل المشاركة",
        "تدريب مجالس الشباب",
    ]

    # The stage cannot complete yet: the plan page says which approval is missing.
    page.goto(f"{base}/plans/{plan.number}/")
    assert "وزارة الشباب" in page.locator("main").inner_text()

    # The request letter, then the ministry's approval.
    page.goto(f"{base}/commitments/{commitment.pk}/letters/new/")
    page.fill("[name=reference]", "و.ت/1/2021/4471")
    page.fill("[name=sent_on]", "2021-11-28")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    letter = commitment.approval_letters.get()
    page.goto(f"{base}/letters/{letter.pk}/reply/")
    page.check("[name=decision][value=approved]")
    page.fill("[name=received_on]", "2021-12-06")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    letter.refresh_from_db()
    assert letter.approves_current_text()

    # Stage 5 completes from the plan page.
    page.goto(f"{base}/plans/{plan.number}/")
    page.locator("form[action$='/stages/5/complete/'] [type=submit]").click()
    page.wait_for_load_state()
    assert MethodologyStage.objects.get(plan=plan, number=5).status == StageStatus.COMPLETED
    assert errors == [], "\n".join(errors)


SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_workspace_pages_fit_a_phone_in_arabic(page, live_server, plan_at_stage_5):
    """No page of the workspace scrolls sideways at 390 px, even with a long plan title."""
    plan, _ministry = plan_at_stage_5
    plan.title_ar = "خطة العمل الوطنية الخامسة لمبادرة شراكة الحكومات الشفافة " * 2
    plan.save()
    make_plan(number=4)  # the dashboard offers a plan picker when there is a choice
    page.set_viewport_size({"width": 390, "height": 844})
    base = f"{live_server.url}/ar/manage"
    sign_in_browser(page, base, "coordinator")
    for path in ["/", f"/plans/{plan.number}/", f"/plans/{plan.number}/commitments/new/"]:
        page.goto(base + path)
        assert page.evaluate(SIDEWAYS) <= 0, path
