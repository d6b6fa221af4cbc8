"""Public search across plans, commitments, meetings and documents, Arabic-aware.

People type Arabic with or without diacritics, with any alef form (ا أ إ آ), with ه for ة
and ي for ى. The query is normalised (`core.arabic.normalise`) and each word becomes
a regular expression in which every letter matches all its spellings and diacritics or a
tatweel may sit between letters: "الشفافية" finds "الشفافيه" and the reverse, on SQLite
and PostgreSQL alike (both run `iregex`). On PostgreSQL the `arabic` (and `english`) full
text configuration is added with OR, so stemmed forms match as well, when the server has it.
On SQLite, where each pattern is a Python call per row, a row's searched columns are joined
into one text so that each word costs one call per row rather than one per column.
"""

import re
from functools import lru_cache, reduce
from operator import and_, or_

from django.db import connection
from django.db.models import Func, Q, TextField
from django.db.models.lookups import IRegex

from commitments.models import Commitment
from core.arabic import normalise
from meetings.models import Meeting
from plans.models import ActionPlan, Document

MAX_QUERY_LENGTH = 100
MAX_WORDS = 6
RESULTS_PER_KIND = 20

BETWEEN = "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]*"
# A normalised letter and every spelling it stands for.
SPELLINGS = {
    "ا": "اأإآٱ",
    "ه": "هة",
    "ي": "يىئ",
    "و": "وؤ",
}

# Text columns searched, per kind.
FIELDS = {
    "plans": ["title_ar", "title_en", "summary_ar", "summary_en"],
    "commitments": [
        "title_ar",
        "title_en",
        "description_ar",
        "description_en",
        "ogp_id",
        "lead_institution__name_ar",
        "lead_institution__name_en",
    ],
    "meetings": ["title_ar", "title_en", "minutes_ar", "minutes_en"],
    "documents": ["title_ar", "title_en"],
}
# What templates/search.html shows of each kind: the only columns read. The long texts
# searched (minutes, descriptions, summaries) cost more to fetch and turn into objects than
# the rest of the query.
SHOWN = {
    "plans": ["number", "title_ar", "title_en", "starts_on", "ends_on"],
    "commitments": [
        "number",
        "ogp_id",
        "title_ar",
        "title_en",
        "plan__number",
        "lead_institution__name_ar",
        "lead_institution__name_en",
    ],
    "meetings": ["title_ar", "title_en", "starts_at"],
    "documents": ["title_ar", "title_en", "file", "url", "published_at"],
}


def query_words(raw: str) -> list[str]:
    """The normalised words of a query; at most `MAX_WORDS`, none shorter than 2 letters."""
    text = normalise(str(raw)[:MAX_QUERY_LENGTH])
    words = [word for word in re.split(r"[^\w]+", text) if len(word) >= 2]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def word_pattern(word: str) -> str:
    parts = []
    for letter in word:
        spellings = SPELLINGS.get(letter)
        parts.append(f"[{spellings}]" if spellings else re.escape(letter))
    return BETWEEN.join(parts)


@lru_cache(maxsize=1)
def full_text_configs() -> tuple[str, ...]:
    """PostgreSQL text search configurations we use that the server has; none elsewhere."""
    if connection.vendor != "postgresql":
        return ()
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config WHERE cfgname IN ('arabic', 'english')")
        return tuple(sorted(row[0] for row in cursor.fetchall()))


class JoinedText(Func):
    """A row's columns as one text, a line break between two (SQLite only). A word's pattern
    has no line break in it, so it matches in one column or not at all, as the pattern run
    on each column would; the columns searched are never NULL (a NULL would blank the text:
    tests/public/test_search.py checks)."""

    template = "(%(expressions)s)"
    arg_joiner = " || char(10) || "
    output_field = TextField()


def matches(model, fields: list[str], words: list[str], raw: str) -> Q:
    """Every word appears in one of the fields (any spelling), or full text matches."""
    patterns = [word_pattern(word) for word in words]
    if connection.vendor == "sqlite":
        text = JoinedText(*fields)
        return reduce(and_, [Q(IRegex(text, pattern)) for pattern in patterns])
    by_word = [
        reduce(or_, [Q(**{f"{name}__iregex": pattern}) for name in fields]) for pattern in patterns
    ]
    condition = reduce(and_, by_word)
    configs = full_text_configs()
    if configs:
        from django.contrib.postgres.search import SearchQuery, SearchVector

        for config in configs:
            columns = [name for name in fields if name.endswith(f"_{config[:2]}")]
            if columns:
                vector = SearchVector(*columns, config=config)
                query = SearchQuery(raw, config=config, search_type="plain")
                found = model.objects.annotate(found=vector).filter(found=query)
                condition |= Q(pk__in=found.values("pk"))
    return condition


def searched_rows() -> dict:
    """Per kind, the public rows (each model's `public()`) with the columns shown: what `search`
    narrows to the matches."""
    return {
        "plans": ActionPlan.objects.public().only(*SHOWN["plans"]),
        "commitments": Commitment.objects.published()
        .select_related("plan", "lead_institution")
        .only(*SHOWN["commitments"]),
        "meetings": Meeting.objects.public().only(*SHOWN["meetings"]),
        "documents": Document.objects.public().only(*SHOWN["documents"]),
    }


def search(raw: str, sources: dict) -> dict:
    """Rows of `sources` (see `searched_rows`) matching the query: at most
    `RESULTS_PER_KIND` per kind, four queries."""
    words = query_words(raw)
    if not words:
        return {}
    results = {}
    for kind, queryset in sources.items():
        condition = matches(queryset.model, FIELDS[kind], words, raw)
        results[kind] = list(queryset.filter(condition)[:RESULTS_PER_KIND])
    return results
