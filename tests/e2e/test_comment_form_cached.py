"""The comment form of the cached commitment page, in a browser: its tokens arrive when the
citizen reaches it, a refused post comes back on the commitment page at the form with the
summary focused, a long paste is counted and never cut, and the response's outcome badge
covers none of its text. Screenshots at 390 and 1366 px go to test-artifacts/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import Comment
from tests.factories import make_published_comment, make_response
from tests.helpers import make_open_window

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
SIZES = {"390": {"width": 390, "height": 844}, "1366": {"width": 1366, "height": 900}}


@pytest.mark.django_db(transaction=True)
def test_cached_commitment_page_refusal_counter_and_badge(page, live_server, settings):
    settings.COMMENT_MIN_FILL_SECONDS = 0
    window, commitment, _other = make_open_window()
    comment = make_published_comment(
        window=window,
        commitment=commitment,
        body="يرجى التواصل على +962 6 4644466 لتحديد موعد ورشة العمل",
        author_name="سلمى",
        show_name=True,
    )
    make_response(
        comment=comment,
        outcome="partly_accepted",
        reason_ar="أضفنا ورشة عمل في إربد، ولم نضف ورشة في العقبة لضيق الوقت هذا العام.",
        published_at=timezone.now(),
    )
    ARTIFACTS.mkdir(exist_ok=True)
    # In Arabic whatever language an earlier test left active.
    url = live_server.url + commitment.get_absolute_url().replace("/en/", "/ar/", 1)
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        page.goto(url)
        # The outcome badge sits in the title line; the response's first line is below it.
        badge = page.locator(".response-outcome").bounding_box()
        text = page.locator(".comment-response-text p").first.bounding_box()
        assert badge["y"] + badge["height"] <= text["y"] + 1
        page.locator(".comment-response").screenshot(
            path=str(ARTIFACTS / f"comment-response-ar-{name}.png")
        )

        # Sending an empty comment: back on the commitment page, at the form, summary focused.
        page.click("button.comment-submit")
        page.wait_for_selector("#comment-errors")
        assert "#comment-form" in page.url
        assert page.locator("section.commitment-consultation").count() == 1
        expect(page.locator("#comment-errors")).to_be_focused()
        page.screenshot(path=str(ARTIFACTS / f"comment-refused-ar-{name}.png"))
        page.click("#comment-errors a[href='#id_body']")
        expect(page.locator("#id_body")).to_be_focused()

    # A 20,000-character paste: counted, never cut.
    page.goto(url)
    page.fill("textarea[name=body]", "ب" * 20_000)
    assert len(page.input_value("textarea[name=body]")) == 20_000
    counter = page.locator("#id_body_count")
    assert "15000" in counter.inner_text()
    counter.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "comment-counter-ar-390.png"))
    page.click("button.comment-submit")
    page.wait_for_selector("#comment-errors")
    assert "20000" in page.locator("#comment-errors").inner_text()
    assert len(page.input_value("textarea[name=body]")) == 20_000
    assert Comment.objects.count() == 1  # only the published one above

    # A right-sized comment goes through: the tokens came from the endpoint.
    page.fill("textarea[name=body]", "أقترح نشر البيانات شهريًا")
    page.click("button.comment-submit")
    page.wait_for_url("**/consultations/receipt/**")
    assert Comment.objects.count() == 2
