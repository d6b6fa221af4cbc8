"""Campaign grouping: its quality on the labelled set and its time at national scale.

    .venv/bin/python bench/grouping.py [--comments 10000]

1. Pairwise precision and recall on bench/grouping_labelled.json (112 comments: six
   campaigns with realistic edits in Arabic and English, and distinct comments on the same
   subjects). tests/consultations/test_grouping_quality.py holds them to >= 0.95 / >= 0.9.
2. The time `consultations.grouping` takes to group N comments made by `load_scale_data`'s
   generator (40 % campaign copies with edits), and the pairwise figures there.
No database: the grouping itself is plain Python and RapidFuzz, the same on SQLite and
PostgreSQL. `bench/comment_scale.py` times `services.regroup_window` in a database.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogp_portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")

import django  # noqa: E402

django.setup()

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


def run(texts: list[tuple[str, str]]) -> tuple[float, float, float, int]:
    started = time.perf_counter()
    items = [Item(pk=index, key=match_key(text)) for index, (_label, text) in enumerate(texts)]
    result = clusters(items)
    seconds = time.perf_counter() - started
    found = [result[index] for index in range(len(texts))]
    groups = sum(1 for size in Counter(found).values() if size > 1)
    precision, recall = pairwise([label for label, _text in texts], found)
    return precision, recall, seconds, groups


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=10_000)
    args = parser.parse_args()
    labelled = json.loads((BASE_DIR / "bench" / "grouping_labelled.json").read_text())["items"]
    texts = [(item["label"], item["text"]) for item in labelled]
    precision, recall, seconds, groups = run(texts)
    # The same figures counted pair by pair, as the test does.
    assert (precision, recall) == run(texts)[:2]
    print(f"labelled set: {len(texts)} comments, {groups} groups")
    print(f"  pairwise precision {precision:.3f} (goal >= 0.95), recall {recall:.3f} (goal >= 0.9)")
    texts = scale_texts(args.comments)
    precision, recall, seconds, groups = run(texts)
    print(f"generated set: {len(texts)} comments, {groups} groups")
    print(f"  pairwise precision {precision:.3f}, recall {recall:.3f}")
    print(f"  grouping time {seconds:.1f} s (goal < 60 s)")


if __name__ == "__main__":
    main()
