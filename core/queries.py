"""Query helpers every app shares."""

from django.db.models import Count, QuerySet, Window


def first_with_total(queryset: QuerySet, shown: int) -> tuple[list, int]:
    """The first `shown` rows of `queryset` and how many there are in all, in one query:
    the total rides on each row (a window count, taken before the limit)."""
    rows = list(queryset.annotate(rows_total=Window(Count("pk")))[:shown])
    return rows, rows[0].rows_total if rows else 0
