"""The figures of a window's report ("you said, we did"): what it shows of the whole window
on every page and under every filter, counted by the database in two grouped queries and
kept in the shared cache between the writes that change them. A write that changes them
(a comment published, hidden or moved to another group, a response published or taken
back) forgets them and counts them again once its transaction commits (`figures_changed`:
the signals of `consultations.apps` and the services' bulk writes call it), so that the
first reader after a publication does not pay for the count."""

import datetime
import threading
import time
from collections import Counter

from django.core.cache import cache
from django.db import transaction

from core.dates import local_day
from core.page_cache import bump_generation, kept_seconds

from .models import Comment, CommentWindow


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


def count_visible(window_pk: int) -> int:
    """How many comments the window page lists (published, and hidden with their reason):
    what pages its list."""
    return Comment.objects.filter(window_id=window_pk).visible().count()


# What is kept of each window, and how it is counted. The shape's version is in the key:
# figures kept by an earlier release are not read.
COUNTS = {"figures": count_figures, "visible": count_visible}


def kept_key(kind: str, window_pk: int) -> str:
    return f"consultation-window-{kind}:2:{window_pk}"


def kept(kind: str, window: CommentWindow):
    """The window's `kind` as kept in the shared cache between the writes that change it;
    counted here only when nothing is kept (first read, or the cache was emptied): after a
    publication it is already counted (`figures_changed`)."""
    return cache.get_or_set(
        kept_key(kind, window.pk), lambda: COUNTS[kind](window.pk), kept_seconds()
    )


def window_figures(window: CommentWindow) -> dict:
    """The report's figures of the window (`count_figures`)."""
    return kept("figures", window)


def visible_count(window: CommentWindow) -> int:
    """How many comments the window page lists (`count_visible`)."""
    return kept("visible", window)


# When this thread last began counting each window's figures again (`recount_figures`).
_counted = threading.local()


def figures_changed(window_pk: int) -> None:
    """A write changed what the window's pages count (a comment published, hidden or moved
    to another group, a response published or taken back): forget what is kept now, and
    count it again once the transaction commits, so that the first reader after a
    publication finds it counted. Called by the signals of `consultations.apps` and by the
    services' bulk writes, which send none."""
    cache.delete_many([kept_key(kind, window_pk) for kind in COUNTS])
    asked_at = time.monotonic()

    def recount():
        recount_figures(window_pk, asked_at)

    # Robust: a count that fails (the database gone a moment) is logged, and the next
    # reader counts; the publication it follows is committed and stays a success.
    transaction.on_commit(recount, robust=True)


def recount_figures(window_pk: int, asked_at: float) -> None:
    """Count what is kept of the window from the committed rows, once per commit however
    many rows it wrote: a count begun after the change was asked (by an earlier callback
    of the same commit, which runs in this thread) holds it already. Then refresh the
    public pages again, so that no page rendered meanwhile from counts made before the
    commit is kept."""
    counted = getattr(_counted, "at", None)
    if counted is None:
        counted = _counted.at = {}
    if counted.get(window_pk, float("-inf")) >= asked_at:
        return
    counted[window_pk] = time.monotonic()
    cache.set_many(
        {kept_key(kind, window_pk): count(window_pk) for kind, count in COUNTS.items()},
        kept_seconds(),
    )
    bump_generation()
