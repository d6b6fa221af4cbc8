"""A campaign puts thousands of comments on one commitment: its public page reads the newest
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
