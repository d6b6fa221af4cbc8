"""Campaign grouping on the labelled set of bench/grouping_labelled.json (campaigns with
realistic edits in Arabic and English, and distinct comments on the same subjects): the
pairwise precision is at least 0.95 and the recall at least 0.9. `bench/grouping.py`
prints the same figures."""

import itertools
import json
from pathlib import Path

from consultations.grouping import Item, clusters, match_key

LABELLED = Path(__file__).resolve().parents[2] / "bench" / "grouping_labelled.json"


def test_pairwise_precision_and_recall_on_the_labelled_set():
    items = json.loads(LABELLED.read_text(encoding="utf-8"))["items"]
    assert len(items) >= 100
    labels = [item["label"] for item in items]
    assert len({label for label in labels if label.startswith("campaign-")}) >= 4
    found = clusters(
        [Item(pk=index, key=match_key(item["text"])) for index, item in enumerate(items)]
    )
    true_pos = false_pos = false_neg = 0
    for first, second in itertools.combinations(range(len(items)), 2):
        same = labels[first] == labels[second]
        grouped = found[first] == found[second]
        true_pos += same and grouped
        false_pos += grouped and not same
        false_neg += same and not grouped
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    assert precision >= 0.95, precision
    assert recall >= 0.9, recall
