"""A crowd that follows one shared link: Facebook gives every visitor's click its own
`fbclid`, newsletters add `utm_` parameters. They are served one stored page, and the page
never carries one visitor's parameters to the next; parameters a page reads still count."""

import pytest

from tests.factories import make_commitment, make_fifth_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment():
    plan = make_fifth_plan()
    return make_commitment(plan=plan, number=1, title_en="Open contracting", is_published=True)


def test_visitors_with_their_own_fbclid_share_one_stored_page(
    client, commitment, django_assert_num_queries
):
    first = client.get("/ar/plans/5/commitments/1/?fbclid=IwAR0first")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(
            "/ar/plans/5/commitments/1/?fbclid=IwAR1second&utm_source=facebook&utm_medium=social"
        )
    assert second.content == first.content
    with django_assert_num_queries(0):
        plain = client.get("/ar/plans/5/commitments/1/")
    assert plain.content == first.content


def test_the_page_does_not_carry_a_visitors_tracking_parameters(client, commitment):
    html = client.get("/ar/plans/5/commitments/1/?fbclid=IwAR0first&utm_campaign=draft").text
    assert "IwAR0first" not in html
    assert "utm_campaign" not in html
    assert 'href="/en/plans/5/commitments/1/"' in html  # the language switch, without them


def test_parameters_a_page_reads_still_make_another_page(client, commitment):
    client.get("/en/search/?q=contracting&fbclid=x1")
    other = client.get("/en/search/?q=budget&fbclid=x1")
    assert "budget" in other.text
    # The language switch keeps what the page reads and drops the tracking parameter.
    assert 'href="/ar/search/?q=budget"' in other.text


def test_a_parameter_that_only_starts_like_one_is_kept(client, commitment):
    html = client.get("/en/search/?q=utm&utm_source=x").text
    assert 'href="/ar/search/?q=utm"' in html
