"""The figures of a window's report ("you said, we did"): what it shows of the whole window
on every page and under every filter, counted by the database in two grouped queries and
kept in the shared cache between the writes that change them. A write that changes them
(a comment published, hidden or moved to another group, a response published or taken
back) forgets them and counts them again once its transaction commits (`figures_changed`:
the signals of `consultations.apps` and the services' bulk writes call it), so that the
first reader after a publication does not pay for the count."""

import datetime
import functools
import threading
import time
from collections import Counter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from core.page_cache import PAGE_SECONDS, bump_generation

from .models import Comment, CommentWindow


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


# The window's figures are counted again by the write that changes them (`figures_changed`),
# so the time they are kept bounds only the memory they take, and, with the per-process
# cache of a machine without Redis, how long another worker may show them unchanged (as
# its pages, core.page_cache).
SHARED_FIGURES_SECONDS = 60 * 60


def figures_seconds() -> int:
    shared = "redis" in settings.CACHES["default"]["BACKEND"].lower()
    return SHARED_FIGURES_SECONDS if shared else PAGE_SECONDS


def figures_key(window_pk: int) -> str:
    return f"consultation-report-figures:{window_pk}"


def count_figures(window_pk: int) -> dict:
    """What the report shows of the whole window on every page and under every filter:
    its groups' tallies (`CommentQuerySet.group_tallies`) and the charts' counts
    (`chart_counts`: commitments by id, each hour of arrival put on its day in Amman), two
    grouped queries over its published comments. Facts about the comments only: the
    commitments' numbers and every label are read by the page that shows them."""
    published = Comment.objects.filter(window_id=window_pk).published()
    counts: list[tuple[str, object, int]] = []
    by_day = Counter()
    for chart, value, count in published.chart_counts():
        if chart == "hour":
            hour = datetime.datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=datetime.UTC)
            by_day[local_day(hour)] += count
        else:
            counts.append((chart, value, count))
    return {
        "tallies": list(published.group_tallies()),
        "counts": counts,
        "days": dict(by_day),
    }


def window_figures(window: CommentWindow) -> dict:
    """The window's figures, kept in the shared cache between the writes that change them:
    every page and filter of the report reads them, and after a publication they are
    already counted (`figures_changed`). Counted here only when nothing is kept (first
    read, or the cache was emptied)."""
    key = figures_key(window.pk)
    figures = cache.get(key)
    if figures is None:
        figures = count_figures(window.pk)
        cache.set(key, figures, figures_seconds())
    return figures


# When this thread last began counting each window's figures again (`recount_figures`).
_counted = threading.local()


def figures_changed(window_pk: int) -> None:
    """A write changed what the report of the window counts (a comment published, hidden or
    moved to another group, a response published or taken back): forget the kept figures
    now, and count them again once the transaction commits, so that the first reader after
    a publication finds them counted. Called by the signals of `consultations.apps` and by
    the services' bulk writes, which send none."""
    cache.delete(figures_key(window_pk))
    transaction.on_commit(functools.partial(recount_figures, window_pk, time.monotonic()))


def recount_figures(window_pk: int, asked_at: float) -> None:
    """Count the window's committed figures and keep them, once per commit however many
    rows it wrote: a count begun after the change was asked (by an earlier callback of the
    same commit, which runs in this thread) holds it already. Then refresh the public pages
    again, so that no page rendered meanwhile from figures counted before the commit is
    kept."""
    counted = getattr(_counted, "at", None)
    if counted is None:
        counted = _counted.at = {}
    if counted.get(window_pk, float("-inf")) >= asked_at:
        return
    counted[window_pk] = time.monotonic()
    cache.set(figures_key(window_pk), count_figures(window_pk), figures_seconds())
    bump_generation()
