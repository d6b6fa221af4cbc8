"""Public page cost at two data sizes, measured in one run.

Renders each public page in-process (Django's test client, no network) for a small plan
(the demo data's size) and a large one (10x the commitments, milestones and attendees),
alternating small and large requests so that the shared machine's noise hits both alike.
Prints, per page: SQL queries at each size, median milliseconds at each size, and the
large/small time ratio. A ratio near 1 means the page's cost does not grow with the data.

    make bench            # or: .venv/bin/python bench/public_pages.py [--rounds 200]

With `--demo` it loads the demo data instead and renders every page of its sitemap (both
languages) and the other public pages (commitment changes, forum bodies, reports, the
comment form's own page, the minutes PDFs, the sign-up pages, the calendar feed), uncached,
and prints each page's median milliseconds against the goal of 10 ms. With `--calls` it
prints instead each page's Python function calls per request (cProfile): unlike a time,
the same on a busy machine as on a quiet one, so two trees can be compared anywhere. With
`--split` it prints where each page's time goes: building and running its SQL (the ORM's
compiler and the database), rendering its templates (without the SQL they run), and the
rest (building querysets and model rows, the view, the middleware, the test client).

It uses its own SQLite file and media folder under var/bench/, never the development
database or files.
"""

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from throwaway import BENCH_DIR, start  # noqa: E402

BENCH_DIR.mkdir(parents=True, exist_ok=True)
# The minutes PDFs are rendered once, then served from storage: a folder of this run's own.
MEDIA_DIR = Path(tempfile.mkdtemp(prefix="bench-media-", dir=BENCH_DIR))
os.environ["MEDIA_ROOT"] = str(MEDIA_DIR)
DB_FILE = start("bench-")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from commitments.models import MilestoneStatus  # noqa: E402
from meetings.models import MinutesState  # noqa: E402
from plans.models import PlanStatus  # noqa: E402
from tests.factories import (  # noqa: E402
    make_agenda_item,
    make_attendance,
    make_commitment,
    make_meeting,
    make_milestone,
    make_outcome,
    make_plan,
    make_stages,
    make_window,
)

SIZES = {
    # commitments, milestones per commitment, meeting attendees, agenda items (= outcomes)
    "small": {"commitments": 6, "milestones": 3, "attendees": 13, "agenda": 4},
    "large": {"commitments": 60, "milestones": 10, "attendees": 130, "agenda": 40},
}


def build_plan(number: int, size: dict) -> dict:
    """One published plan with its commitments, milestones, a meeting and an open window."""
    plan = make_plan(number=number, status=PlanStatus.CONSULTATION)
    make_stages(plan)
    commitments = []
    for position in range(1, size["commitments"] + 1):
        commitment = make_commitment(plan=plan, number=position)
        commitments.append(commitment)
        for milestone in range(1, size["milestones"] + 1):
            make_milestone(
                commitment=commitment, number=milestone, status=MilestoneStatus.COMPLETED
            )
    meeting = make_meeting(
        plan=plan,
        minutes_state=MinutesState.PUBLISHED,
        minutes_published_at=timezone.now(),
    )
    for order in range(1, size["attendees"] + 1):
        make_attendance(meeting=meeting, order=order)
    for item in range(1, size["agenda"] + 1):
        make_agenda_item(meeting=meeting, number=item)
        make_outcome(meeting=meeting, number=item)
    window = make_window(plan=plan)
    window.commitments.add(*commitments)
    return {
        "plan": f"/ar/plans/{plan.number}/",
        "commitment": commitments[0].get_absolute_url(),
        "meeting": f"/ar/meetings/{meeting.pk}/",
        "window": f"/ar/consultations/{window.pk}/",
    }


def measure(
    client: Client, url: str, round_number: int, clock=time.perf_counter
) -> tuple[float, int]:
    # A unique, ignored query parameter: the anonymous page cache never answers, the page is
    # rendered every time (what a page costs, not what the cache saves).
    with CaptureQueriesContext(connection) as queries:
        start = clock()
        response = client.get(url, {"bench": round_number})
        elapsed = clock() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000, len(queries)


DEMO_GOAL_MS = 10.0


def demo_urls(client: Client) -> list[str]:
    """Every public HTML page of the demo: the sitemap's, and those it does not list."""
    import re

    sitemap = client.get("/sitemap.xml").content.decode()
    urls = re.findall(r"<loc>https?://testserver([^<]+)</loc>", sitemap)
    more = []
    for url in urls:
        if re.search(r"/plans/\d+/commitments/\d+/$", url):
            more.append(url + "changes/")
        if re.search(r"/consultations/\d+/$", url):
            more += [url + "report/", url + "comment/"]
        if re.search(r"/meetings/\d+/$", url):
            more.append(url + "minutes.pdf")
    for language in ("ar", "en"):
        more += [
            f"/{language}/consultations/moderation-policy/",
            f"/{language}/bodies/1/",
            f"/{language}/consultations/subscribe/",
            f"/{language}/consultations/subscribe/sent/",
            f"/{language}/calendar.ics",
        ]
    return sorted(set(urls + more))


def demo_calls(client: Client, urls: list[str], requests: int = 3) -> None:
    """Each page's Python function calls per request, counted by cProfile over `requests`
    renderings (each with its own ignored parameter, so the page cache never answers)."""
    import cProfile
    import pstats

    print(f"{'url':<48}{'queries':>8}{'calls':>9}")
    for url in urls:
        _elapsed, queries = measure(client, url, -1)
        profile = cProfile.Profile()
        profile.enable()
        for round_number in range(requests):
            client.get(url, {"bench": round_number})
        profile.disable()
        calls = sum(row[1] for row in pstats.Stats(profile).stats.values()) // requests
        print(f"{url:<48}{queries:>8}{calls:>9}")


class Split:
    """CPU time spent in SQL (compiled and run by `SQLCompiler.execute_sql`) and in template
    rendering without the SQL it runs, counted from the outermost call of each."""

    def __init__(self):
        from django.db.models.sql.compiler import SQLCompiler
        from django.template.base import Template

        self.sql = self.templates = 0.0
        self._depth = {"sql": 0, "templates": 0}
        self._patch(SQLCompiler, "execute_sql", "sql")
        self._patch(Template, "render", "templates")

    def _patch(self, owner, name, part):
        original = getattr(owner, name)
        split = self

        def counted(*args, **kwargs):
            if split._depth[part]:
                return original(*args, **kwargs)
            split._depth[part] += 1
            sql_before, start = split.sql, time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.process_time() - start
                if part == "templates":
                    elapsed -= split.sql - sql_before
                setattr(split, part, getattr(split, part) + elapsed)
                split._depth[part] -= 1

        setattr(owner, name, counted)

    def reset(self):
        self.sql = self.templates = 0.0


def demo_split(client: Client, urls: list[str], rounds: int) -> None:
    """Each page's median CPU ms, and how much of it went to SQL, to templates, and to the
    rest, its pages interleaved as in `demo_main`."""
    split = Split()
    parts = {url: ([], [], []) for url in urls}
    for url in urls:
        measure(client, url, -1)
    for round_number in range(rounds):
        for url in urls:
            split.reset()
            elapsed, _queries = measure(client, url, round_number, time.process_time)
            total, sql, templates = parts[url]
            total.append(elapsed)
            sql.append(split.sql * 1000)
            templates.append(split.templates * 1000)
    print(f"{'url':<48}{'ms':>8}{'sql':>8}{'templ':>8}{'rest':>8}")
    for url in urls:
        total, sql, templates = (statistics.median(part) for part in parts[url])
        print(f"{url:<48}{total:>8.2f}{sql:>8.2f}{templates:>8.2f}{total - sql - templates:>8.2f}")


def demo_main(rounds: int, calls: bool = False, split: bool = False) -> None:
    """Each public page of the demo, rendered (never from the cache): median ms, or with
    `calls` the Python function calls per request, or with `split` where the ms go."""
    call_command("migrate", verbosity=0)
    call_command("load_demo", force=True, verbosity=0)
    client = Client()
    urls = demo_urls(client)
    if calls:
        demo_calls(client, urls)
        return
    # The interpreter's build moves the figures (Debian's 3.11 ran these pages 3-14 %
    # faster than a 3.11 built from source with default flags): name it.
    print(f"Python {platform.python_version()} at {sys.executable}")
    if split:
        demo_split(client, urls, rounds)
        return
    print(f"{rounds} rounds per page, the demo data; SQLite, in-process, uncached, CPU time")
    print(f"{'url':<48}{'queries':>8}{'median ms':>11}")
    over = []
    results = {url: [] for url in urls}
    queries = {}
    for url in urls:  # warm: templates compiled, translations read
        measure(client, url, -1)
    for round_number in range(rounds):
        for url in urls:
            # CPU time of this process: on a shared machine, wall time counts the other
            # processes' turns too.
            elapsed, queries[url] = measure(client, url, round_number, time.process_time)
            results[url].append(elapsed)
    for url in urls:
        median = statistics.median(results[url])
        if median > DEMO_GOAL_MS:
            over.append(url)
        print(f"{url:<48}{queries[url]:>8}{median:>11.2f}")
    print(
        f"goal: every page <= {DEMO_GOAL_MS:g} ms: "
        + ("met" if not over else "missed by " + ", ".join(over))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--demo", action="store_true", help="every public page of the demo")
    parser.add_argument(
        "--calls", action="store_true", help="with --demo: Python calls per request, not ms"
    )
    parser.add_argument(
        "--split", action="store_true", help="with --demo: ms in SQL, templates and the rest"
    )
    args = parser.parse_args()
    if args.demo:
        try:
            demo_main(args.rounds, calls=args.calls, split=args.split)
        finally:
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
            shutil.rmtree(MEDIA_DIR, ignore_errors=True)
        return

    call_command("migrate", verbosity=0)
    urls = {name: build_plan(number, size) for number, (name, size) in enumerate(SIZES.items(), 1)}
    client = Client()
    print(f"{args.rounds} rounds per page and size, small/large alternating; SQLite, in-process")
    print(f"{'page':<11}{'queries s/l':>12}{'median ms s':>13}{'median ms l':>13}{'l/s ratio':>11}")
    for page in urls["small"]:
        timings = {"small": [], "large": []}
        queries = {}
        for round_number in range(args.rounds):
            for name in ("small", "large"):
                elapsed, count = measure(client, urls[name][page], round_number)
                timings[name].append(elapsed)
                queries[name] = count
        small, large = (statistics.median(timings[name]) for name in ("small", "large"))
        print(
            f"{page:<11}{queries['small']:>5} / {queries['large']:<5}"
            f"{small:>13.2f}{large:>13.2f}{large / small:>11.2f}"
        )
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(MEDIA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
