"""Django on a throwaway SQLite file under var/bench/, as every in-process benchmark runs it
(DEBUG off, plain static files). Import it first, then call `start()`."""

import os
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"


def start(prefix: str = "bench-") -> Path:
    """Point Django at a new SQLite file, set it up, and return the file's path."""
    sys.path.insert(0, str(BASE_DIR))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    db_file = Path(tempfile.mkstemp(prefix=prefix, suffix=".sqlite3", dir=BENCH_DIR)[1])
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ogp_portal.settings",
            "DATABASE_URL": f"sqlite:///{db_file}",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only",
            "STATIC_MANIFEST": "false",
            "ALLOWED_HOSTS": "testserver",
        }
    )
    import django

    django.setup()
    return db_file
