"""A citizen comments from a phone, in Arabic, and presses "back" and sends again: one
comment, one receipt. Screenshots go to test-artifacts/ for a person to look at."""

from pathlib import Path

import pytest
from django.conf import settings

from consultations.models import Comment
from consultations.services import moderate_comments
from tests.factories import make_user
from tests.helpers import make_open_window

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PHONE = {"width": 390, "height": 844}
TEXT = "أقترح نشر بيانات الموازنة شهرياً بصيغة مفتوحة"


@pytest.mark.django_db(transaction=True)
def test_comment_in_arabic_on_a_phone_back_and_resubmit(page, live_server, settings):
    settings.COMMENT_MIN_FILL_SECONDS = 0
    window, commitment, _other = make_open_window()
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + commitment.get_absolute_url())
    page.fill("textarea[name=body]", TEXT)
    page.select_option("select[name=part]", "problem")
    page.fill("input[name=author_name]", "سلمى")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "comment-form-ar-390.png"), full_page=True)
    page.click("button.comment-submit")
    page.wait_for_url("**/consultations/receipt/**")
    number = page.inner_text(".receipt-number").strip()
    comment = Comment.objects.get()
    assert number == comment.tracking_number
    page.screenshot(path=str(ARTIFACTS / "comment-receipt-ar-390.png"), full_page=True)

    page.go_back()
    page.wait_for_selector("button.comment-submit")
    # Chromium reloads the page (new token) and restores the typed text: the same comment.
    assert page.input_value("textarea[name=body]") == TEXT
    page.click("button.comment-submit")
    page.wait_for_load_state()
    assert Comment.objects.count() == 1
    if "/receipt/" in page.url:
        assert page.inner_text(".receipt-number").strip() == number

    moderate_comments(comments=[comment], action="publish", user=make_user(role="editor"))
    page.goto(live_server.url + commitment.get_absolute_url())
    assert page.locator(".comment-item").count() == 1
    assert page.locator(".comment-body").inner_text().strip() == TEXT
    page.screenshot(path=str(ARTIFACTS / "commitment-comments-ar-390.png"), full_page=True)
