"""Staff answer a campaign once, in Arabic, in a real browser: the groups page shows the
campaign with its count and channels, the group page gives every copy the disposition, and
the public report shows one row for the campaign. Screenshots of the moderation screens
and the report at 390 and 1366 px go to test-artifacts/ for a person to look at."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from consultations import services
from consultations.models import ModerationState, Response
from tests.factories import make_comment, make_user
from tests.helpers import make_open_window

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PASSWORD = "correct-horse-battery"
CAMPAIGN = (
    "نطالب بنشر بيانات الموازنة العامة بصيغة مفتوحة وقابلة للقراءة الآلية على البوابة الوطنية"
    " خلال ثلاثة أشهر من إقرارها"
)


def screenshots(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-ar-{width}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_staff_answer_a_campaign_once_and_the_report_shows_one_row(page, live_server):
    window, commitment, _other = make_open_window()
    make_user(username="editor", password=PASSWORD, role="editor")
    coordinator = make_user(role="coordinator")
    copies = []
    for ending, channel in (("", "site"), (".\nمع الشكر، أحمد", "workshop"), ("!", "letter")):
        copies.append(
            make_comment(
                window=window,
                commitment=commitment,
                body=CAMPAIGN + ending,
                channel=channel,
                state=ModerationState.PUBLISHED,
                published_at=timezone.now(),
            )
        )
    make_comment(
        window=window,
        body="يجب أن تكون الموازنة متاحة للمواطنين بلغة بسيطة",
        state=ModerationState.PUBLISHED,
        published_at=timezone.now(),
        channel="phone",
        source_event="الخط الساخن",
        taken_down_by="هدى",
    )
    services.regroup_window(window=window)
    group = copies[0].__class__.objects.get(pk=copies[0].pk).group
    assert group is not None

    base = f"{live_server.url}/ar/manage"
    page.goto(f"{base}/login/")
    page.fill("[name=username]", "editor")
    page.fill("[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/consultations/windows/{window.pk}/groups/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_text(f"المجموعة {group.pk}").first.is_visible()
    screenshots(page, "campaign-groups")
    page.goto(f"{base}/consultations/comments/?window={window.pk}&state=all")
    screenshots(page, "comment-list")
    page.goto(f"{base}/consultations/groups/{group.pk}/")
    page.select_option("select[name=outcome]", "partly_accepted")
    page.fill("textarea[name=reason_ar]", "أضيف معلم لنشر بيانات الموازنة شهريًا.")
    page.click("form:has(input[value=answer]) button[type=submit]")
    assert Response.objects.filter(comment__group=group).count() == 3
    screenshots(page, "campaign-group")
    services.publish_responses(comments=copies, user=coordinator)

    page.goto(f"{live_server.url}/ar/consultations/{window.pk}/report/")
    rows = page.locator(".report-row")
    assert rows.count() == 2
    assert page.locator(".report-row-campaign").count() == 1
    assert page.get_by_text("أضيف معلم لنشر بيانات الموازنة شهريًا.").is_visible()
    screenshots(page, "report")
