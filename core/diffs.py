"""Word-level differences between two texts, for history pages, stale approvals and the
edit-conflict page. Works on any script (Arabic included): words are split on white space
and compared whole, so a changed word shows once as removed and once as added."""

import difflib
import re

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

TOKENS = re.compile(r"\s+|[^\s]+")


def tokens(text: str) -> list[str]:
    return TOKENS.findall(text or "")


def word_diff(old: str, new: str) -> SafeString:
    """HTML of `new` with removed words in <del> and added ones in <ins>; all text escaped."""
    before, after = tokens(str(old or "")), tokens(str(new or ""))
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", "".join(before[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", "".join(before[a1:a2])))
        if op in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", "".join(after[b1:b2])))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html


def changed(old, new) -> bool:
    return str(old or "") != str(new or "")


def field_changes(labels: dict[str, str], old: dict, new: dict) -> list[dict]:
    """One row per field whose value differs: label, both values and their word diff."""
    return [
        {
            "name": name,
            "label": label,
            "old": old.get(name, ""),
            "new": new.get(name, ""),
            "diff": word_diff(old.get(name, ""), new.get(name, "")),
        }
        for name, label in labels.items()
        if changed(old.get(name, ""), new.get(name, ""))
    ]
