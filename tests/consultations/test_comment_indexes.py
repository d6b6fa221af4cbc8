"""Pages that stay fast at 10,000 comments by walking an index in their order.

A campaign puts thousands of comments on one commitment: its public page reads the newest
twenty by walking one index (`comment_commitment_public`), never by sorting
every comment on it. Checked in SQLite's query plan; PostgreSQL plans by table size, and a
test's tables are too small for its plan to say anything."""

import pytest
from django.db import connection

from consultations.models import Comment
from tests.factories import make_commitment

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; see the docstring"),
]


def test_the_commitment_pages_comments_are_read_from_their_index():
    commitment = make_commitment()
    visible = Comment.objects.filter(commitment=commitment).for_public_list()
    plan = visible[:20].explain()
    assert "comment_commitment_public" in plan
    assert "TEMP B-TREE" not in plan


def test_the_staff_comment_list_walks_its_index_under_every_state_filter():
    """The staff list of a window, oldest first (consultations.workspace.comment_list)."""
    from consultations.models import ModerationState
    from consultations.workspace import group_size
    from tests.factories import make_window

    window = make_window()
    listed = Comment.objects.filter(window=window).annotate(size=group_size())
    for state in [None, *ModerationState.values]:
        shown = listed if state is None else listed.filter(state=state)
        plan = shown.order_by("created_at", "pk")[:50].explain()
        assert "comment_staff_order" in plan, (state, plan)
        assert "TEMP B-TREE" not in plan, (state, plan)
