"""Campaign grouping: its quality on the labelled set and its time at national scale.

    .venv/bin/python bench/grouping.py [--comments 10000]

1. Pairwise precision and recall on bench/grouping_labelled.json (112 comments: six
   campaigns with realistic edits in Arabic and English, and distinct comments on the same
   subjects). tests/consultations/test_grouping_quality.py holds them to >= 0.95 / >= 0.9.
2. The time `consultations.grouping` takes to group N comments made by `load_scale_data`'s
   generator (40 % campaign copies with edits), and the pairwise figures there.
3. The same N comments in a database, written by `manage.py load_scale_data` (3
   commitments, no meetings) and grouped anew by `services.regroup_window` (the folded
   texts read, groups created, every comment's group written): its time, and whether it
   found the same groups as step 2. The database is DATABASE_URL's (a PostgreSQL database
   of your own: rows are added to it), else a throwaway SQLite file (bench/throwaway.py).
   `--no-database` skips it.

The grouping itself is plain Python and RapidFuzz, the same on SQLite and PostgreSQL;
`bench/comment_scale.py` times `services.regroup_window` beside the pages.
"""

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

if os.environ.get("DATABASE_URL"):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogp_portal.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    import django

    django.setup()
    DB_FILE = None
else:  # never the development database
    from throwaway import start

    DB_FILE = start("bench-grouping-")

from consultations.grouping import Item, clusters, match_key  # noqa: E402
from demo.management.commands.load_scale_data import scale_texts  # noqa: E402


def pairwise(labels: list[str], found: list) -> tuple[float, float]:
    """Pairwise precision and recall, counted per label and cluster (no n² loop)."""
    both = Counter(zip(labels, found, strict=True))
    by_label = Counter(labels)
    by_cluster = Counter(found)

    def pairs(counter):
        return sum(n * (n - 1) // 2 for n in counter.values())

    true_pos = pairs(both)
    precision = true_pos / pairs(by_cluster) if pairs(by_cluster) else 1.0
    recall = true_pos / pairs(by_label) if pairs(by_label) else 1.0
    return precision, recall


def run(texts: list[tuple[str, str]]) -> tuple[float, float, float, int, list]:
    started = time.perf_counter()
    items = [Item(pk=index, key=match_key(text)) for index, (_label, text) in enumerate(texts)]
    result = clusters(items)
    seconds = time.perf_counter() - started
    found = [result[index] for index in range(len(texts))]
    groups = sum(1 for size in Counter(found).values() if size > 1)
    precision, recall = pairwise([label for label, _text in texts], found)
    return precision, recall, seconds, groups, found


def partition(found: list) -> list:
    """Group labels made comparable: each group named by its first member's position, a
    comment alone (a group of one, or none) as None."""
    sizes = Counter(label for label in found if label is not None)
    first: dict = {}
    named = []
    for position, label in enumerate(found):
        if label is None or sizes[label] < 2:
            named.append(None)
        else:
            named.append(first.setdefault(label, position))
    return named


def in_database(count: int) -> tuple[str, float, int, list]:
    """Step 3: (database, seconds to regroup, groups, each comment's group in arrival
    order) for `count` comments written by load_scale_data."""
    from django.core.management import call_command
    from django.db import connection

    from consultations import services
    from consultations.models import Comment, CommentGroup, CommentWindow

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command(
            "load_scale_data",
            force=True,
            comments=count,
            commitments=3,
            meetings=0,
            attendees=0,
            stdout=quiet,
        )
    window = CommentWindow.objects.order_by("-pk").first()
    Comment.objects.filter(window=window).update(group=None, group_locked=False)
    CommentGroup.objects.filter(window=window).delete()
    started = time.perf_counter()
    services.regroup_window(window=window)
    seconds = time.perf_counter() - started
    found = list(
        Comment.objects.filter(window=window)
        .order_by("created_at", "pk")
        .values_list("group_id", flat=True)
    )
    with connection.cursor() as cursor:
        sqlite = connection.vendor == "sqlite"
        cursor.execute("select sqlite_version()" if sqlite else "show server_version")
        name = f"{connection.display_name} {cursor.fetchone()[0]}"
    return name, seconds, CommentGroup.objects.filter(window=window).count(), found


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--no-database", action="store_true", help="skip step 3")
    args = parser.parse_args()
    labelled = json.loads((BASE_DIR / "bench" / "grouping_labelled.json").read_text())["items"]
    texts = [(item["label"], item["text"]) for item in labelled]
    precision, recall, seconds, groups, _found = run(texts)
    # The same figures counted pair by pair, as the test does.
    assert (precision, recall) == run(texts)[:2]
    print(f"labelled set: {len(texts)} comments, {groups} groups")
    print(f"  pairwise precision {precision:.3f} (goal >= 0.95), recall {recall:.3f} (goal >= 0.9)")
    texts = scale_texts(args.comments)
    precision, recall, seconds, groups, found = run(texts)
    print(f"generated set: {len(texts)} comments, {groups} groups")
    print(f"  pairwise precision {precision:.3f}, recall {recall:.3f}")
    print(f"  grouping time {seconds:.1f} s (goal < 60 s)")
    if args.no_database:
        return
    try:
        database, seconds, groups, stored = in_database(args.comments)
    finally:
        if DB_FILE is not None:
            from django.db import connection

            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
    same = partition(stored) == partition(found)
    print(f"in the database ({database}): {len(stored)} comments, {groups} groups")
    print(f"  services.regroup_window {seconds:.1f} s (goal < 60 s)")
    print(f"  the same groups as in memory: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
