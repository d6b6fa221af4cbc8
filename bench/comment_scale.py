"""The consultation pages at demo size and at national scale, measured in one run.

    .venv/bin/python bench/comment_scale.py [--rounds 15]

Builds, in a throwaway SQLite file under var/bench/, three data sets with
`manage.py load_scale_data`: one at the demo's size (18 commitments over 3 plans, so that
the window covers 6 commitments with 18 milestones, as the demo's open window does; a
window of 150 comments, so that 100 can be moderated; 1 meeting of 13 attendees); the
same commitments with 10,000 comments in the window (what a campaign alone costs); and
one at national scale (200 commitments over 3 plans: the window covers 67 with 201
milestones; 10,000 comments in the window with campaigns, 50 meetings of 30 attendees).
Then prints, for each size, the median time (wall clock, and this process's CPU time) and
the number of queries of: publishing one comment through the service (which counts the
report's figures again once it commits); then, each twice, first after that publication
(page cache and kept fragments refreshed) and then again at another address (another page
of its comments, or its minute in the page cache run out): the public window page, a
commitment page and the report page; the staff comment list; and moderating 100 selected
comments (one count of the figures too); then
the report's CSV and XLSX at both sizes, and grouping all 10,000 comments anew. Requests
alternate between the sizes so that the shared machine's noise hits both alike; public
pages carry a unique ignored parameter so the page cache never answers. The load average
is printed at the start and the end: other work on the machine shows in the times.
"""

import argparse
import os
import statistics
import time
from pathlib import Path

from throwaway import start  # noqa: E402

DB_FILE = start("bench-comments-")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from consultations import report, services  # noqa: E402
from consultations.models import Comment, CommentGroup, CommentWindow, ModerationState  # noqa: E402
from tests.factories import make_user  # noqa: E402

SIZES = {
    "demo": {"comments": 150, "commitments": 18, "meetings": 1, "attendees": 13},
    # The demo's commitments with a national campaign's comments: what the comments alone
    # cost (about 1,400 on one commitment).
    "comments": {"comments": 10_000, "commitments": 18, "meetings": 1, "attendees": 13},
    "scale": {"comments": 10_000, "commitments": 200, "meetings": 50, "attendees": 30},
}


def build(size: dict) -> CommentWindow:
    call_command("load_scale_data", force=True, stdout=open(os.devnull, "w"), **size)  # noqa: SIM115
    return CommentWindow.objects.order_by("-pk").first()


def timed(call) -> tuple[float, float, int]:
    """(wall ms, CPU ms of this process, queries) of one call."""
    with CaptureQueriesContext(connection) as queries:
        start, cpu = time.perf_counter(), time.process_time()
        response = call()
        elapsed = (time.perf_counter() - start) * 1000
        cpu = (time.process_time() - cpu) * 1000
    status = getattr(response, "status_code", 200)
    assert status in (200, 302), status
    return elapsed, cpu, len(queries)


PUBLISH_ONE = "publish one comment (figures recounted)"


def pages(window: CommentWindow, anonymous: Client, staff: Client, round_number: int) -> dict:
    """Each public page twice: first after a publication (every page cache and fragment
    refreshed, the report's figures counted by the publication itself), then again, as
    for another address of the page (another page of its comments, its minute run out)
    before the next write the public sees."""
    commitment = window.commitments.order_by("number").first()
    query = {"bench": round_number}
    again = {**query, "again": 1}
    window_page = f"/ar/consultations/{window.pk}/"
    report = f"/ar/consultations/{window.pk}/report/"
    return {
        "window page, first after a publication": lambda: anonymous.get(window_page, query),
        "window page, again": lambda: anonymous.get(window_page, again),
        "commitment page, first after": lambda: anonymous.get(commitment.get_absolute_url(), query),
        "commitment page, again": lambda: anonymous.get(commitment.get_absolute_url(), again),
        "report page, first after": lambda: anonymous.get(report, query),
        "report page, again": lambda: anonymous.get(report, again),
        "staff comment list": lambda: staff.get(
            "/ar/manage/consultations/comments/", {"window": window.pk, "state": "all"}
        ),
    }


def publish_one(window: CommentWindow, editor) -> None:
    """A publication as staff make it: one comment set back to pending (no signal), then
    published through the service, which counts the report's figures again once it
    commits."""
    comment = Comment.objects.filter(window=window, state=ModerationState.PUBLISHED).first()
    Comment.objects.filter(pk=comment.pk).update(state=ModerationState.PENDING, published_at=None)
    comment.refresh_from_db()
    services.moderate_comments(comments=[comment], action="publish", user=editor)


def moderate(window: CommentWindow, staff: Client):
    """Publish 100 selected comments, set back to pending first (outside the timing),
    through the comment list's bulk action."""
    selected = list(
        Comment.objects.filter(window=window).order_by("pk").values_list("pk", flat=True)[:100]
    )
    Comment.objects.filter(pk__in=selected).update(state=ModerationState.PENDING, published_at=None)

    def call():
        return staff.post(
            f"/ar/manage/consultations/comments/?window={window.pk}",
            {"action": "publish", "comments": selected},
        )

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(f"load average at the start: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    call_command("migrate", verbosity=0)
    windows = {name: build(size) for name, size in SIZES.items()}
    print("data built", flush=True)
    editor = make_user(role="editor")
    anonymous, staff = Client(), Client()
    staff.force_login(editor)
    results: dict[str, dict[str, list]] = {}
    for round_number in range(args.rounds):
        print(f"round {round_number + 1}", flush=True)
        for name, window in windows.items():
            # A comment is published first (timed on its own line): the public pages are
            # refreshed, and the report's figures counted by that write.
            results.setdefault(PUBLISH_ONE, {}).setdefault(name, []).append(
                timed(lambda window=window: publish_one(window, editor))
            )
            for page, call in pages(window, anonymous, staff, round_number).items():
                results.setdefault(page, {}).setdefault(name, []).append(timed(call))
            call = moderate(window, staff)
            results.setdefault("moderate 100 comments", {}).setdefault(name, []).append(timed(call))
    print(f"{args.rounds} rounds, sizes alternating; SQLite, in-process; median wall ms")
    print("(ratio: to the demo size; CPU: this process's CPU time, the ratio of the medians)")
    print(
        f"{'':<40}{'queries d/c/s':>14}{'demo':>8}{'comments':>10}{'ratio':>7}{'scale':>8}"
        f"{'ratio':>7}{'CPU ratio c/s':>15}"
    )
    for page, by_size in results.items():
        wall = {size: statistics.median(ms for ms, _c, _q in by_size[size]) for size in SIZES}
        cpu = {size: statistics.median(c for _ms, c, _q in by_size[size]) for size in SIZES}
        queries = " / ".join(str(by_size[size][-1][2]) for size in SIZES)
        cpu_ratios = f"{cpu['comments'] / cpu['demo']:.2f} / {cpu['scale'] / cpu['demo']:.2f}"
        print(
            f"{page:<40}{queries:>14}{wall['demo']:>8.1f}{wall['comments']:>10.1f}"
            f"{wall['comments'] / wall['demo']:>7.2f}{wall['scale']:>8.1f}"
            f"{wall['scale'] / wall['demo']:>7.2f}{cpu_ratios:>15}"
        )
    for name, window in windows.items():
        for label, make in (
            ("report CSV", lambda window=window: report.report_csv(window)),
            ("report XLSX", lambda window=window: report.report_xlsx(window, right_to_left=True)),
        ):
            start, cpu = time.perf_counter(), time.process_time()
            content = make()
            print(
                f"{label + ', ' + name:<24}{time.perf_counter() - start:>10.2f} s"
                f" (CPU {time.process_time() - cpu:.2f} s, {len(content) // 1024} KB)"
            )
    window = windows["scale"]
    Comment.objects.filter(window=window).update(group=None, group_locked=False)
    CommentGroup.objects.filter(window=window).delete()
    start = time.perf_counter()
    changed = services.regroup_window(window=window)
    seconds = time.perf_counter() - start
    print(
        f"{'group 10,000 comments':<24}{seconds:>10.2f} s  ({changed} comments in "
        f"{CommentGroup.objects.filter(window=window).count()} groups)"
    )
    print(f"load average at the end: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
