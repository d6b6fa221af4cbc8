"""Two staff members in two browsers edit the same commitment, in Arabic: A saves first; B's
save shows the conflict page with the real differences; B chooses for the field both
changed and saves the merged version: A's change and B's are both kept."""

import datetime
import os
from pathlib import Path

import pytest

from commitments.models import Commitment
from tests.factories import make_commitment, make_milestone, make_organisation
from tests.helpers import both_editors_open

pytestmark = pytest.mark.e2e


@pytest.fixture
def commitment(two_editors):
    commitment = make_commitment(
        title_en="Open budget data",
        problem_en="Budget data is hard to find.",
        results_en="Budget data published.",
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2023, 12, 31),
    )
    commitment.supporting_institutions.set(
        [make_organisation(name_ar="هيئة النزاهة"), make_organisation(name_ar="جمعية الشفافية")]
    )
    make_milestone(commitment=commitment, number=1, weight=100)
    return commitment


def screenshots(page, name: str) -> None:
    """Pictures of the page at phone and desktop widths, when a folder is given."""
    folder = os.environ.get("E2E_SCREENSHOTS")
    if not folder:
        return
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 1400})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"))


def test_second_editor_merges_on_the_conflict_page(browser, live_server, commitment):
    base = f"{live_server.url}/ar/manage"
    url = f"{base}/commitments/{commitment.pk}/edit/"
    first, second = both_editors_open(browser, base, url)

    first.fill("[name=problem_en]", "Budget data is scattered across ministries.")
    first.fill("[name=title_en]", "Open budget data for all")
    first.locator("#edit-form [type=submit]:not([name])").last.click()
    first.wait_for_url(f"{base}/commitments/{commitment.pk}/")

    second.fill("[name=results_en]", "Every ministry publishes its budget monthly.")
    second.fill("[name=title_en]", "Open and timely budget data")
    second.locator("#edit-form [type=submit]:not([name])").last.click()
    second.wait_for_load_state()
    conflict = second.locator("#conflict")
    assert conflict.is_visible()
    assert second.locator("html").get_attribute("lang") == "ar"
    # The real differences, not the supporting institutions.
    assert conflict.locator(".conflict-row").count() == 3
    assert "scattered" in conflict.inner_text()
    assert second.input_value("[name=problem_en]") == "Budget data is scattered across ministries."
    assert second.input_value("[name=results_en]") == "Every ministry publishes its budget monthly."
    screenshots(second, "conflict")

    # Saving without choosing is refused, in Arabic, and keeps everything.
    conflict.locator("button[type=submit]").click()
    second.wait_for_load_state()
    assert "اختر" in second.locator(".alert-danger").first.inner_text()
    assert second.input_value("[name=results_en]") == "Every ministry publishes its budget monthly."
    screenshots(second, "conflict-unchosen")

    second.check("#keep-title_en-saved")
    second.locator("#conflict button[type=submit]").click()
    second.wait_for_url(f"{base}/commitments/{commitment.pk}/")

    saved = Commitment.objects.get(pk=commitment.pk)
    assert saved.problem_en == "Budget data is scattered across ministries."
    assert saved.results_en == "Every ministry publishes its budget monthly."
    assert saved.title_en == "Open budget data for all"
    assert saved.supporting_institutions.count() == 2
