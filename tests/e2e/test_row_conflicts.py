"""Two staff members in two browsers edit the same meeting's agenda, in Arabic: A saves
first; B's save shows the conflict page with the rows merged; B chooses for the item both
changed and saves the merged version: A's change and B's are both kept."""

import pytest

from meetings.models import AgendaItem
from tests.factories import make_agenda_item, make_meeting
from tests.helpers import both_editors_open

pytestmark = pytest.mark.e2e


@pytest.fixture
def meeting(two_editors):
    meeting = make_meeting()
    make_agenda_item(meeting=meeting, number=1, title_ar="عرض خطة العمل")
    make_agenda_item(meeting=meeting, number=2, title_ar="ما يستجد من أعمال")
    return meeting


def save(page) -> None:
    page.locator("#edit-form .form-actions [type=submit]:not([name])").click()


def test_second_editor_merges_the_agenda_rows(browser, live_server, meeting):
    base = f"{live_server.url}/ar/manage"
    url = f"{base}/meetings/{meeting.pk}/agenda/"
    first, second = both_editors_open(browser, base, url)

    first.fill("[name=agenda_items-0-title_ar]", "عرض مسودة خطة العمل الخامسة")
    first.fill("[name=agenda_items-1-title_en]", "Any other business")
    save(first)
    first.wait_for_url(f"{base}/meetings/{meeting.pk}/")

    second.fill("[name=agenda_items-0-title_en]", "The action plan")
    second.fill("[name=agenda_items-1-title_en]", "Other matters")
    save(second)
    second.wait_for_load_state()
    conflict = second.locator("#conflict")
    assert conflict.is_visible()
    assert conflict.locator(".conflict-row").count() == 3
    assert "عرض مسودة خطة العمل الخامسة" in conflict.inner_text()
    assert second.input_value("[name=agenda_items-0-title_ar]") == "عرض مسودة خطة العمل الخامسة"
    assert second.input_value("[name=agenda_items-0-title_en]") == "The action plan"

    # Saving without choosing is refused, in Arabic, and keeps everything.
    conflict.locator("button[type=submit]").click()
    second.wait_for_load_state()
    assert "اختر" in second.locator(".alert-danger").first.inner_text()
    assert second.input_value("[name=agenda_items-1-title_en]") == "Other matters"

    item = AgendaItem.objects.get(meeting=meeting, number=2)
    second.check(f"#keep-agenda_items-row{item.pk}-title_en-saved")
    second.locator("#conflict button[type=submit]").click()
    second.wait_for_url(f"{base}/meetings/{meeting.pk}/")

    first_item, second_item = AgendaItem.objects.filter(meeting=meeting).order_by("number")
    assert first_item.title_ar == "عرض مسودة خطة العمل الخامسة"
    assert first_item.title_en == "The action plan"
    assert second_item.title_en == "Any other business"
