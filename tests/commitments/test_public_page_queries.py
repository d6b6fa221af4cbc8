"""The public commitment page rendered again, as it is after any publication refreshes the
page cache: the same queries whatever the size of its data, and "what changed since the
draft" (the link to the changes page) worked out once per public text of the commitment,
not read from its history and diffed on every rendering."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from commitments import services
from commitments.models import MilestoneStatus
from consultations.models import ModerationState
from core.page_cache import bump_generation
from plans.models import Sector
from tests.factories import (
    make_civil_society_rating,
    make_comment,
    make_commitment,
    make_milestone,
    make_organisation,
    make_plan,
    make_policy_area,
    make_response,
    make_user,
    make_window,
)

pytestmark = pytest.mark.django_db

SIZES = {
    "small": {"milestones": 2, "supporting": 1, "areas": 1, "ratings": 1, "comments": 1},
    "large": {"milestones": 9, "supporting": 7, "areas": 5, "ratings": 9, "comments": 25},
}
NO_CHANGES = "The text has not changed since it was first published."


def build_commitment(size: str, number: int = 10):
    """A published commitment of a public plan, with milestones, supporting institutions,
    policy areas, civil society's ratings and published comments (with responses) in an
    open window covering it, so the page shows every part, the comment form included."""
    counts = SIZES[size]
    plan = make_plan(number=number)
    commitment = make_commitment(plan=plan, number=1, title_en="Open budgets")
    commitment.policy_areas.add(*[make_policy_area() for _ in range(counts["areas"])])
    commitment.supporting_institutions.add(
        *[
            make_organisation(sector=list(Sector)[n % len(Sector)])
            for n in range(counts["supporting"])
        ]
    )
    milestones = [
        make_milestone(commitment=commitment, number=n, status=MilestoneStatus.IN_PROGRESS)
        for n in range(1, counts["milestones"] + 1)
    ]
    for n in range(counts["ratings"]):
        make_civil_society_rating(milestone=milestones[n % len(milestones)])
    window = make_window(plan=plan)
    window.commitments.add(commitment)
    for n in range(counts["comments"]):
        comment = make_comment(
            window=window,
            commitment=commitment,
            milestone=milestones[n % len(milestones)],
            state=ModerationState.PUBLISHED,
            published_at=timezone.now(),
        )
        make_response(comment=comment)
    return commitment


def page_url(commitment, language: str = "en") -> str:
    with translation.override(language):
        return commitment.get_absolute_url()


def changes_url(commitment, language: str = "en") -> str:
    return page_url(commitment, language) + "changes/"


def render(client, url: str):
    """The page as the page cache misses it, with the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


def history_queries(sql: list[str]) -> list[str]:
    return [statement for statement in sql if "historical" in statement]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_query_count_does_not_grow_with_the_data(client, language):
    """Commitment page, first rendering and rendered again after a publication elsewhere.
    Guards the N+1 on milestone rows and their civil society ratings, supporting
    institutions by sector, policy-area badges, and each comment's milestone and response."""
    counts = {}
    for number, size in enumerate(SIZES, start=10):
        commitment = build_commitment(size, number=number)
        url = page_url(commitment, language)
        first, first_sql = render(client, url)
        bump_generation()
        again, again_sql = render(client, url)
        assert first.content == again.content
        html = again.content.decode()
        assert html.count('class="col-number"') == SIZES[size]["milestones"]
        assert html.count('class="area-badge"') == SIZES[size]["areas"]
        assert html.count('class="side-panel cs-rating"') == SIZES[size]["ratings"]
        assert html.count('class="comment-item"') == min(SIZES[size]["comments"], 20)
        assert 'class="comment-form"' in html
        counts[size] = (first_sql, again_sql)
    (small_first, small_again), (large_first, large_again) = counts["small"], counts["large"]
    assert len(large_first) == len(small_first), "\n".join(large_first)
    assert len(large_again) == len(small_again), "\n".join(large_again)
    # Rendered again, the page does not read the history: only the first rendering of a
    # text works out whether it changed since the draft (two queries).
    assert len(small_again) == len(small_first) - 2, "\n".join(small_again)
    assert len(history_queries(small_first)) == 2
    assert history_queries(small_again) == []


class TestChangedSinceTheDraft:
    """The link to the changes page is shown exactly when that page has a change to show,
    in both languages, whatever was edited and in which order."""

    @pytest.fixture
    def editor(self):
        return make_user(role="editor")

    @pytest.fixture
    def commitment(self, editor):
        commitment = services.create_commitment(
            plan=make_plan(number=5),
            data={
                "number": 1,
                "title_ar": "تحسين الوصول إلى المعلومات",
                "title_en": "Better access to information",
                "lead_institution": make_organisation(),
                "contact_email": "first.contact@example.org",
                "status": "draft",
            },
            by=editor,
            milestones=[
                services.MilestoneRow(
                    data={
                        "title_ar": "المعلم الأول",
                        "starts_on": datetime.date(2022, 1, 1),
                        "ends_on": datetime.date(2022, 6, 30),
                        "weight": 100,
                    }
                )
            ],
        )
        return services.set_commitment_published(commitment=commitment, published=True, by=editor)

    def edit(self, commitment, editor, **data):
        commitment.refresh_from_db()
        return services.update_commitment(
            commitment=commitment, data=data, expected_version=commitment.version, by=editor
        )

    def link_shown(self, client, commitment) -> dict[str, bool]:
        """Per language: is the link on the page, and does the changes page list a change?"""
        shown = {}
        for language in ("ar", "en"):
            page = client.get(page_url(commitment, language)).content.decode()
            changes = client.get(changes_url(commitment, language)).content.decode()
            linked = f'href="{changes_url(commitment, language)}"' in page
            if language == "en":
                assert linked == (NO_CHANGES not in changes)
            shown[language] = linked
        return shown

    def test_a_published_draft_has_no_link_and_is_not_read_again(self, client, commitment):
        assert self.link_shown(client, commitment) == {"ar": False, "en": False}
        bump_generation()
        _response, sql = render(client, page_url(commitment))
        assert history_queries(sql) == []

    def test_an_edit_of_the_public_text_shows_the_link_and_undoing_it_hides_it(
        self, client, commitment, editor
    ):
        assert self.link_shown(client, commitment) == {"ar": False, "en": False}
        self.edit(commitment, editor, title_en="Better access to public information")
        assert self.link_shown(client, commitment) == {"ar": True, "en": True}
        self.edit(commitment, editor, title_en="Better access to information")
        assert self.link_shown(client, commitment) == {"ar": False, "en": False}

    def test_an_edit_the_public_does_not_see_keeps_the_answer(self, client, commitment, editor):
        assert self.link_shown(client, commitment) == {"ar": False, "en": False}
        self.edit(commitment, editor, contact_email="second.contact@example.org")
        _response, sql = render(client, page_url(commitment))
        assert history_queries(sql) == []
        assert self.link_shown(client, commitment) == {"ar": False, "en": False}

    def test_a_milestone_edited_or_added_shows_the_link(self, client, commitment, editor):
        assert self.link_shown(client, commitment) == {"ar": False, "en": False}
        commitment.refresh_from_db()
        services.update_milestones(
            commitment=commitment,
            changes={1: {"title_ar": "المعلم الأول بعد التعديل"}},
            expected_version=commitment.version,
            by=editor,
        )
        assert self.link_shown(client, commitment) == {"ar": True, "en": True}
        commitment.refresh_from_db()
        services.update_milestones(
            commitment=commitment,
            changes={
                1: {"title_ar": "المعلم الأول", "weight": 60},  # its draft title again
                2: {
                    "title_ar": "المعلم الثاني",
                    "starts_on": datetime.date(2022, 7, 1),
                    "ends_on": datetime.date(2022, 12, 31),
                    "weight": 40,
                },
            },
            expected_version=commitment.version,
            by=editor,
        )
        assert self.link_shown(client, commitment) == {"ar": True, "en": True}

    def test_anonymous_visitors_read_the_page_as_before(self, client, commitment, editor):
        self.edit(commitment, editor, problem_en="Requests go unanswered")
        response = client.get(page_url(commitment))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Better access to information" in html
        assert "Requests go unanswered" in html
        assert "first.contact@example.org" not in html  # the contact fields stay private
        assert f'href="{changes_url(commitment)}"' in html
        assert "csrftoken" not in response.cookies
