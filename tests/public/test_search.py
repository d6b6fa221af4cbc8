"""Public search: Arabic-aware matching (alef forms, taa marbuta, diacritics), public rows
only, a fixed number of queries, and no error whatever is typed."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from meetings.models import MinutesState
from public.search import BETWEEN, FIELDS, query_words, searched_rows, word_pattern
from tests.factories import make_commitment, make_document, make_meeting, make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def found(client, query: str, language: str = "ar") -> str:
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_taa_marbuta_and_ha_match_both_ways(client):
    plan = make_plan(number=5)
    make_commitment(plan=plan, number=1, title_ar="تعزيز الشفافيه في الموازنة", ogp_id="JO0001")
    make_commitment(plan=plan, number=2, title_ar="تعزيز الشفافية في العقود", ogp_id="JO0002")
    page = found(client, "الشفافية")
    assert "الموازنة" in page and "العقود" in page
    page = found(client, "الشفافيه")
    assert "الموازنة" in page and "العقود" in page


def test_alef_forms_and_diacritics_match(client):
    plan = make_plan(number=5)
    make_commitment(plan=plan, number=1, title_ar="إشراك المجتمعات المحلية")
    make_commitment(plan=plan, number=2, title_ar="المُساءَلة العامة")
    assert "المجتمعات المحلية" in found(client, "اشراك")
    assert "العامة" in found(client, "المساءلة")
    assert "العامة" in found(client, "المساءله")


def test_english_is_case_insensitive_and_needs_every_word(client):
    plan = make_plan(number=5, title_en="Fifth National Action Plan")
    make_commitment(plan=plan, number=1, title_en="Open contracting in public works")
    page = found(client, "OPEN contracting", "en")
    assert "Open contracting in public works" in page
    assert "Open contracting in public works" not in found(client, "open budgets", "en")
    assert "Fifth National Action Plan" in found(client, "fifth plan", "en")


def test_finds_meetings_and_documents_but_never_private_rows(client):
    plan = make_plan(number=5)
    hidden_plan = make_plan(number=6, is_public=False, title_en="Hidden integrity plan")
    make_meeting(
        plan=plan,
        title_en="Forum on integrity",
        minutes_state=MinutesState.PUBLISHED,
        minutes_published_at=timezone.now(),
    )
    make_meeting(plan=plan, title_en="Draft integrity meeting")
    make_document(
        plan=plan, title_en="Integrity report", is_public=True, published_at=timezone.now()
    )
    make_document(plan=plan, title_en="Private integrity memo")
    make_commitment(plan=plan, number=1, title_en="Unpublished integrity", is_published=False)
    make_commitment(plan=hidden_plan, number=1, title_en="Integrity of a hidden plan")
    page = found(client, "integrity", "en")
    assert "Forum on integrity" in page and "Integrity report" in page
    for secret in [
        "Hidden integrity plan",
        "Draft integrity meeting",
        "Private integrity memo",
        "Unpublished integrity",
        "Integrity of a hidden plan",
    ]:
        assert secret not in page


@pytest.mark.parametrize(
    "query",
    ["", " ", "a", "<script>alert(1)</script>", "((((", "[ا-ي]", ".*", "\\", "%", "x" * 5000],
)
def test_any_query_gives_a_normal_page(client, query):
    make_commitment(plan=make_plan(number=5), number=1, title_en="Anything")
    page = found(client, query, "en")
    assert "<script>alert" not in page


def test_a_regex_character_is_matched_literally(client):
    make_commitment(plan=make_plan(number=5), number=1, title_en="Anything")
    assert "Anything" not in found(client, ".*", "en")


def test_a_word_never_matches_across_two_columns(client):
    """SQLite searches a row's columns joined by line breaks (search.JoinedText): a word
    still has to sit in one column, as when each column was searched on its own."""
    plan = make_plan(number=5)
    make_commitment(
        plan=plan, number=1, title_en="Budget open", description_ar="", description_en="data"
    )
    assert "Budget open" not in found(client, "opendata", "en")
    assert "Budget open" in found(client, "open", "en")


def test_the_searched_columns_are_never_null():
    """A NULL column would blank the joined text of its row on SQLite (search.JoinedText),
    so that nothing in the row would match: every column searched must be NOT NULL."""
    for kind, queryset in searched_rows().items():
        for name in FIELDS[kind]:
            *relations, column = name.split("__")
            model = queryset.model
            for relation in relations:
                field = model._meta.get_field(relation)
                assert not field.null, f"{kind}: {name}"
                model = field.related_model
            assert not model._meta.get_field(column).null, f"{kind}: {name}"


def test_query_words_are_normalised_and_capped():
    assert query_words("الشفافيّة  والمُساءلة") == ["الشفافيه", "والمساءله"]
    assert len(query_words(" ".join(f"word{n}" for n in range(20)))) == 6
    between = BETWEEN
    assert word_pattern("a.b") == f"a{between}\\.{between}b"


# One query per kind of result (plans, commitments + plan + lead, meetings + body,
# documents + plan), whatever the number of matches.
SEARCH_QUERIES = 4


def test_search_queries_do_not_grow_with_the_matches(client, django_assert_num_queries):
    """Guards the N+1 of a result list: a query per commitment for its lead institution or
    plan, per meeting for its body, per document for its plan."""
    for size, number in ((2, 5), (15, 6)):
        plan = make_plan(number=number, title_en=f"Budget plan {number}")
        for n in range(1, size + 1):
            make_commitment(plan=plan, number=n, title_en=f"Budget commitment {n}")
            make_meeting(
                plan=plan,
                title_en=f"Budget meeting {n}",
                minutes_state=MinutesState.PUBLISHED,
                minutes_published_at=timezone.now(),
            )
            make_document(
                plan=plan,
                title_en=f"Budget document {n}",
                is_public=True,
                published_at=timezone.now(),
            )
        cache.clear()
        with django_assert_num_queries(SEARCH_QUERIES):
            page = found(client, "budget", "en")
        assert f"Budget commitment {size}" in page


def test_postgresql_full_text_adds_stemmed_matches(client):
    """On PostgreSQL the english/arabic configurations also match other forms of a word."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("full text search runs on PostgreSQL only; SQLite uses the patterns")
    make_commitment(plan=make_plan(number=5), number=1, title_en="Open contracting data")
    assert "Open contracting data" in found(client, "contracts", "en")
