"""Load and fault tests: citizens commenting on two app instances; nothing lost, nothing twice.

`make loadtest` (a few minutes; not part of `make test`). Loopback only. Starts, with the
helpers of `two_instances.py`, a Redis of its own on a free port and a fresh PostgreSQL
database, then two gunicorn instances sharing both (no minimum fill time, a high comment
limit) and a third with the real comment limit. Every citizen fetches the comment form (its
signed one-time token and CSRF cookie), sends a distinct comment and reads the receipt; its
address comes in X-Forwarded-For (TRUSTED_PROXIES=1), as from a reverse proxy.

1. load: 200 citizens at once, spread over the two instances → exactly 200 stored, no 5xx;
2. flood: 30 posts from one address on the instance with the real limit → throttled (429)
   after the limit, while another address still gets its receipt;
3. PostgreSQL restarted in the middle of 200 citizens → every comment that got a receipt is
   stored, the others got the "try again" page (503, no trace), none stored twice; those
   citizens then send the same form again, as the page tells them, and each is stored once;
4. Redis stopped → pages and comments are still served (no 5xx), all stored;
5. crowd (`--only crowd` runs it alone): 300 visitors over a minute land on a commitment
   page of the demo from a link shared on Facebook (each with their own `fbclid`), on A
   and B; one in ten sends a comment, while
   staff publish a comment and its response twice → no error, every comment stored once,
   the published response on the page of both instances at once; the p95 time of the
   page and of the post printed.

The pages are served from the page cache and carry no token: like the form's script, a
citizen asks `consultations:comment_token` for the signed form token and the CSRF value.

Each prints sent, stored, lost, duplicated and the p50/p95 latency of the post (with its
receipt). Needs PostgreSQL at 127.0.0.1:5432 (user postgres; DATABASE_SERVER to change),
redis-server and, for step 3, the right to run `pg_ctlcluster` (skip it with --no-restart).
Every process it starts is stopped at the end; the database is dropped.
"""

import argparse
import dataclasses
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from two_instances import SERVER, Browser, Stack, check, wait_until_up

CITIZENS = 200
FLOOD = 30
REDIS_DOWN_CITIZENS = 50
REAL_LIMIT = 10
# The "try again" page (templates/503.html, core.errors), in either language.
TRY_AGAIN_TITLES = ("Please try again in a moment", "يُرجى إعادة المحاولة بعد قليل")
# The test instances: no minimum fill time and a limit no test reaches; the flood instance
# keeps the real ones (COMMENT_RATE_LIMIT below is its default, COMMENT_MIN_FILL_SECONDS 0).
FAST = {"COMMENT_MIN_FILL_SECONDS": "0", "COMMENT_RATE_LIMIT": "100000/h"}
REAL = {"COMMENT_MIN_FILL_SECONDS": "0", "COMMENT_RATE_LIMIT": f"{REAL_LIMIT}/h"}
CROWD_VISITORS = 300
CROWD_SECONDS = 60
CROWD_SHARE = 10  # one visitor in ten sends a comment
CROWD_PAGE = "/ar/plans/5/commitments/1/"  # the demo's commitment open for comment
FIXED_COMMITMENT = re.compile(r'name="commitment" value="(\d+)"')
TOKEN_URL = re.compile(r'data-token-url="([^"]+)"')


@dataclasses.dataclass
class Visit:
    """What one citizen saw."""

    body: str
    statuses: list[int] = dataclasses.field(default_factory=list)
    outcome: str = "none"  # receipt | try_again | throttled | error
    latency: float | None = None
    form: dict | None = None  # the form as filled, to send again
    browser: Browser | None = None
    url: str = ""
    traces: int = 0
    finished: float = 0.0


class Citizen:
    def __init__(self, base: str, window: int, address: str, body: str):
        self.form_url = f"{base}/ar/consultations/{window}/comment/"
        self.base = base
        self.browser = Browser()
        self.browser.timeout = 60
        self.browser.opener.addheaders = [("X-Forwarded-For", address)]
        self.visit = Visit(body=body, browser=self.browser, url=self.form_url)

    def saw(self, status: int, html: str) -> str | None:
        """The outcome this answer ends the visit with, or None to go on."""
        self.visit.statuses.append(status)
        self.visit.finished = time.monotonic()
        if "Traceback" in html:
            self.visit.traces += 1
        if status == 503 and any(title in html for title in TRY_AGAIN_TITLES):
            return "try_again"
        if status == 429:
            return "throttled"
        return None

    def fetch_form(self, commitment: str = "") -> bool:
        """The form's tokens, as its script asks for them when the citizen reaches it."""
        status, html, _ = self.browser.request(self.form_url + "token/")
        ended = self.saw(status, html)
        if ended or status != 200:
            self.visit.outcome = ended or "error"
            return False
        try:
            tokens = json.loads(html)
        except ValueError:
            self.visit.outcome = "error"
            return False
        self.visit.form = {
            "csrfmiddlewaretoken": tokens["csrf"],
            "form_token": tokens["form_token"],
            "origin": "commitment" if commitment else "window",
            "website": "",
            "commitment": commitment,
            "milestone": "",
            "part": "general",
            "body": self.visit.body,
            "author_name": "",
            "author_email": "",
            "sector": "",
            "region": "",
        }
        return True

    def send(self) -> None:
        """Send the form (again) and read the receipt it leads to."""
        started = time.monotonic()
        status, html, headers = self.browser.request(self.form_url, self.visit.form)
        ended = self.saw(status, html)
        if ended is None and status == 302 and "/receipt/" in headers.get("Location", ""):
            status, html, _ = self.browser.request(self.base + headers["Location"])
            ended = self.saw(status, html)
            if ended is None and status == 200:
                ended = "receipt"
        self.visit.latency = time.monotonic() - started
        self.visit.outcome = ended or "error"

    def again(self) -> Visit:
        """Back to the form and send it again (or load it, if it never came)."""
        self.visit.statuses.clear()
        if self.visit.form is None:
            return self.run()
        try:
            self.send()
        except OSError as error:
            self.visit.statuses.append(0)
            self.visit.outcome = f"error ({error.__class__.__name__})"
        return self.visit

    def run(self, delay: float = 0) -> Visit:
        time.sleep(delay)
        try:
            if self.fetch_form():
                self.send()
        except OSError as error:  # refused, reset or timed out: no answer at all
            self.visit.statuses.append(0)
            self.visit.outcome = f"error ({error.__class__.__name__})"
        return self.visit


def crowd(citizens: list[Citizen], spread: float = 0) -> list[Visit]:
    """Every citizen at once, in threads; with `spread`, their arrivals over that many seconds."""
    with ThreadPoolExecutor(max_workers=len(citizens)) as pool:
        return list(
            pool.map(
                lambda pair: pair[1].run(pair[0] * spread / len(citizens)), enumerate(citizens)
            )
        )


def query(sql: str, database: str) -> str:
    return subprocess.run(
        ["psql", "-qtA", "-d", f"{SERVER}/{database}", "-c", sql],
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    ).stdout.strip()


def stored_counts(database: str, prefix: str) -> dict[str, int]:
    rows = query(
        "SELECT body, count(*) FROM consultations_comment "
        f"WHERE body LIKE '{prefix}%' GROUP BY body",
        database,
    )
    return {body: int(count) for body, count in (line.rsplit("|", 1) for line in rows.splitlines())}


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def figures(label: str, visits: list[Visit], stored: dict[str, int]) -> dict:
    receipts = [v for v in visits if v.outcome == "receipt"]
    latencies = [v.latency for v in visits if v.latency is not None]
    result = {
        "sent": len(visits),
        "receipts": len(receipts),
        "try_again": sum(v.outcome == "try_again" for v in visits),
        "throttled": sum(v.outcome == "throttled" for v in visits),
        "other": sum(v.outcome.startswith("error") for v in visits),
        "stored": sum(1 for v in visits if stored.get(v.body)),
        "lost": sum(1 for v in receipts if not stored.get(v.body)),
        "duplicated": sum(count - 1 for count in stored.values() if count > 1),
        "5xx": sum(1 for v in visits for s in v.statuses if s >= 500),
        "traces": sum(v.traces for v in visits),
        "p50_ms": round(percentile(latencies, 0.50) * 1000),
        "p95_ms": round(percentile(latencies, 0.95) * 1000),
    }
    print(f"  {label}: " + ", ".join(f"{key} {value}" for key, value in result.items()))
    return result


def citizens_for(
    bases: list[str], window: int, prefix: str, count: int, address=None
) -> list[Citizen]:
    return [
        Citizen(
            bases[i % len(bases)],
            window,
            address or f"10.{len(prefix)}.{i // 250}.{i % 250 + 1}",
            f"{prefix} {i}: تعليق المواطن رقم {i} على مسودة الالتزامات",
        )
        for i in range(count)
    ]


PUBLISH = """
from django.contrib.auth import get_user_model
from django.db import transaction
from consultations.models import Comment
from consultations.services import moderate_comments, publish_response, save_response
users = get_user_model().objects
comment = Comment.objects.filter(body__startswith="crowd", state="pending").order_by("pk").first()
if comment is not None:
    with transaction.atomic():
        moderate_comments(comments=[comment], action="publish", user=users.get(username="editor"))
        response = save_response(
            comment=comment, outcome="partly_accepted", user=users.get(username="editor"),
            reason_ar="ردّ الوحدة {mark}", reason_en="The unit's response {mark}",
        )
        publish_response(response=response, user=users.get(username="coordinator"))
"""


def crowd_visit(base: str, index: int, sends: bool, delay: float) -> dict:
    """One visitor from a shared link: the commitment page (from the page cache), and for
    one in ten the comment: the form's tokens, the post and its receipt."""
    time.sleep(delay)
    address = f"10.77.{index // 250}.{index % 250 + 1}"
    citizen = Citizen(base, 0, address, f"crowd {index}: تعليق على الالتزام من رابط مشترك")
    started = time.monotonic()
    try:
        # From Facebook: every click carries its own fbclid (core.page_cache.page_query).
        status, html, _ = citizen.browser.request(f"{base}{CROWD_PAGE}?fbclid=IwAR{index:06d}")
    except OSError:
        return {"page_status": 0, "page_s": None, "visit": None}
    result = {"page_status": status, "page_s": time.monotonic() - started, "visit": None}
    if sends and status == 200:
        citizen.form_url = base + TOKEN_URL.search(html).group(1).removesuffix("token/")
        citizen.visit.url = citizen.form_url
        try:
            if citizen.fetch_form(commitment=FIXED_COMMITMENT.search(html).group(1)):
                citizen.send()
        except OSError as error:
            citizen.visit.statuses.append(0)
            citizen.visit.outcome = f"error ({error.__class__.__name__})"
        result["visit"] = citizen.visit
    return result


def run_crowd(stack: Stack, bases: list[str]) -> list[bool]:
    """300 visitors over a minute on a commitment page, one in ten commenting, while staff
    publish a comment and its response twice."""
    print(
        f"5. crowd: {CROWD_VISITORS} visitors over {CROWD_SECONDS} s on {CROWD_PAGE} (A and B),"
        f" one in {CROWD_SHARE} comments; staff publish a response at 20 s and 40 s"
    )
    marks = []

    def publish(mark: str) -> None:
        stack.manage("shell", "-c", PUBLISH.format(mark=mark))
        marks.append(mark)

    staff = [threading.Timer(20.0 * (i + 1), publish, [f"R{i + 1}"]) for i in range(2)]
    for timer in staff:
        timer.start()
    with ThreadPoolExecutor(max_workers=CROWD_VISITORS) as pool:
        visits = list(
            pool.map(
                lambda i: crowd_visit(
                    bases[i % len(bases)],
                    i,
                    i % CROWD_SHARE == 0,
                    i * CROWD_SECONDS / CROWD_VISITORS,
                ),
                range(CROWD_VISITORS),
            )
        )
    for timer in staff:
        timer.join()
    pages = [v["page_s"] for v in visits if v["page_s"] is not None]
    page_errors = sum(v["page_status"] != 200 for v in visits)
    print(
        f"  pages: {len(visits)} visits, {page_errors} not 200, "
        f"p50 {percentile(pages, 0.5) * 1000:.0f} ms, p95 {percentile(pages, 0.95) * 1000:.0f} ms"
    )
    sent = [v["visit"] for v in visits if v["visit"] is not None]
    got = figures("comments", sent, stored_counts(stack.database, "crowd"))
    shown = []
    for base in bases:
        html = Browser().request(base + CROWD_PAGE)[1]
        shown.append(all(f"ردّ الوحدة {mark}" in html for mark in marks))
    return [
        check("crowd: every page 200", page_errors == 0, f"{page_errors} not 200"),
        check(
            "crowd: every comment stored once, none lost",
            got["receipts"] == got["stored"] == len(sent)
            and got["lost"] == got["duplicated"] == got["5xx"] == 0,
            f"{got['stored']} stored of {len(sent)}",
        ),
        check(
            "crowd: the published responses are on the page of A and B",
            len(marks) == 2 and all(shown),
            f"{len(marks)} published, shown {shown}",
        ),
    ]


RESTART_TIMES: list[float] = []


def restart_postgresql() -> None:
    RESTART_TIMES.append(time.monotonic())
    clusters = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "restart"],
        check=True,
        timeout=120,
        capture_output=True,
    )
    RESTART_TIMES.append(time.monotonic())


def create_window(stack: Stack) -> int:
    stack.manage(
        "shell",
        "-c",
        "import datetime\n"
        "from django.utils import timezone\n"
        "from plans.models import ActionPlan\n"
        "from consultations.models import CommentWindow\n"
        "plan = ActionPlan.objects.create(number=1, title_ar='خطة العمل الوطنية',"
        " title_en='National action plan', starts_on=datetime.date(2025, 1, 1),"
        " ends_on=datetime.date(2027, 12, 31), is_public=True)\n"
        "CommentWindow.objects.create(plan=plan, kind='draft_commitments',"
        " title_ar='مسودة الالتزامات', title_en='Draft commitments',"
        " opens_at=timezone.now() - datetime.timedelta(days=1))",
    )
    return int(query("SELECT max(id) FROM consultations_commentwindow", stack.database))


def run(stack: Stack, deadline: float, restart: bool, only: str = "") -> bool:
    stack.load_demo()
    window = create_window(stack)
    common = {"TRUSTED_PROXIES": "1"}
    a, b = stack.gunicorn("a", **common, **FAST), stack.gunicorn("b", **common, **FAST)
    real = stack.gunicorn("c-real-limit", **common, **REAL)
    for url in (a, b, real):
        wait_until_up(url, deadline)
    if only == "crowd":
        return all(run_crowd(stack, [a, b]))
    results = []

    print(f"1. load: {CITIZENS} citizens at once on A and B")
    visits = crowd(citizens_for([a, b], window, "load", CITIZENS))
    got = figures("load", visits, stored_counts(stack.database, "load"))
    results.append(check("load: exactly 200 stored", got["stored"] == CITIZENS, str(got["stored"])))
    results.append(check("load: every citizen got a receipt", got["receipts"] == CITIZENS))
    results.append(check("load: no 5xx, no duplicate", got["5xx"] == got["duplicated"] == 0))

    print(f"2. flood: {FLOOD} posts from one address, limit {REAL_LIMIT}/h")
    flood = crowd(citizens_for([real], window, "flood", FLOOD, address="198.51.100.66"))
    got = figures("flood", flood, stored_counts(stack.database, "flood"))
    results.append(
        check(
            "flood: throttled after the limit",
            got["receipts"] <= REAL_LIMIT and got["throttled"] >= FLOOD - REAL_LIMIT,
            f"{got['receipts']} receipts, {got['throttled']} throttled (429)",
        )
    )
    other = crowd(citizens_for([real], window, "other", 1, address="198.51.100.77"))
    results.append(
        check("flood: another address still gets through", other[0].outcome == "receipt")
    )

    if restart:
        print(f"3. PostgreSQL restarted while {CITIZENS} citizens comment over 8 seconds")
        citizens = citizens_for([a, b], window, "restart", CITIZENS)
        restarter = threading.Timer(2.0, restart_postgresql)
        restarter.start()
        began = time.monotonic()
        visits = crowd(citizens, spread=8)
        restarter.join()
        pages = [v.finished - began for v in visits if v.outcome == "try_again"] or [0]
        first, last = RESTART_TIMES[0] - began, RESTART_TIMES[1] - began
        print(
            f"  restart from {first:.1f} s to {last:.1f} s; "
            f"try-again pages from {min(pages):.1f} s to {max(pages):.1f} s"
        )
        wait_until_up(a, deadline)
        stored = stored_counts(stack.database, "restart")
        got = figures("restart", visits, stored)
        results.append(check("restart: no receipt without its comment", got["lost"] == 0))
        results.append(
            check(
                "restart: the others got the try-again page",
                got["receipts"] + got["try_again"] == CITIZENS and got["traces"] == 0,
                f"{got['receipts']} receipts, {got['try_again']} try again, {got['other']} other",
            )
        )
        results.append(check("restart: none stored twice", got["duplicated"] == 0))
        retry = [c for c in citizens if c.visit.outcome != "receipt"]
        with ThreadPoolExecutor(max_workers=max(len(retry), 1)) as pool:
            list(pool.map(Citizen.again, retry))
        got = figures(
            "restart, after sending again",
            [c.visit for c in citizens],
            stored_counts(stack.database, "restart"),
        )
        results.append(
            check(
                "restart: sent again, each stored exactly once",
                got["stored"] == CITIZENS and got["duplicated"] == 0,
                f"{got['stored']} stored, {got['duplicated']} duplicated",
            )
        )

    results += run_crowd(stack, [a, b])

    print("4. Redis stopped")
    redis = stack.processes[0]
    redis.terminate()
    redis.wait(timeout=15)
    visits = crowd(citizens_for([a, b], window, "redisdown", REDIS_DOWN_CITIZENS))
    got = figures("redis down", visits, stored_counts(stack.database, "redisdown"))
    pages = [Browser().request(url + path)[0] for url in (a, b) for path in ("/ar/", "/en/")]
    results.append(
        check(
            "redis down: pages and comments served, all stored",
            got["stored"] == REDIS_DOWN_CITIZENS and got["5xx"] == 0 and set(pages) == {200},
            f"{got['stored']} stored, pages {pages}",
        )
    )
    return all(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the whole run")
    parser.add_argument(
        "--no-restart", action="store_true", help="skip restarting PostgreSQL (step 3)"
    )
    parser.add_argument("--only", choices=["crowd"], help="run only this scenario")
    options = parser.parse_args()
    if not shutil.which("redis-server"):
        print("redis-server is not installed (Debian: apt-get install redis-server)")
        return 2
    deadline = time.monotonic() + options.timeout
    passed = False
    with tempfile.TemporaryDirectory(prefix="loadtest-") as workdir:
        stack = Stack(Path(workdir))
        try:
            stack.setup()
            passed = run(stack, deadline, restart=not options.no_restart, only=options.only)
        finally:
            stack.stop()
            if not passed:
                for log in sorted(Path(workdir).glob("*.log")):
                    print(f"--- {log.name}\n{log.read_text()[-3000:]}")
    print("load and fault tests: " + ("all checks passed" if passed else "FAILED"))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
