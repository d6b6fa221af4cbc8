"""Plan numbers are unique per country only: two countries' 5th plans must not break or
mix the public pages. And public pages answer HEAD as well as GET."""

import pytest

from tests.factories import make_commitment, make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def two_fifth_plans():
    jordan = make_plan(number=5, title_en="Jordan fifth plan")
    tunisia = make_plan(number=5, country_code="TN", title_en="Tunisia fifth plan")
    make_plan(number=6, country_code="TN", title_en="Tunisia sixth plan")
    make_commitment(plan=jordan, number=1, title_en="Jordan commitment")
    make_commitment(plan=tunisia, number=1, title_en="Tunisia commitment")
    return jordan


@pytest.mark.parametrize(
    "path, shown, not_shown",
    [
        ("/en/", "Jordan fifth plan", "Tunisia sixth plan"),
        ("/en/plans/5/", "Jordan fifth plan", "Tunisia fifth plan"),
        ("/en/plans/5/commitments/1/", "Jordan commitment", "Tunisia commitment"),
        ("/en/plans/5/commitments/1/changes/", "Jordan commitment", "Tunisia commitment"),
        ("/en/plans/", "Jordan fifth plan", "Tunisia fifth plan"),
        ("/en/commitments/?plan=5", "Jordan commitment", "Tunisia commitment"),
        ("/en/search/?q=commitment", "Jordan commitment", "Tunisia commitment"),
        ("/en/data/commitments.json", "Jordan commitment", "Tunisia commitment"),
    ],
)
def test_pages_show_this_countrys_plan(client, two_fifth_plans, path, shown, not_shown):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert shown in page
    assert not_shown not in page


def test_another_countrys_plan_number_is_404(client, two_fifth_plans):
    assert client.get("/en/plans/6/").status_code == 404
    assert client.get("/en/plans/6/compliance/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/ar/",
        "/en/plans/5/",
        "/en/plans/5/commitments/1/",
        "/ar/plans/",
        "/ar/commitments/",
        "/ar/meetings/",
        "/ar/documents/",
        "/ar/plans/5/compliance/",
        "/ar/search/?q=x",
        "/ar/data/",
        "/en/data/plans.csv",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_public_pages_answer_head(client, two_fifth_plans, path):
    """A HEAD first (nothing cached yet) is answered like a GET, without a body."""
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""
