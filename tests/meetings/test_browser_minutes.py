"""The seed meeting in a real browser, in Arabic: the coordinator pastes the attendee list
of the 2021-11-25 minutes, confirms the preview, takes the minutes through circulated and
approved to published, and the public page names all 13 attendees."""

import pytest

from demo.loader import ATTENDEE_LIST, ATTENDEES, ORGANISATIONS
from meetings.models import Attendance, MinutesState
from tests.factories import make_body, make_meeting, make_organisation, make_plan, make_user
from tests.helpers import PASSWORD, sign_in_browser

pytestmark = pytest.mark.e2e


@pytest.fixture
def seed_meeting(transactional_db):
    make_user(username="coordinator", password=PASSWORD, role="coordinator")
    for name, (name_en, acronym, sector) in ORGANISATIONS.items():
        make_organisation(name_ar=name, name_en=name_en, acronym=acronym, sector=sector)
    return make_meeting(
        body=make_body(), plan=make_plan(number=5), title_ar="اجتماع الفريق الوطني الثاني"
    )


def test_paste_the_seed_attendees_confirm_and_publish(page, live_server, seed_meeting):
    meeting = seed_meeting
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = f"{live_server.url}/ar/manage"
    sign_in_browser(page, base, "coordinator")

    page.goto(f"{base}/meetings/{meeting.pk}/attendance/paste/")
    page.fill("[name=text]", ATTENDEE_LIST)
    page.locator("[name=preview]").click()
    page.wait_for_load_state()
    assert page.locator("[name$='-name_ar']").count() == 13
    page.locator("[name=confirm]").click()
    page.wait_for_url(f"{base}/meetings/{meeting.pk}/")
    assert Attendance.objects.filter(meeting=meeting).count() == 13

    for label in ("circulated", "approved", "published"):
        page.locator(f"form [name=step][value={label}] + button").click()
        page.wait_for_url(f"{base}/meetings/{meeting.pk}/")
    meeting.refresh_from_db()
    assert meeting.minutes_state == MinutesState.PUBLISHED

    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    names = page.locator(".attendee-list .attendee-name").all_inner_texts()
    assert len(names) == 13
    text = page.locator("main").inner_text()
    for attendee in ATTENDEES:
        assert attendee.name_ar in text, attendee.name_ar
    assert not errors
