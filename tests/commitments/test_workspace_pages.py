"""What the commitment list and the commitment page of the workspace show, and that each
runs the same number of SQL queries whatever the size of its data."""

import datetime

import pytest
from django.urls import reverse

from commitments.models import Decision
from commitments.services import send_approval_request
from tests.factories import (
    make_approval_letter,
    make_commitment,
    make_milestone,
    make_organisation,
    make_plan,
    make_policy_area,
    make_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def list_url(plan):
    return reverse("manage:commitment_list", kwargs={"number": plan.number})


def detail_url(commitment):
    return reverse("manage:commitment_detail", kwargs={"pk": commitment.pk})


class TestList:
    def test_shows_each_commitment_with_its_facts(self, client, editor):
        plan = make_plan(number=5)
        lead = make_organisation(name_en="Ministry of Finance")
        commitment = make_commitment(
            plan=plan,
            number=4,
            ogp_id="JO0064",
            lead_institution=lead,
            title_en="Open budget data",
            status="in_implementation",
            is_published=False,
        )
        make_milestone(commitment=commitment, number=1, weight=40, status="completed")
        make_milestone(commitment=commitment, number=2, weight=60)
        html = client.get(list_url(plan)).content.decode()
        for text in ["JO0064", "Open budget data", "Ministry of Finance", "In implementation"]:
            assert text in html
        assert "Not published" in html
        assert "40.0%" in html

    def test_marks_a_missing_translation(self, client, editor):
        plan = make_plan(number=5)
        make_commitment(plan=plan, title_en="Complete", description_ar="", description_en="")
        make_commitment(plan=plan, title_en="", title_ar="بالعربية فقط")
        html = client.get(list_url(plan)).content.decode()
        assert html.count("1 missing translation") == 1

    def test_only_this_plans_commitments(self, client, editor):
        plan, other = make_plan(number=5), make_plan(number=4)
        make_commitment(plan=other, title_en="Fourth plan commitment")
        assert "Fourth plan commitment" not in client.get(list_url(plan)).content.decode()


class TestDetail:
    @pytest.fixture
    def commitment(self):
        commitment = make_commitment(
            title_en="Open budget data",
            problem_ar="المشكلة",
            problem_en="",
            contact_email="focal@mop.gov.jo",
            transparency=True,
        )
        make_milestone(commitment=commitment, number=1, title_ar="نشر الدليل", weight=100)
        return commitment

    def test_shows_the_template_milestones_and_the_private_contact(
        self, client, editor, commitment
    ):
        html = client.get(detail_url(commitment)).content.decode()
        assert "Open budget data" in html
        assert "المشكلة" in html and "Missing translation" in html
        assert "نشر الدليل" in html
        assert "Transparency" in html
        assert "focal@mop.gov.jo" in html and "Private" in html

    def test_no_approval_yet(self, client, editor, commitment):
        html = client.get(detail_url(commitment)).content.decode()
        assert "No approval by the lead institution for the current text." in html

    def test_current_approval_by_the_lead_institution(self, client, editor, commitment):
        letter = send_approval_request(
            commitment=commitment,
            reference="MOP/1/2021",
            sent_on=datetime.date(2021, 12, 1),
            due_on=None,
            by=editor,
        )
        letter.decision, letter.received_on = Decision.APPROVED, datetime.date(2021, 12, 20)
        letter.save()
        html = client.get(detail_url(commitment)).content.decode()
        assert "Approved by the lead institution for the current text." in html
        assert "MOP/1/2021" in html

    def test_approval_of_an_older_text_does_not_count(self, client, editor, commitment):
        make_approval_letter(
            commitment=commitment,
            decision=Decision.APPROVED,
            received_on=datetime.date(2021, 12, 20),
        )
        commitment.title_ar = "نص جديد"
        commitment.save()
        html = client.get(detail_url(commitment)).content.decode()
        assert "No approval by the lead institution for the current text." in html
        assert "for an older text" in html


def build(size: int, *, organisations: int = 0):
    """A plan whose commitments each have `size` milestones, supporting institutions,
    policy areas and approval letters; plus `organisations` more organisations."""
    plan = make_plan(number=5)
    for _ in range(organisations):
        make_organisation()
    commitments = []
    for number in range(1, size + 1):
        commitment = make_commitment(plan=plan, number=number)
        for milestone_number in range(1, size + 1):
            make_milestone(commitment=commitment, number=milestone_number, weight=1)
        commitment.supporting_institutions.add(*[make_organisation() for _ in range(size)])
        commitment.policy_areas.add(*[make_policy_area() for _ in range(size)])
        for _ in range(size):
            make_approval_letter(commitment=commitment)
        commitments.append(commitment)
    return plan, commitments


# Session, user, groups, the user's and the groups' permissions: 5 for every page.
SIGNED_IN = 5
# The plan, its commitments (+ lead institution), their milestones.
LIST_QUERIES = SIGNED_IN + 3
# The commitment (+ plan, lead institution), its milestones, supporting institutions, policy
# areas, approval letters, the letters' agencies.
DETAIL_QUERIES = SIGNED_IN + 6
# The commitment (+ plan), its milestones, supporting institutions, policy areas, the
# organisations (one query for both institution lists), the policy areas to choose from.
EDIT_QUERIES = SIGNED_IN + 6


@pytest.mark.parametrize("size", [2, 15])
def test_list_query_count(client, editor, django_assert_num_queries, size):
    """The commitment list: no query per commitment for its lead institution, progress
    (milestones) or missing translations."""
    plan, _commitments = build(size)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(list_url(plan))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 15])
def test_detail_query_count(client, editor, django_assert_num_queries, size):
    """The commitment page: no query per milestone, institution, policy area or approval
    letter (each letter's agency and its check against the current text)."""
    _plan, commitments = build(size)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(commitments[0]))
    assert response.status_code == 200


@pytest.mark.parametrize(("size", "organisations"), [(2, 5), (15, 50)])
def test_edit_query_count(client, editor, django_assert_num_queries, size, organisations):
    """The commitment edit page: no query per milestone row of the formset, per
    organisation in the lead and supporting lists, or per policy area checkbox."""
    _plan, commitments = build(size, organisations=organisations)
    url = reverse("manage:commitment_edit", kwargs={"pk": commitments[0].pk})
    with django_assert_num_queries(EDIT_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('-milestone_id" value=') == size


@pytest.mark.parametrize("size", [2, 15])
def test_list_query_count_for_a_focal_point(client, django_assert_num_queries, size):
    """The commitment list as an agency focal point: their agencies' commitments only, still
    without a query per commitment."""
    plan, commitments = build(size)
    user = make_user(role="focal_point")
    for commitment in commitments:
        commitment.lead_institution.focal_points.add(user)
    client.force_login(user)
    with django_assert_num_queries(LIST_QUERIES + 1):  # + "is this user agency-scoped?"
        response = client.get(list_url(plan))
    html = response.content.decode()
    assert all(f'href="{detail_url(commitment)}"' in html for commitment in commitments)
