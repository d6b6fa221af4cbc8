"""The benchmark script keeps working (its figures are read by people, not asserted)."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.helpers import demo_site_database

BENCH = Path(settings.BASE_DIR) / "bench" / "public_pages.py"


def test_public_pages_benchmark_runs_and_reports_every_page():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    for page in ("plan", "commitment", "meeting", "window"):
        assert any(line.startswith(page) for line in lines), result.stdout


def test_the_demo_pages_calls_are_counted_for_every_page():
    """`--demo --calls`: each page of the demo with its queries and Python calls, the
    figure bench/README.md compares trees by."""
    result = subprocess.run(
        [sys.executable, str(BENCH), "--demo", "--calls"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("/")]
    pages = {row[0]: int(row[2]) for row in rows}
    for page in ("/ar/", "/en/", "/ar/plans/5/commitments/1/", "/ar/meetings/1/"):
        assert pages[page] > 1000, result.stdout
    assert all(len(row) == 3 and row[1].isdigit() for row in rows), result.stdout


def test_public_load_benchmark_runs_and_reports_ratios():
    """One short round: gunicorn twice (bare view and portal), the load generator, the table."""
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH.with_name("public_load.py")),
            *("--seconds", "0.5", "--rounds", "1", "--clients", "2", "--pages", "/ar/"),
            *("--database", str(demo_site_database())),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    for url in ("/healthz", "/ar/"):
        assert any(line.startswith(url + " ") for line in lines), result.stdout
    assert any(line.startswith("goals:") for line in lines), result.stdout
    assert "errors)" not in result.stdout, result.stdout
