"""The benchmark script keeps working (its figures are read by people, not asserted)."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.helpers import demo_site_database

BENCH = Path(settings.BASE_DIR) / "bench" / "public_pages.py"


def run_bench(script: Path, *args: str) -> str:
    """Run a benchmark script in a process of its own; its output once it has succeeded."""
    result = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_public_pages_benchmark_runs_and_reports_every_page():
    output = run_bench(BENCH, "--rounds", "1")
    lines = output.splitlines()
    for page in ("plan", "commitment", "meeting", "window"):
        assert any(line.startswith(page) for line in lines), output


def test_the_demo_pages_calls_are_counted_for_every_page():
    """`--demo --calls`: each page of the demo with its queries and Python calls, the
    figure bench/README.md compares trees by."""
    output = run_bench(BENCH, "--demo", "--calls")
    rows = [line.split() for line in output.splitlines() if line.startswith("/")]
    pages = {row[0]: int(row[2]) for row in rows}
    for page in ("/ar/", "/en/", "/ar/plans/5/commitments/1/", "/ar/meetings/1/"):
        assert pages[page] > 1000, output
    assert all(len(row) == 3 and row[1].isdigit() for row in rows), output


def test_the_demo_pages_time_is_split_into_sql_templates_and_the_rest():
    """`--demo --split`: where each page's time goes, the parts adding up to its total."""
    output = run_bench(BENCH, "--demo", "--split", "--rounds", "1")
    rows = [line.split() for line in output.splitlines() if line.startswith("/")]
    parts = {row[0]: [float(value) for value in row[1:]] for row in rows}
    total, sql, templates, rest = parts["/ar/meetings/1/"]
    assert sql > 0 and templates > 0, output
    assert abs(total - (sql + templates + rest)) < 0.02, output
    # A page without a query spends nothing in SQL.
    assert parts["/ar/consultations/moderation-policy/"][1] == 0, output


def test_public_load_benchmark_runs_and_reports_ratios():
    """One short round: gunicorn twice (bare view and portal), the load generator, the table."""
    output = run_bench(
        BENCH.with_name("public_load.py"),
        *("--seconds", "0.5", "--rounds", "1", "--clients", "2", "--pages", "/ar/"),
        *("--database", str(demo_site_database())),
    )
    lines = output.splitlines()
    for url in ("/healthz", "/ar/"):
        assert any(line.startswith(url + " ") for line in lines), output
    assert any(line.startswith("goals:") for line in lines), output
    assert "errors)" not in output, output
