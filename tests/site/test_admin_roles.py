"""Who may do what in the admin, role by role (until the staff workspace takes over)."""

import pytest
from django.test import Client

from plans.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from tests.factories import make_comment, make_milestone, make_user

pytestmark = pytest.mark.django_db

ALLOWED, FORBIDDEN, TO_LOGIN = 200, 403, 302

# (what, url template) -> {role: expected status}
MATRIX = {
    ("view commitments", "/ar/admin/commitments/commitment/"): {
        COORDINATOR: ALLOWED,
        EDITOR: ALLOWED,
        FOCAL_POINT: ALLOWED,
        FORUM_MEMBER: ALLOWED,
    },
    ("edit a commitment", "/ar/admin/commitments/commitment/{commitment}/change/"): {
        COORDINATOR: ALLOWED,
        EDITOR: ALLOWED,
        FOCAL_POINT: ALLOWED,
        FORUM_MEMBER: ALLOWED,
    },
    ("delete a commitment", "/ar/admin/commitments/commitment/{commitment}/delete/"): {
        COORDINATOR: ALLOWED,
        EDITOR: FORBIDDEN,
        FOCAL_POINT: FORBIDDEN,
        FORUM_MEMBER: FORBIDDEN,
    },
    ("import commitments", "/ar/admin/commitments/commitment/import/"): {
        COORDINATOR: ALLOWED,
        EDITOR: ALLOWED,
        FOCAL_POINT: FORBIDDEN,
        FORUM_MEMBER: FORBIDDEN,
    },
    ("add a milestone", "/ar/admin/commitments/milestone/add/"): {
        COORDINATOR: ALLOWED,
        EDITOR: ALLOWED,
        FOCAL_POINT: FORBIDDEN,
        FORUM_MEMBER: FORBIDDEN,
    },
    ("see citizens' comments", "/ar/admin/consultations/comment/{comment}/change/"): {
        COORDINATOR: ALLOWED,
        EDITOR: ALLOWED,
        FOCAL_POINT: FORBIDDEN,
        FORUM_MEMBER: FORBIDDEN,
    },
}
CASES = [
    (what, url, role, status)
    for (what, url), expected in MATRIX.items()
    for role, status in expected.items()
]


@pytest.fixture
def objects():
    milestone = make_milestone()
    return {"commitment": milestone.commitment.pk, "comment": make_comment().pk}


@pytest.mark.parametrize(("what", "url", "role", "status"), CASES)
def test_role_matrix(objects, what, url, role, status):
    client = Client()
    client.force_login(make_user(role=role, is_staff=True))
    response = client.get(url.format(**objects))
    assert response.status_code == status, f"{role} / {what}"


@pytest.mark.parametrize(("what", "url"), list(MATRIX))
def test_anonymous_is_sent_to_sign_in(objects, what, url):
    response = Client().get(url.format(**objects))
    assert response.status_code == TO_LOGIN
    assert "/admin/login/" in response["Location"]


def test_a_focal_point_sees_the_commitment_read_only(objects):
    """View permission only: the change page shows the text but no save button."""
    client = Client()
    client.force_login(make_user(role=FOCAL_POINT, is_staff=True))
    html = client.get(f"/ar/admin/commitments/commitment/{objects['commitment']}/change/")
    assert 'name="_save"' not in html.content.decode()
