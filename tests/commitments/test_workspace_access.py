"""Who may open and post to the commitment screens of the workspace.

Anonymous visitors go to the sign-in page; a role without the permission gets 403 and its
POSTs change nothing; an agency focal point sees only their agencies' commitments (404 for
the others').
"""

import pytest
from django.urls import reverse

from commitments.models import Commitment
from plans.models import Organisation
from tests.factories import make_commitment, make_milestone, make_organisation, make_plan, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ROLES = ["forum_member", "focal_point", "editor", "coordinator"]
ANONYMOUS = None


@pytest.fixture
def plan():
    return make_plan(number=5)


@pytest.fixture
def commitment(plan):
    commitment = make_commitment(plan=plan, number=1, title_en="Open budget", is_published=False)
    make_milestone(commitment=commitment, number=1, weight=100)
    return commitment


def sign_in(client, role, commitment=None):
    """A user in `role` (None: anonymous); a focal point is the commitment's lead agency's."""
    if role is ANONYMOUS:
        return None
    user = make_user(role=role)
    if role == "focal_point" and commitment is not None:
        commitment.lead_institution.focal_points.add(user)
    client.force_login(user)
    return user


def edit_post(commitment):
    return {
        "number": commitment.number,
        "title_ar": "عنوان مزور",
        "lead_institution": commitment.lead_institution_id,
        "status": "draft",
        "version": commitment.version,
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
    }


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert reverse("manage:login") in response.url


# (role, status of a GET): anonymous visitors are sent to sign in.
EVERY_ROLE_READS = [
    (ANONYMOUS, 302),
    ("forum_member", 200),
    ("focal_point", 200),
    ("editor", 200),
    ("coordinator", 200),
]
EDITORS_ONLY = [
    (ANONYMOUS, 302),
    ("forum_member", 403),
    ("focal_point", 403),
    ("editor", 200),
    ("coordinator", 200),
]


def get_as(client, role, url, status):
    """GET `url` as signed in: anonymous visitors are sent to sign in, others get `status`."""
    response = client.get(url)
    if role is ANONYMOUS:
        assert_sent_to_sign_in(response)
    else:
        assert response.status_code == status
    return response


@pytest.mark.parametrize(("role", "status"), EVERY_ROLE_READS)
def test_list(client, plan, commitment, role, status):
    sign_in(client, role, commitment)
    url = reverse("manage:commitment_list", kwargs={"number": plan.number})
    response = get_as(client, role, url, status)
    if role is not ANONYMOUS:
        assert "Open budget" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), EVERY_ROLE_READS)
def test_detail(client, commitment, role, status):
    sign_in(client, role, commitment)
    get_as(client, role, reverse("manage:commitment_detail", kwargs={"pk": commitment.pk}), status)


@pytest.mark.parametrize(("role", "status"), EDITORS_ONLY)
def test_create_get(client, plan, commitment, role, status):
    sign_in(client, role, commitment)
    get_as(
        client, role, reverse("manage:commitment_create", kwargs={"number": plan.number}), status
    )


@pytest.mark.parametrize("role", [ANONYMOUS, "forum_member", "focal_point"])
def test_create_post_refused_creates_nothing(client, plan, commitment, role):
    sign_in(client, role, commitment)
    data = {**edit_post(commitment), "number": 2}
    response = client.post(
        reverse("manage:commitment_create", kwargs={"number": plan.number}), data
    )
    assert response.status_code == (302 if role is ANONYMOUS else 403)
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), EDITORS_ONLY)
def test_edit_get(client, commitment, role, status):
    sign_in(client, role, commitment)
    get_as(client, role, reverse("manage:commitment_edit", kwargs={"pk": commitment.pk}), status)


@pytest.mark.parametrize("role", [ANONYMOUS, "forum_member", "focal_point"])
def test_edit_post_refused_changes_nothing(client, commitment, role):
    sign_in(client, role, commitment)
    before = Commitment.objects.get(pk=commitment.pk)
    response = client.post(
        reverse("manage:commitment_edit", kwargs={"pk": commitment.pk}), edit_post(commitment)
    )
    assert response.status_code == (302 if role is ANONYMOUS else 403)
    after = Commitment.objects.get(pk=commitment.pk)
    assert (after.title_ar, after.version) == (before.title_ar, before.version)
    assert after.milestones.count() == 1


@pytest.mark.parametrize("role", ["editor", "coordinator"])
def test_edit_post_allowed(client, commitment, role):
    sign_in(client, role, commitment)
    data = {**edit_post(commitment), "milestones-TOTAL_FORMS": 0}
    response = client.post(reverse("manage:commitment_edit", kwargs={"pk": commitment.pk}), data)
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.title_ar == "عنوان مزور"


@pytest.mark.parametrize(
    ("role", "status", "published"),
    [
        (ANONYMOUS, 302, False),
        ("forum_member", 403, False),
        ("focal_point", 403, False),
        ("editor", 403, False),
        ("coordinator", 302, True),
    ],
)
def test_publish(client, commitment, role, status, published):
    sign_in(client, role, commitment)
    url = reverse("manage:commitment_publish", kwargs={"pk": commitment.pk})
    response = client.post(url, {"published": "1"})
    assert response.status_code == status
    commitment.refresh_from_db()
    assert commitment.is_published is published


def test_coordinator_unpublishes(client, commitment):
    Commitment.objects.filter(pk=commitment.pk).update(is_published=True)
    sign_in(client, "coordinator")
    url = reverse("manage:commitment_publish", kwargs={"pk": commitment.pk})
    response = client.post(url, {"published": "0"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.is_published is False


def test_publish_is_post_only(client, commitment):
    sign_in(client, "coordinator")
    response = client.get(reverse("manage:commitment_publish", kwargs={"pk": commitment.pk}))
    assert response.status_code == 405


def test_publish_button_only_for_the_coordinator(client, commitment):
    url = reverse("manage:commitment_detail", kwargs={"pk": commitment.pk})
    sign_in(client, "editor")
    assert "Publish</button>" not in client.get(url).content.decode()
    sign_in(client, "coordinator")
    assert "Publish</button>" in client.get(url).content.decode()


@pytest.mark.parametrize(("role", "status"), EDITORS_ONLY)
def test_inline_organisation(client, commitment, role, status):
    sign_in(client, role, commitment)
    data = {"org-name_ar": "منظمة جديدة", "org-sector": "civil_society"}
    response = client.post(
        reverse("manage:organisation_create_inline"), data, headers={"HX-Request": "true"}
    )
    assert response.status_code == status
    assert Organisation.objects.filter(name_ar="منظمة جديدة").exists() is (status == 200)


class TestFocalPointScope:
    """A focal point sees only the commitments of their own agencies; others are 404."""

    @pytest.fixture
    def other(self, plan):
        return make_commitment(plan=plan, number=2, title_en="Another agency's commitment")

    def test_list_shows_only_their_agencies(self, client, plan, commitment, other):
        sign_in(client, "focal_point", commitment)
        html = client.get(reverse("manage:commitment_list", kwargs={"number": plan.number}))
        html = html.content.decode()
        assert "Open budget" in html
        assert "Another agency" not in html

    def test_supporting_agency_counts(self, client, plan, commitment, other):
        user = sign_in(client, "focal_point")
        agency = make_organisation()
        agency.focal_points.add(user)
        other.supporting_institutions.add(agency)
        response = client.get(reverse("manage:commitment_detail", kwargs={"pk": other.pk}))
        assert response.status_code == 200

    def test_other_agency_commitment_is_not_found(self, client, commitment, other):
        sign_in(client, "focal_point", commitment)
        response = client.get(reverse("manage:commitment_detail", kwargs={"pk": other.pk}))
        assert response.status_code == 404

    def test_unknown_plan_is_not_found(self, client, commitment):
        sign_in(client, "editor")
        response = client.get(reverse("manage:commitment_list", kwargs={"number": 99}))
        assert response.status_code == 404
