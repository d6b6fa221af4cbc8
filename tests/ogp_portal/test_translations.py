"""Arabic is the first language: every message in our catalogue has its Arabic text."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def entries(*flags: str, catalogue: Path = CATALOGUE) -> list[str]:
    """The catalogue entries gettext's msgattrib selects with `flags`, without the header."""
    output = subprocess.run(
        ["msgattrib", *flags, str(catalogue)], capture_output=True, text=True, check=True
    ).stdout
    blocks = output.strip().split("\n\n")
    return [block for block in blocks if "msgid" in block and "Project-Id-Version" not in block]


@pytest.fixture(autouse=True)
def needs_gettext():
    if not shutil.which("msgattrib"):
        pytest.skip("gettext is not installed (Debian package 'gettext'); .ci/run installs it")


def test_no_message_is_left_untranslated():
    assert entries("--untranslated") == []


def test_no_translation_is_fuzzy():
    assert entries("--only-fuzzy") == []


def test_the_catalogue_compiles_cleanly():
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)], check=True)


def test_every_translatable_string_of_the_code_is_in_the_catalogue(tmp_path):
    """`make catalogue` on a copy of the tree would add no entry: every string the code and
    templates mark for translation is already in the Arabic catalogue, translated."""
    if not shutil.which("xgettext") or not shutil.which("make"):
        pytest.skip("gettext's xgettext or make is missing (.ci/run installs gettext)")
    copy = tmp_path / "tree"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".git", ".venv", "node_modules", "var", "__pycache__"),
    )
    subprocess.run(
        ["make", "-s", "catalogue", f"PY={sys.executable}"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    refreshed = copy / "locale" / "ar" / "LC_MESSAGES" / "django.po"
    missing = entries("--untranslated", catalogue=refreshed)
    assert missing == [], "strings missing from the Arabic catalogue (run `make catalogue`)"
