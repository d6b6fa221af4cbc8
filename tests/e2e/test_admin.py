"""The admin works in a real browser under our Content Security Policy, in Arabic."""

import pytest

from tests.factories import make_attendance, make_commitment, make_milestone, make_user

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"


@pytest.fixture
def admin_data(transactional_db):
    make_user(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    commitment = make_commitment()
    make_milestone(commitment=commitment)
    attendance = make_attendance()
    return {"commitment": commitment, "meeting": attendance.meeting}


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_admin_pages_raise_no_csp_or_script_errors(page, live_server, admin_data):
    errors = console_errors(page)
    page.goto(f"{live_server.url}/ar/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/ar/admin/")
    urls = [
        f"/ar/admin/commitments/commitment/{admin_data['commitment'].pk}/change/",
        f"/ar/admin/meetings/meeting/{admin_data['meeting'].pk}/change/",
        "/ar/admin/commitments/commitment/export/",
        f"/ar/admin/commitments/commitment/{admin_data['commitment'].pk}/history/",
    ]
    for url in urls:
        response = page.goto(live_server.url + url, wait_until="networkidle")
        assert response.status == 200, url
        assert page.locator("html").get_attribute("dir") == "rtl"
    # The inline "add another" rows are built by the admin's own script files.
    page.goto(live_server.url + urls[0], wait_until="networkidle")
    assert page.locator(".add-row a").count() >= 1
    page.locator(".add-row a").first.click()
    assert errors == [], "\n".join(errors)
