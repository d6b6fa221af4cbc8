"""The public lists: plans, commitments (with filters), meetings, the document repository.

Each answers GET and HEAD in both languages, runs a fixed number of queries at two data
sizes, shows only public rows of this site's country, and never answers 500 to a bad
query string.
"""

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from commitments.models import Commitment, CommitmentStatus, MilestoneStatus
from plans.models import DocumentKind, MethodologyStage
from tests.factories import (
    make_commitment,
    make_document,
    make_meeting,
    make_milestone,
    make_organisation,
    make_plan,
    make_published_meeting,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

LIST_PATHS = ["plans/", "commitments/", "meetings/", "documents/"]
BAD_QUERIES = [
    "?page=abc",
    "?page=99999999999999999999999",
    "?page=-1",
    "?page=0",
    "?plan=abc&institution=%3Cscript%3E&value=<b>&status=nope",
    "?plan=999999999999999999&stage=99&kind=unknown",
    "?unknown=1&page=%00",
    "?plan=%D9%A5",
]


def public_document(**fields):
    fields.setdefault("is_public", True)
    fields.setdefault("published_at", timezone.now())
    return make_document(**fields)


def build_site(size: int, *, number: int = 5):
    """A public plan with `size` commitments (each with milestones), meetings and documents."""
    plan = make_plan(number=number, title_en=f"Plan {number}")
    stage = MethodologyStage.objects.create(plan=plan, number=2)
    for n in range(1, size + 1):
        commitment = make_commitment(
            plan=plan,
            number=n,
            lead_institution=make_organisation(),
            ogp_id=f"JO{number:02d}{n:02d}",
            transparency=n % 2 == 0,
        )
        for m in range(1, 4):
            make_milestone(commitment=commitment, number=m, weight=10 * m)
        make_published_meeting(plan=plan, title_en=f"Meeting {n}")
        public_document(plan=plan, stage=stage, kind=DocumentKind.MINUTES)
    return plan


def test_every_list_answers_get_and_head_in_both_languages(client):
    build_site(2)
    for language in ("ar", "en"):
        for path in LIST_PATHS:
            response = client.get(f"/{language}/{path}")
            assert response.status_code == 200, path
            assert f'lang="{language}"' in response.content.decode()
            assert client.head(f"/{language}/{path}").status_code == 200


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_query_parameters_show_a_normal_page(client, path, query):
    build_site(2)
    response = client.get(f"/en/{path}{query}")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_commitments_filter_by_plan_institution_value_and_status(client):
    plan = build_site(3, number=5)
    other = build_site(2, number=4)
    lead = make_organisation(name_en="Ministry of Youth")
    make_commitment(
        plan=plan,
        number=9,
        lead_institution=lead,
        title_en="Youth strategies",
        civic_participation=True,
        status=CommitmentStatus.COMPLETED,
    )
    by_plan = client.get("/en/commitments/?plan=4").content.decode()
    assert "JO0401" in by_plan and "JO0501" not in by_plan
    assert other.title_en in by_plan
    by_lead = client.get(f"/en/commitments/?institution={lead.pk}").content.decode()
    assert "Youth strategies" in by_lead and "JO0501" not in by_lead
    by_value = client.get("/en/commitments/?value=civic_participation").content.decode()
    assert "Youth strategies" in by_value and "JO0502" not in by_value
    by_status = client.get("/en/commitments/?status=completed").content.decode()
    assert "Youth strategies" in by_status and "JO0501" not in by_status


def test_commitment_cards_link_to_their_pages_and_show_their_progress(client):
    """The view builds each card's link and texts (public.commitment_cards): every card links
    to its commitment's own page in the page's language, and says its number and progress."""
    plan = build_site(2, number=5)
    build_site(1, number=4)
    first = plan.commitments.get(number=1)
    first.milestones.filter(number=1).update(status=MilestoneStatus.COMPLETED)  # 10 of 60
    for language in ("ar", "en"):
        page = client.get(f"/{language}/commitments/").content.decode()
        with translation.override(language):
            for commitment in Commitment.objects.all():
                assert f'href="{commitment.get_absolute_url()}"' in page
    assert "Commitment 1, plan <bdi>" in page
    assert 'value="16.7" aria-label="Progress of commitment 1"' in page
    assert '<span class="progress-value">16.7%</span>' in page


def test_lists_show_only_public_rows(client):
    plan = build_site(1)
    hidden_plan = make_plan(number=6, is_public=False, title_en="Secret plan")
    make_commitment(plan=plan, number=7, is_published=False, title_en="Unpublished commitment")
    make_commitment(plan=hidden_plan, number=1, title_en="Commitment of a hidden plan")
    make_meeting(plan=plan, title_en="Draft minutes meeting")
    make_document(plan=plan, title_en="Private document")
    public_document(plan=hidden_plan, title_en="Document of a hidden plan")
    pages = "".join(client.get(f"/en/{path}").content.decode() for path in LIST_PATHS)
    for secret in [
        "Secret plan",
        "Unpublished commitment",
        "Commitment of a hidden plan",
        "Draft minutes meeting",
        "Private document",
        "Document of a hidden plan",
    ]:
        assert secret not in pages


def test_another_countrys_plan_with_the_same_number_is_not_shown(client):
    build_site(1, number=5)
    make_plan(number=5, country_code="TN", title_en="Tunisia fifth plan")
    assert "Tunisia fifth plan" not in client.get("/en/plans/").content.decode()
    assert client.get("/en/plans/5/compliance/").status_code == 200
    assert client.get("/en/commitments/?plan=5").status_code == 200


def test_documents_filter_by_plan_stage_and_kind(client):
    plan = build_site(1)
    stage = MethodologyStage.objects.create(plan=plan, number=1)
    public_document(plan=plan, stage=stage, kind=DocumentKind.TIMELINE, title_en="The timeline")
    assert "The timeline" in client.get("/en/documents/?stage=1").content.decode()
    assert "The timeline" not in client.get("/en/documents/?stage=2").content.decode()
    assert "The timeline" in client.get("/en/documents/?kind=timeline").content.decode()
    assert "The timeline" not in client.get("/en/documents/?kind=minutes").content.decode()
    assert "The timeline" in client.get("/en/documents/?plan=5").content.decode()
    assert "The timeline" not in client.get("/en/documents/?plan=4").content.decode()


def test_paging_keeps_the_filters(client):
    build_site(25)
    page = client.get("/en/commitments/?status=draft").content.decode()
    assert "status=draft&amp;page=2" in page
    assert "Page 1 of 2" in page
    last = client.get("/en/commitments/?status=draft&page=999").content.decode()
    assert "Page 2 of 2" in last


def test_unknown_compliance_plan_is_the_404_page_in_the_right_language(client):
    build_site(1)
    for language in ("ar", "en"):
        response = client.get(f"/{language}/plans/99/compliance/")
        assert response.status_code == 404
        assert f'lang="{language}"' in response.content.decode()
    assert client.get("/en/data/secrets.csv").status_code == 404
    assert client.get("/en/data/plans.exe").status_code == 404


# Plans (one query). Commitments: plans for the filter, lead institutions, count, the page
# of commitments (+ plan, lead institution), their milestones. Meetings: plans, count, page
# (+ body, plan). Documents: plans, count, page (+ plan, stage).
LIST_QUERIES = {"plans/": 1, "commitments/": 5, "meetings/": 3, "documents/": 3}


@pytest.mark.parametrize("path", LIST_PATHS)
def test_list_queries_do_not_grow_with_the_data(client, django_assert_num_queries, path):
    """Guards the N+1 of each list: a query per commitment for its milestones or lead
    institution, per meeting for its body, per document for its plan or stage."""
    build_site(2, number=5)
    with django_assert_num_queries(LIST_QUERIES[path]):
        assert client.get(f"/ar/{path}").status_code == 200
    cache.clear()
    build_site(15, number=6)
    with django_assert_num_queries(LIST_QUERIES[path]):
        assert client.get(f"/ar/{path}").status_code == 200
