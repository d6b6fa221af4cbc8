"""Campaign grouping: comments of one window whose texts are the same campaign text with
small edits are put in one group; comments on the same subject in other words are not.

How two texts are compared:

1. `match_key` folds each text: Arabic diacritics and the tatweel removed, one alef, ه for
   ة, ي for ى, Arabic-Indic digits as ASCII, lower case (`core.arabic.normalise`); then
   punctuation is dropped, and greetings at the start and sign-offs and signatures at the
   end are cut ("السلام عليكم", "Dear Sir", "مع الشكر، أحمد", "Regards, Sam").
2. Two keys are the same campaign when RapidFuzz's normalised Indel similarity
   (`fuzz.ratio`, 0-100) reaches THRESHOLD: a word added, removed or changed keeps a
   campaign copy above it, a different wording of the same idea falls well below.

Comments are taken in arrival order (received time, then primary key); each joins the
group of the most similar earlier comment, if one is similar enough. The order and the
comparison are plain Python, so SQLite and PostgreSQL give the same groups. Comments staff
placed themselves (`group_locked`) stay where they are: a locked member's text still draws
new copies into its group; a comment staff took out of every group is left alone.

`tests/consultations/test_grouping_quality.py` holds the labelled set of
`bench/grouping_labelled.json` to pairwise precision >= 0.95 and recall >= 0.9;
`bench/grouping.py` prints the figures and times grouping 10,000 comments.
"""

import dataclasses
import re

from rapidfuzz import fuzz, process

from core.arabic import normalise

# Similarity (0-100) from which two folded texts are copies of one campaign text. Chosen on
# the labelled set: campaign copies with a word or two changed score 84-100, different
# wordings of one subject below 60.
THRESHOLD = 75
# Below this many characters only identical texts are grouped ("موافق", "I agree"): a
# one-word change in a very short text is a different comment.
MIN_FUZZY_LENGTH = 25

PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)

# Greetings that open a message and sign-offs that close it, as `normalise` folds them
# (ه for ة, no hamza on alef). Longest first, so the whole phrase goes.
GREETINGS = sorted(
    [
        "السلام عليكم ورحمه الله وبركاته",
        "السلام عليكم ورحمه الله",
        "السلام عليكم",
        "تحيه طيبه وبعد",
        "تحيه طيبه",
        "بعد التحيه",
        "تحيه وبعد",
        "مرحبا",
        "اهلا",
        "صباح الخير",
        "مساء الخير",
        "الساده الكرام",
        "السيدات والساده",
        "حضرات الساده",
        "الى من يهمه الامر",
        "dear sir or madam",
        "dear sirs",
        "dear sir",
        "dear madam",
        "dear all",
        "dear team",
        "to whom it may concern",
        "good morning",
        "good afternoon",
        "greetings",
        "hello",
        "hi",
    ],
    key=len,
    reverse=True,
)
SIGN_OFFS = sorted(
    [
        "وتفضلوا بقبول فائق الاحترام",
        "وتفضلوا بقبول الاحترام",
        "مع فائق الاحترام",
        "مع خالص التحيه",
        "مع الاحترام",
        "مع التحيه",
        "مع الشكر",
        "وشكرا لكم",
        "وشكرا",
        "شكرا لكم",
        "شكرا جزيلا",
        "شكرا",
        "والسلام عليكم",
        "والسلام",
        "best regards",
        "kind regards",
        "warm regards",
        "regards",
        "yours sincerely",
        "yours faithfully",
        "sincerely",
        "respectfully",
        "thank you very much",
        "thank you",
        "many thanks",
        "thanks",
        "cheers",
    ],
    key=len,
    reverse=True,
)
# A sign-off is cut with what follows it (a name, a city) when that is this short.
SIGNATURE_WORDS = 6


def fold(text: str) -> str:
    """`normalise` and no punctuation: words separated by single spaces."""
    return " ".join(PUNCTUATION.sub(" ", normalise(text)).split())


def strip_greetings(words: list[str]) -> list[str]:
    changed = True
    while changed and words:
        changed = False
        joined = " ".join(words)
        for phrase in GREETINGS:
            if joined == phrase or joined.startswith(phrase + " "):
                words = words[len(phrase.split()) :]
                changed = True
                break
    return words


def strip_sign_off(words: list[str]) -> list[str]:
    """Cut a closing phrase and the short signature after it; a last line that is only a
    name is cut by `match_key` before folding."""
    for start in range(max(0, len(words) - SIGNATURE_WORDS - 5), len(words)):
        tail = " ".join(words[start:])
        for phrase in SIGN_OFFS:
            if tail == phrase or tail.startswith(phrase + " "):
                after = len(words) - start - len(phrase.split())
                if after <= SIGNATURE_WORDS and start > 0:
                    return words[:start]
    return words


SIGNATURE_LINE = re.compile(r"^\s*[-–—]+\s*\S")


def drop_signature_line(text: str) -> str:
    """A last line of a few words after the message ("— Huda, Irbid") is a signature."""
    lines = [line for line in str(text or "").splitlines() if line.strip()]
    if len(lines) >= 2:
        last = lines[-1]
        if SIGNATURE_LINE.match(last) or (
            len(last.split()) <= 3 and len(" ".join(lines[:-1]).split()) >= 6
        ):
            lines = lines[:-1]
    return "\n".join(lines)


def match_key(text: str) -> str:
    """The text as grouping compares it (stored in `Comment.match_text`)."""
    words = fold(drop_signature_line(text)).split()
    words = strip_sign_off(strip_greetings(words))
    return " ".join(words)


def similar(first: str, second: str) -> bool:
    """Whether two match keys are copies of one campaign text."""
    if first == second:
        return bool(first)
    if min(len(first), len(second)) < MIN_FUZZY_LENGTH:
        return False
    return fuzz.ratio(first, second, score_cutoff=THRESHOLD) > 0


@dataclasses.dataclass
class Item:
    """One comment as grouping sees it."""

    pk: int
    key: str
    group: int | None = None  # its group now
    locked: bool = False  # placed by staff


# Word pairs found in more clusters than this say nothing about a campaign ("في كل", "of
# the"): they are not used to find candidates.
COMMON_PAIR = 500
# A candidate cluster shares at least this share of the new text's word pairs.
SHARED_PAIRS = 0.3


def word_pairs(key: str) -> set[tuple[str, ...]]:
    words = key.split()
    return set(zip(words, words[1:], strict=False)) or {tuple(words)}


class Matcher:
    """The texts seen so far and the cluster of each; `best` finds the cluster a new text
    belongs to. Exact copies are found by dictionary; for the others, the clusters sharing
    enough word pairs with the text are the candidates (an index, so that 10,000 comments
    are not each compared with every other), and RapidFuzz compares the text with every
    text of those clusters, in C."""

    def __init__(self):
        self.exact: dict[str, object] = {}
        self.keys_of: dict[object, list[str]] = {}
        self.order: dict[object, int] = {}
        self.pairs: dict[tuple, set] = {}

    def add(self, key: str, cluster) -> None:
        if not key or key in self.exact:
            return
        self.exact[key] = cluster
        if len(key) < MIN_FUZZY_LENGTH:
            return
        self.order.setdefault(cluster, len(self.order))
        self.keys_of.setdefault(cluster, []).append(key)
        for pair in word_pairs(key):
            self.pairs.setdefault(pair, set()).add(cluster)

    def candidates(self, key: str) -> list:
        pairs = word_pairs(key)
        shared: dict[object, int] = {}
        for pair in pairs:
            found = self.pairs.get(pair)
            if found and len(found) <= COMMON_PAIR:
                for cluster in found:
                    shared[cluster] = shared.get(cluster, 0) + 1
        needed = max(1, int(len(pairs) * SHARED_PAIRS))
        return sorted(
            (cluster for cluster, count in shared.items() if count >= needed),
            key=self.order.__getitem__,
        )

    def best(self, key: str):
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        if len(key) < MIN_FUZZY_LENGTH:
            return None
        choices, owners = [], []
        for cluster in self.candidates(key):
            for other in self.keys_of[cluster]:
                choices.append(other)
                owners.append(cluster)
        if not choices:
            return None
        found = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=THRESHOLD)
        return owners[found[2]] if found else None


def clusters(items: list[Item]) -> dict[int, object]:
    """{pk: cluster} for `items` in arrival order. A cluster is ("group", id) for a group
    that holds comments staff placed, or ("first", pk) naming the first comment of a new
    cluster. Comments staff took out of every group get no cluster."""
    matcher = Matcher()
    result: dict[int, object] = {}
    for item in items:
        if item.locked and item.group is not None:
            matcher.add(item.key, ("group", item.group))
            result[item.pk] = ("group", item.group)
    for item in items:
        if item.locked:
            continue
        cluster = matcher.best(item.key) or ("first", item.pk)
        matcher.add(item.key, cluster)
        result[item.pk] = cluster
    return result


def plan_groups(items: list[Item]) -> dict[int, int | str | None]:
    """What each unlocked comment's group should be: an existing group id, a label
    "new:<first pk>" for a group to create, or None for no group. Existing groups are kept
    where their members still belong together (the group of the first member that has
    one), so that an answered group keeps its answer as comments arrive."""
    assigned = clusters(items)
    members: dict[object, list[Item]] = {}
    for item in items:
        if item.pk in assigned:
            members.setdefault(assigned[item.pk], []).append(item)
    taken: set[int] = {cluster[1] for cluster in members if cluster[0] == "group"}
    plan: dict[int, int | str | None] = {}
    for cluster, group_items in members.items():
        unlocked = [item for item in group_items if not item.locked]
        if cluster[0] == "group":
            target = cluster[1]
        elif len(group_items) < 2:
            target = None
        else:
            target = next(
                (
                    item.group
                    for item in unlocked
                    if item.group is not None and item.group not in taken
                ),
                None,
            )
            if target is None:
                target = f"new:{cluster[1]}"
            else:
                taken.add(target)
        for item in unlocked:
            plan[item.pk] = target
    return plan
