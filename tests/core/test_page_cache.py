"""The anonymous page cache is refreshed only by writes the public can see.

Every domain write used to start the cache afresh, so a comment waiting for moderation, an
audit row (one per signed-in 403), a stored draft PDF or a subscription threw every cached
page away. Each app now says which of its rows the public sees (page_cache.register_public_rule)."""

import pytest
from django.utils import timezone

from audit.models import AuditAction
from audit.trail import record
from consultations.models import ModerationState
from consultations.services import moderate_comments, publish_response
from core.page_cache import generation
from tests.factories import (
    make_comment,
    make_fifth_plan,
    make_meeting,
    make_plan_pdf,
    make_remark,
    make_response,
    make_subscription,
    make_user,
    make_window,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def window():
    plan = make_fifth_plan()
    return make_window(plan=plan)


def test_a_comment_waiting_for_moderation_keeps_the_pages(window):
    before = generation()
    make_comment(window=window, state=ModerationState.PENDING, body="Waiting for a moderator")
    assert generation() == before


def test_an_audit_row_keeps_the_pages(rf):
    before = generation()
    request = rf.get("/en/manage/audit/")
    request.user = make_user(role="editor")
    record(AuditAction.REFUSED, request, detail="GET /en/manage/audit/")
    assert generation() == before


def test_a_signed_in_refusal_keeps_the_pages(client):
    client.force_login(make_user(role="editor"))
    before = generation()
    assert client.get("/en/manage/audit/").status_code == 403
    assert generation() == before


def test_a_stored_draft_pdf_a_subscription_and_a_members_remark_keep_the_pages(window):
    meeting = make_meeting(plan=window.plan)
    before = generation()
    make_plan_pdf(plan=window.plan)
    make_subscription()
    make_remark(meeting=meeting)
    assert generation() == before


def test_publishing_a_comment_refreshes_the_pages_that_show_it(client, window):
    comment = make_comment(
        window=window, state=ModerationState.PENDING, body="Publish the budget in full"
    )
    first = client.get("/en/data/comments.csv").content.decode()
    assert "Publish the budget in full" not in first
    before = generation()
    moderate_comments(
        comments=[comment], action="publish", user=make_user(role="editor"), now=timezone.now()
    )
    assert generation() > before
    assert "Publish the budget in full" in client.get("/en/data/comments.csv").content.decode()


def test_a_draft_response_keeps_the_pages_and_publishing_it_refreshes_them(window):
    comment = make_comment(window=window, state=ModerationState.PUBLISHED)
    before = generation()
    response = make_response(comment=comment, published_at=None)
    assert generation() == before
    publish_response(response=response, user=make_user(role="coordinator"))
    assert generation() > before
