"""The Django admin is for superusers only: every staff role is refused, GET and POST,
including the export pages (a forum member could once export the commitments' private
contacts), and so is a staff account without a role."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from commitments.models import Commitment
from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from tests.factories import make_comment, make_commitment, make_user

pytestmark = pytest.mark.django_db

ROLES = [COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER]

GET_URLS = [
    "/en/admin/",
    "/en/admin/commitments/commitment/",
    "/en/admin/commitments/commitment/{commitment}/change/",
    "/en/admin/commitments/commitment/{commitment}/delete/",
    "/en/admin/commitments/commitment/export/",
    "/en/admin/consultations/comment/{comment}/change/",
    "/en/admin/consultations/comment/export/",
    "/en/admin/axes/accessattempt/",
]


@pytest.fixture
def objects():
    commitment = make_commitment(
        title_ar="النص الأصلي", contact_email="private.person@example.gov.jo"
    )
    return {"commitment": commitment, "comment": make_comment()}


def signed_in(role: str) -> Client:
    client = Client()
    client.force_login(make_user(role=role, is_staff=True))
    return client


def assert_sent_to_admin_sign_in(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")


def ids(objects) -> dict:
    return {"commitment": objects["commitment"].pk, "comment": objects["comment"].pk}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", GET_URLS)
def test_every_role_is_refused_the_admin(objects, role, url):
    assert_sent_to_admin_sign_in(signed_in(role).get(url.format(**ids(objects))))


@pytest.mark.parametrize("url", GET_URLS)
def test_anonymous_is_sent_to_the_admin_sign_in(objects, url):
    assert_sent_to_admin_sign_in(Client().get(url.format(**ids(objects))))


@pytest.mark.parametrize("role", ROLES)
def test_no_role_can_export_commitment_contacts(objects, role):
    client = signed_in(role)
    url = "/en/admin/commitments/commitment/export/"
    for response in (
        client.get(url, {"format": "0"}),
        client.post(
            url, {"format": "0", "resource": "0", "commitmentresource_contact_email": "on"}
        ),
    ):
        assert_sent_to_admin_sign_in(response)
        assert "private.person" not in response.content.decode()
        assert response.get("Content-Disposition") is None


@pytest.mark.parametrize("role", ROLES)
def test_no_role_can_change_import_or_delete_through_the_admin(objects, role):
    client = signed_in(role)
    commitment = objects["commitment"]
    change = f"/en/admin/commitments/commitment/{commitment.pk}/change/"
    assert_sent_to_admin_sign_in(client.post(change, {"title_ar": "نص مزور", "_save": "1"}))
    delete = f"/en/admin/commitments/commitment/{commitment.pk}/delete/"
    assert_sent_to_admin_sign_in(client.post(delete, {"post": "yes"}))
    for url in (
        "/en/admin/commitments/commitment/import/",
        "/en/admin/commitments/commitment/process_import/",
    ):
        assert_sent_to_admin_sign_in(client.post(url, {"format": "0"}))
    commitment.refresh_from_db()
    assert (commitment.title_ar, commitment.version) == ("النص الأصلي", 1)
    assert Commitment.objects.count() == 1


def test_a_staff_account_that_is_not_a_superuser_is_refused(objects):
    """Staff status alone, even with every model permission, does not open the admin."""
    user = make_user(is_staff=True)
    user.user_permissions.add(*Permission.objects.all())
    client = Client()
    client.force_login(user)
    for url in GET_URLS:
        assert_sent_to_admin_sign_in(client.get(url.format(**ids(objects))))
    commitment = objects["commitment"]
    change = f"/en/admin/commitments/commitment/{commitment.pk}/change/"
    assert_sent_to_admin_sign_in(client.post(change, {"title_ar": "نص مزور", "_save": "1"}))
    commitment.refresh_from_db()
    assert (commitment.title_ar, commitment.version) == ("النص الأصلي", 1)


def test_the_admin_sign_in_page_says_a_staff_user_is_not_authorised(objects):
    response = signed_in(EDITOR).get("/en/admin/login/?next=/en/admin/")
    assert response.status_code == 200
    assert "not authorized" in response.content.decode()


def test_a_superuser_gets_in(objects):
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    for url in GET_URLS:
        assert client.get(url.format(**ids(objects))).status_code == 200, url
