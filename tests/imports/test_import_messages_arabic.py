"""Every message the importers and the services can show is in Arabic on the Arabic page.

The messages are read from the source (each call of `gettext`, `gettext_lazy`, `pgettext`
and their `_` spellings) and rendered in Arabic: a message left in Latin script (names,
codes and formats excepted) means its translation is missing. A translation function
imported under another name is refused too: `makemessages` would not extract its strings,
so they would stay in English whatever the page's language.
"""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
SOURCES = sorted(
    [
        *ROOT.glob("*/resources.py"),
        *ROOT.glob("*/services.py"),
        ROOT / "core" / "sheets.py",
        ROOT / "core" / "spreadsheets.py",
        ROOT / "imports" / "views.py",
    ]
)
# The names `makemessages` (xgettext) extracts, and how many leading arguments a context is.
EXTRACTED = {
    "_": 0,
    "gettext": 0,
    "gettext_lazy": 0,
    "gettext_noop": 0,
    "ngettext": 0,
    "ngettext_lazy": 0,
    "pgettext": 1,
    "pgettext_lazy": 1,
    "npgettext": 1,
    "npgettext_lazy": 1,
}
# Latin words an Arabic message may keep: HTML tags, names of programs and formats, codes.
KEPT = re.compile(
    r"<[^>]+>|%\(\w+\)[sd]|%%|YYYY-MM-DD|HH:MM|https?://\S+|\b(?:OGP|IRM|PDF|XLSX|CSV|UTF-8|Excel|"
    r"JO\d+|SDG|MSF|ID)\b"
)
LATIN = re.compile(r"[A-Za-z]{2,}")


def messages(path: Path):
    """(line, context or None, msgid) of every translatable string in `path`, and the
    aliases of translation functions it imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = [
        f"{alias.name} as {alias.asname}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.asname and alias.asname not in EXTRACTED
    ]
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        skip = EXTRACTED.get(node.func.id)
        if skip is None or len(node.args) <= skip:
            continue
        texts = node.args[: skip + 1]
        if all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in texts):
            context = texts[0].value if skip else None
            found.append((node.lineno, context, texts[-1].value))
    return found, aliases


class ArabicMessagesTests(SimpleTestCase):
    def test_the_sources_are_found(self):
        names = {f"{path.parent.name}/{path.name}" for path in SOURCES}
        self.assertTrue(
            {"commitments/resources.py", "plans/services.py", "core/sheets.py"} <= names
        )

    def test_no_translation_function_under_another_name(self):
        for path in SOURCES:
            _found, aliases = messages(path)
            with self.subTest(path=str(path.relative_to(ROOT))):
                self.assertEqual(aliases, [])

    def test_every_message_is_in_arabic(self):
        left = []
        with translation.override("ar"):
            for path in SOURCES:
                found, _aliases = messages(path)
                for line, context, msgid in found:
                    text = (
                        translation.pgettext(context, msgid)
                        if context
                        else translation.gettext(msgid)
                    )
                    if LATIN.search(KEPT.sub("", text)):
                        left.append(f"{path.relative_to(ROOT)}:{line}: {msgid}")
        self.assertEqual(left, [], "messages without their Arabic translation")
