"""The import preview in a real browser, in Arabic: an editor uploads OGP's list, sees each
proposed pairing with its evidence, changes one, and the refreshed preview has no error.
On a phone's width the page does not scroll sideways outside its table."""

import datetime
import os
from pathlib import Path

import pytest

from tests.factories import make_commitment, make_organisation, make_plan, make_user, make_xlsx
from tests.helpers import PASSWORD, sign_in_browser

pytestmark = pytest.mark.e2e

# Where to keep screenshots for a person to look at (unset: none are taken).
SCREENSHOTS = os.environ.get("IMPORT_SCREENSHOTS")


@pytest.fixture
def plan_with_commitments(transactional_db):
    make_user(username="editor", password=PASSWORD, role="editor")
    plan = make_plan(number=5)
    youth = make_organisation(name_ar="وزارة الشباب", name_en="Ministry of Youth", acronym="MoY")
    integrity = make_organisation(
        name_ar="هيئة النزاهة ومكافحة الفساد",
        name_en="Integrity and Anti-Corruption Commission",
        acronym="JIACC",
    )
    start, end = datetime.date(2021, 9, 1), datetime.date(2025, 8, 31)
    make_commitment(
        plan=plan,
        number=1,
        lead_institution=youth,
        title_ar="تعزيز دور الشباب في إعداد الخطط الحكومية",
        title_en="Strengthening the role of young people in government plans",
        starts_on=start,
        ends_on=end,
    )
    make_commitment(
        plan=plan,
        number=2,
        lead_institution=integrity,
        title_ar="تعزيز النزاهة على المستوى الوطني",
        title_en="Strengthening integrity at the national level",
        starts_on=start,
        ends_on=end,
    )
    return plan


def test_changing_a_pairing_refreshes_the_preview(
    page, live_server, plan_with_commitments, tmp_path
):
    plan = plan_with_commitments
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = f"{live_server.url}/ar/manage"
    sign_in_browser(page, base, "editor")

    # OGP's order: integrity first, numbered 1; its English names.
    sheet = tmp_path / "ogp.xlsx"
    sheet.write_bytes(
        make_xlsx(
            [
                ["Commitment ID", "No.", "Commitment Title", "lead_institution_en"],
                ["JO0201", 1, "Strengthening national integrity", "JIACC"],
                ["JO0202", 2, "Youth participation in government plans", "Ministry of Youth"],
            ]
        )
    )
    page.goto(f"{base}/imports/commitments/")
    page.select_option("[name=plan]", str(plan.pk))
    page.set_input_files("[name=file]", str(sheet))
    page.locator("form.import-upload [type=submit]").click()
    page.wait_for_url("**/imports/preview/**")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator(".import-evidence li").count() >= 2
    assert "الجهة المنفذة نفسها" in page.locator(".import-evidence").first.inner_text()
    shoot(page, "preview")

    # The user pairs the rows the other way round and refreshes.
    first, second = page.locator("select[name^=pair-]").all()
    first_value, second_value = first.input_value(), second.input_value()
    first.select_option(second_value)
    second.select_option(first_value)
    page.locator("[name=action][value=refresh]").click()
    page.wait_for_load_state()
    assert page.locator(".import-errors").count() == 0
    first, second = page.locator("select[name^=pair-]").all()
    assert (first.input_value(), second.input_value()) == (second_value, first_value)
    assert "لا شيء في الملف يربط" in page.locator("main").inner_text()

    # On a phone only the table scrolls sideways, never the page.
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    shoot(page, "preview-390")
    assert errors == []


def shoot(page, name):
    if not SCREENSHOTS:
        return
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    if name == "preview":
        page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
