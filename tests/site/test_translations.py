"""Arabic is the first language: every message in our catalogue has its Arabic text."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def entries(*flags: str) -> list[str]:
    """The catalogue entries gettext's msgattrib selects with `flags`, without the header."""
    output = subprocess.run(
        ["msgattrib", *flags, str(CATALOGUE)], capture_output=True, text=True, check=True
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
