"""Every public page runs the same number of SQL queries whatever the size of its data.

Each test renders its page at a small and a large data size and asserts the SAME exact
count, so a template that starts querying inside a loop fails here. Run with -v to see the
SQL on failure.
"""

import datetime

import pytest
from django.utils import timezone

from commitments.models import MilestoneStatus, PolicyArea
from consultations.models import Announcement, AnnouncementChannel
from meetings.models import MinutesState
from plans.models import MethodologyStage, Sector, StageStatus
from tests.factories import (
    make_commitment,
    make_meeting,
    make_milestone,
    make_organisation,
    make_outcome,
    make_plan,
    make_published_minutes,
    make_window,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = "small", "large"
SIZES = {
    # commitments, milestones each, supporting institutions, policy areas, meetings, plans
    SMALL: {"commitments": 2, "milestones": 2, "supporting": 1, "areas": 1, "meetings": 1},
    LARGE: {"commitments": 12, "milestones": 5, "supporting": 6, "areas": 4, "meetings": 6},
}
MEETING_SIZES = {
    SMALL: {"attendees": 3, "agenda": 2, "outcomes": 1, "linked": 1},
    LARGE: {"attendees": 30, "agenda": 10, "outcomes": 8, "linked": 4},
}

# The site's plans (this one and the others), their stages, commitments (+ lead
# institution), their milestones, its windows (open, upcoming, and closed with the reports
# the plan links), published minutes (+ body).
HOME_PAGE_QUERIES = 6
# The plan page adds its document links: the published versions, and the public drafts.
PLAN_PAGE_QUERIES = HOME_PAGE_QUERIES + 2
# Commitment (+ plan, lead institution), milestones, supporting institutions, policy areas,
# and for the "what changed since the draft" link: its first published version and its
# milestones as they were then. The consultation block (consultations.templatetags): the
# windows covering it (the open one's form, whose choices are the milestones above; the
# closed ones' reports), its visible comments (+ commitment, milestone, response) with
# their count. Civil society's ratings of the milestones (+ organisation).
COMMITMENT_PAGE_QUERIES = 9
# Meeting (+ body, plan), attendances (+ person, organisation), agenda items (+ presenter),
# outcomes (+ owner), the outcomes' published commitments (+ plan), the closed consultations
# whose reports it links.
MEETING_PAGE_QUERIES = 6
# Window (+ plan), covered commitments (+ plan, lead institution), announcements, the
# visible comments (+ commitment, milestone, response) and their count, and while the
# window is open the comment form's milestone choices (its commitments are the covered ones).
WINDOW_PAGE_QUERIES = 5


def build_plan(size: str, *, number: int = 10):
    """A plan with stages, commitments, milestones, windows, minutes and older plans."""
    counts = SIZES[size]
    plan = make_plan(number=number)
    for stage_number in range(1, 8):
        MethodologyStage.objects.create(
            plan=plan,
            number=stage_number,
            status=StageStatus.COMPLETED if stage_number < 4 else StageStatus.NOT_STARTED,
            actual_end=datetime.date(2021, stage_number, 1) if stage_number < 4 else None,
        )
    areas = [PolicyArea.objects.create(name_ar=f"مجال {size} {n}") for n in range(counts["areas"])]
    commitments = []
    for n in range(1, counts["commitments"] + 1):
        commitment = make_commitment(plan=plan, number=n, title_en="" if n % 2 else "Title")
        commitment.policy_areas.add(*areas)
        commitment.supporting_institutions.add(
            *[
                make_organisation(sector=list(Sector)[i % len(Sector)])
                for i in range(counts["supporting"])
            ]
        )
        for m in range(1, counts["milestones"] + 1):
            make_milestone(
                commitment=commitment,
                number=m,
                weight=m,
                status=MilestoneStatus.COMPLETED if m % 2 else MilestoneStatus.IN_PROGRESS,
            )
        commitments.append(commitment)
    for _ in range(counts["meetings"]):
        make_meeting(
            plan=plan, minutes_state=MinutesState.PUBLISHED, minutes_published_at=timezone.now()
        )
    for n in range(counts["meetings"]):
        make_window(plan=plan, opens_at=timezone.now() - datetime.timedelta(days=n))
        make_plan(number=number - 1 - n)  # older plans: the home page stays on this one
    return plan, commitments


def build_meeting(size: str):
    counts = MEETING_SIZES[size]
    plan, commitments = build_plan(SMALL)
    meeting = make_published_minutes(
        plan=plan, attendees=counts["attendees"], agenda=counts["agenda"]
    )
    more = [make_commitment(plan=plan) for _ in range(counts["linked"])]
    for n in range(1, counts["outcomes"] + 1):
        outcome = make_outcome(
            meeting=meeting,
            number=n,
            owner=make_organisation(),
            due_on=datetime.date(2022, 1, n),
        )
        outcome.commitments.add(*commitments, *more)
    return meeting


def build_window(size: str):
    counts = SIZES[size]
    plan, commitments = build_plan(size)
    window = make_window(plan=plan, description_ar="وصف")
    window.commitments.add(*commitments)
    for channel in list(AnnouncementChannel)[: 1 if size == SMALL else 4]:
        Announcement.objects.create(window=window, channel=channel, url="https://example.org/")
    assert window.commitments.count() == counts["commitments"]
    return window


@pytest.mark.parametrize("size", [SMALL, LARGE])
@pytest.mark.parametrize("path", ["/ar/", "/en/", "/ar/plans/10/"])
def test_plan_pages(client, django_assert_num_queries, size, path):
    """Home and plan page. Guards the N+1 on each commitment card's lead institution,
    milestones (progress bar) and plan (its link), on each stage row, on each minutes
    link's body and on each open window's call to action."""
    build_plan(size)

    expected = PLAN_PAGE_QUERIES if "/plans/" in path else HOME_PAGE_QUERIES
    with django_assert_num_queries(expected):
        response = client.get(path)

    assert response.status_code == 200
    assert (
        response.content.decode().count('class="commitment-card"') == (SIZES[size]["commitments"])
    )


@pytest.mark.parametrize("size", [SMALL, LARGE])
def test_commitment_page(client, django_assert_num_queries, size):
    """Commitment page. Guards the N+1 on milestone rows, supporting institutions grouped
    by sector and policy-area badges."""
    build_plan(size)

    with django_assert_num_queries(COMMITMENT_PAGE_QUERIES):
        response = client.get("/ar/plans/10/commitments/1/")

    assert response.status_code == 200
    assert response.content.decode().count('class="col-number"') == SIZES[size]["milestones"]


@pytest.mark.parametrize("size", [SMALL, LARGE])
def test_meeting_page(client, django_assert_num_queries, size):
    """Meeting minutes. Guards the N+1 on each attendee's person and organisation, each
    agenda item's presenter, each outcome's owner and each outcome's related commitments
    (and their plan, for the link)."""
    meeting = build_meeting(size)

    with django_assert_num_queries(MEETING_PAGE_QUERIES):
        response = client.get(f"/ar/meetings/{meeting.pk}/")

    assert response.status_code == 200
    assert (
        response.content.decode().count('class="attendee-name"')
        == (MEETING_SIZES[size]["attendees"])
    )


@pytest.mark.parametrize("size", [SMALL, LARGE])
def test_window_page(client, django_assert_num_queries, size):
    """Comment window. Guards the N+1 on each covered commitment's plan (its link) and
    lead institution, and on the announcements."""
    window = build_window(size)

    with django_assert_num_queries(WINDOW_PAGE_QUERIES):
        response = client.get(f"/en/consultations/{window.pk}/")

    assert response.status_code == 200
