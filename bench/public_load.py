"""Public pages under a crowd: requests per second through gunicorn, as a ratio to a bare
Django view served by the same gunicorn in the same run.

    .venv/bin/python bench/public_load.py [--seconds 2] [--rounds 3] [--clients 8]
        [--client auto|wrk|python] [--pages /ar/ /sitemap.xml ...]
        [--gunicorn production|quiet] [--costs]

Loads the demo data into a throwaway SQLite file (var/bench/), starts gunicorn on a free
loopback port twice, once for the portal and once for `bench/bare_wsgi.py`, both with the
same settings: by default production's (the project's gunicorn.conf.py with 2 workers:
2 threads each, the access log written to stdout, here thrown away); `--gunicorn quiet`
uses bench/gunicorn_bench.py (2 sync workers, no access log). `--costs` measures instead
the bare view and /healthz under five settings (production, without the access log,
without threads, with workers that each import the portal and are replaced after 2,000
requests, without the log and threads) to say what each costs. The portal and the bare view are
served
and loads each URL with `--clients` connections: with `wrk` (one thread) when it is
installed, else with Python client processes (one new connection per request). wrk matters
on a small machine: a Python client takes as much CPU per request as the bare view itself,
so it slows the bare view most and flatters every ratio. Each page is measured:

- cold: every request carries a unique, ignored query parameter, so the anonymous page
  cache always misses (the page is rendered, then stored);
- warm: the same URL again and again, served from the page cache after the first request.

Each figure is `--rounds` rounds of `--seconds`, each round of the page next to a round of
the bare view, and the ratio is the median of the rounds' page/bare: a shared machine's
load hits both sides of a ratio alike. Prints per URL the bare view's and the page's
requests per second and the ratios (min-max over the rounds), then which goals of issue 19
are missed. Everything it starts is stopped, the temporary database deleted. Loopback
only; not part of `make test`.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

BASE_DIR = Path(__file__).resolve().parent.parent
# The load generator: wrk when installed (see --client), else Python client processes.
WRK = None
BENCH_DIR = BASE_DIR / "var" / "bench"
# gunicorn settings: production's (the project's own file, 2 workers) or the quiet ones.
CONFIGS = {
    "production": BASE_DIR / "gunicorn.conf.py",
    "quiet": BASE_DIR / "bench" / "gunicorn_bench.py",
}
GUNICORN_CONFIG = CONFIGS["production"]
# Settings of `--costs`: production's file with one of its choices undone (written to
# var/bench/ at run time).
COST_VARIANTS = {
    "production (access log, 2 threads)": "",
    "without the access log": "accesslog = None\n",
    "without threads (sync workers)": "threads = 1\n",
    # Workers that each import the portal and are replaced after 2,000 requests: what
    # recycling costs a crowd when every new worker starts from nothing.
    "recycled at 2,000, no preload": (
        "preload_app = False\nmax_requests = 2000\nmax_requests_jitter = 200\n"
    ),
    "without either": "accesslog = None\nthreads = 1\n",
}
PAGES = [
    "/ar/",
    "/en/plans/5/",
    "/ar/plans/",
    "/ar/commitments/",
    # Where a crowd lands from a shared link: a commitment and the open window, with the
    # comment form, and a meeting's minutes.
    "/ar/plans/5/commitments/1/",
    "/ar/consultations/2/",
    "/ar/meetings/1/",
    "/ar/meetings/",
    "/ar/documents/",
    "/ar/plans/5/compliance/",
    "/ar/search/?q=الشفافية",
    "/ar/data/",
    "/sitemap.xml",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(db_file: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ogp_portal.settings",
            "DATABASE_URL": f"sqlite:///{db_file}",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only",
            "STATIC_MANIFEST": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONPATH": str(BASE_DIR),
            "LOG_LEVEL": "WARNING",
            "WEB_CONCURRENCY": "2",
        }
    )
    env.pop("REDIS_URL", None)
    return env


def prepare_database(env: dict) -> None:
    python = sys.executable
    for command in (["migrate", "--no-input"], ["load_demo", "--force"]):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def start_gunicorn(app: str, port: int, env: dict, config: Path | None = None) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "-c", str(config or GUNICORN_CONFIG), "-b", f"127.0.0.1:{port}", app],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        # The access log goes to stdout, as in production, where the process manager
        # reads it; here it is written and thrown away.
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"gunicorn ({app}) did not start")


def wait_ready(port: int, path: str, seconds: float = 120) -> None:
    """Until `path` answers 200: the workers have imported Django and can serve."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"{path} on port {port} did not answer 200")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def client(port: int, path: str, seconds: float, unique: bool, seed: int, results) -> None:
    count, errors, n = 0, 0, 0
    end = time.monotonic() + seconds
    separator = "&" if "?" in path else "?"
    while time.monotonic() < end:
        n += 1
        target = f"{path}{separator}bench={seed}-{n}" if unique else path
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", encode(target))
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                count += 1
            else:
                errors += 1
        except OSError:
            errors += 1
        finally:
            connection.close()
    results.put((count, errors))


def encode(target: str) -> str:
    from urllib.parse import quote

    return quote(target, safe="/?=&")


WRK_SCRIPT = """
-- Cold runs: a unique, ignored query parameter on every request (run, thread, counter).
local counter = 0
local sep = "?"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
function init(args)
  unique = args[1] == "unique"
  prefix = args[2] .. "-" .. tostring(thread_id)
  if string.find(wrk.path, "?", 1, true) then sep = "&" end
end
function request()
  if not unique then return wrk.format("GET") end
  counter = counter + 1
  return wrk.format("GET", wrk.path .. sep .. "bench=" .. prefix .. "-" .. counter)
end
"""


def load(port: int, path: str, seconds: float, clients: int, unique: bool) -> tuple[float, int]:
    if WRK:
        return load_wrk(port, path, seconds, clients, unique)
    return load_python(port, path, seconds, clients, unique)


def load_wrk(port: int, path: str, seconds: float, clients: int, unique: bool) -> tuple[float, int]:
    """wrk (C, epoll, one thread): the client takes a small share of the two cores."""
    script = BENCH_DIR / "wrk-unique.lua"
    script.write_text(WRK_SCRIPT)
    result = subprocess.run(
        [
            WRK,
            "-t1",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{encode(path)}",
            "--",
            "unique" if unique else "same",
            f"{os.getpid()}{time.monotonic_ns()}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    errors = sum(
        int(number)
        for number in re.findall(
            r"(?:Non-2xx or 3xx responses|connect|read|write|timeout)[: ]\s*(\d+)", result.stdout
        )
    )
    return rate, errors


def load_python(
    port: int, path: str, seconds: float, clients: int, unique: bool
) -> tuple[float, int]:
    results = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=client, args=(port, path, seconds, unique, i, results))
        for i in range(clients)
    ]
    for worker in workers:
        worker.start()
    totals = [results.get() for _worker in workers]
    for worker in workers:
        worker.join()
    ok = sum(count for count, _errors in totals)
    errors = sum(errors for _count, errors in totals)
    return ok / seconds, errors


GOALS = {"healthz": 0.5, "cold": 0.04, "warm": 0.5}


class Figure(NamedTuple):
    ratio: float  # median of the rounds' page / bare
    rate: float  # median requests per second of the page
    spread: str  # "0.123 (0.110-0.130)"
    bare: list  # the bare view's rates of these rounds
    errors: int


def measure(bare_port: int, portal_port: int, path: str, *, unique: bool, args) -> Figure:
    """Rounds of the bare view and the page in turn: the shared machine's noise of each
    moment hits both alike, and the ratio is taken round by round."""
    ratios, rates, bares, errors = [], [], [], 0
    for _round in range(args.rounds):
        bare_rate, _bare_errors = load(bare_port, "/bare", args.seconds, args.clients, False)
        rate, page_errors = load(portal_port, path, args.seconds, args.clients, unique)
        ratios.append(rate / bare_rate if bare_rate else 0.0)
        rates.append(rate)
        bares.append(bare_rate)
        errors += page_errors
    ratio = statistics.median(ratios)
    spread = f"{ratio:.3f} ({min(ratios):.3f}-{max(ratios):.3f})"
    return Figure(ratio, statistics.median(rates), spread, bares, errors)


def variant_config(extra: str) -> Path:
    """Production's gunicorn settings with `extra` lines after them."""
    path = BENCH_DIR / f"gunicorn-{abs(hash(extra))}.py"
    path.write_text(CONFIGS["production"].read_text() + "\n" + extra)
    return path


def measure_costs(env: dict, args) -> None:
    """The bare view and /healthz under production's settings and without each of its
    choices: what the access log, the threads and the recycling of workers cost."""
    print(
        f"{args.clients} connections, {args.rounds} rounds of {args.seconds:g} s; "
        "requests per second (median of the rounds), ratio to the last line's bare view"
    )
    print(f"{'gunicorn settings':38} {'bare req/s':>10} {'/healthz req/s':>15} {'ratio':>6}")
    rates = {}
    for label, extra in COST_VARIANTS.items():
        config = variant_config(extra)
        bare_port, portal_port = free_port(), free_port()
        bare = start_gunicorn("bench.bare_wsgi:application", bare_port, env, config)
        portal = start_gunicorn("ogp_portal.wsgi:application", portal_port, env, config)
        try:
            wait_ready(bare_port, "/bare")
            wait_ready(portal_port, "/healthz")
            load(bare_port, "/bare", 1.0, args.clients, False)
            load(portal_port, "/healthz", 1.0, args.clients, False)
            bare_rates, health_rates = [], []
            for _round in range(args.rounds):
                bare_rates.append(load(bare_port, "/bare", args.seconds, args.clients, False)[0])
                health_rates.append(
                    load(portal_port, "/healthz", args.seconds, args.clients, False)[0]
                )
            rates[label] = (statistics.median(bare_rates), statistics.median(health_rates))
        finally:
            stop(portal)
            stop(bare)
            config.unlink(missing_ok=True)
    base = rates["without either"][0]
    for label, (bare_rate, health_rate) in rates.items():
        print(f"{label:38} {bare_rate:10,.0f} {health_rate:15,.0f} {bare_rate / base:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--pages", nargs="*", default=PAGES, help="paths to load (default: every public page)"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--gunicorn",
        choices=sorted(CONFIGS),
        default="production",
        help="gunicorn settings of both servers (default: production's gunicorn.conf.py)",
    )
    parser.add_argument(
        "--costs", action="store_true", help="what the access log, the threads and recycling cost"
    )
    parser.add_argument(
        "--client",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator (auto: wrk when installed, else Python)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        help="an SQLite file already migrated with the demo loaded, copied and used instead"
        " of making one (the test suite's smoke run passes the one it made for the run)",
    )
    args = parser.parse_args()
    global WRK, GUNICORN_CONFIG
    WRK = None if args.client == "python" else shutil.which("wrk")
    GUNICORN_CONFIG = CONFIGS[args.gunicorn]
    if args.client == "wrk" and WRK is None:
        parser.error("wrk is not installed")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    db_file = Path(tempfile.mkstemp(prefix="load-", suffix=".sqlite3", dir=BENCH_DIR)[1])
    env = environment(db_file)
    portal = bare = None
    try:
        if args.database:
            shutil.copyfile(args.database, db_file)
        else:
            prepare_database(env)
        if args.costs:
            measure_costs(env, args)
            return
        bare_port, portal_port = free_port(), free_port()
        bare = start_gunicorn("bench.bare_wsgi:application", bare_port, env)
        portal = start_gunicorn("ogp_portal.wsgi:application", portal_port, env)
        # Warm up: both workers of each server loaded and answering, every page rendered
        # once (templates compiled, translations read) before anything is counted.
        wait_ready(bare_port, "/bare")
        wait_ready(portal_port, "/healthz")
        load(bare_port, "/bare", 1.0, args.clients, False)
        for path in ["/healthz", *args.pages]:
            load(portal_port, path, 1.0, args.clients, False)
        client = "wrk, 1 thread" if WRK else "Python client processes"
        settings = (
            "gunicorn.conf.py (2 workers x 2 threads, access log)"
            if args.gunicorn == "production"
            else "gunicorn 2 sync workers, no access log"
        )
        print(
            f"{args.clients} connections ({client}), {settings}; "
            f"{args.rounds} rounds of {args.seconds:g} s per figure, each next to a round "
            "of the bare view; ratio = median of the rounds' page/bare, (min-max)"
        )
        columns = ["bare req/s", "cold req/s", "cold ratio", "warm req/s", "warm ratio"]
        print(
            f"{'url':28} {columns[0]:>10} {columns[1]:>10} {columns[2]:>19} "
            f"{columns[3]:>10} {columns[4]:>19}"
        )
        verdicts = []
        for path in ["/healthz", *args.pages]:
            cold = measure(bare_port, portal_port, path, unique=True, args=args)
            warm = (
                None
                if path == "/healthz"
                else measure(bare_port, portal_port, path, unique=False, args=args)
            )
            bare_rates = cold.bare + (warm.bare if warm else [])
            errors = cold.errors + (warm.errors if warm else 0)
            note = f"  ({errors} errors)" if errors else ""
            print(
                f"{path:28} {statistics.median(bare_rates):10,.0f} "
                f"{cold.rate:10,.0f} {cold.spread:>19} "
                + (f"{warm.rate:10,.0f} {warm.spread:>19}" if warm else f"{'':>10} {'':>19}")
                + note,
                flush=True,
            )
            if path == "/healthz":
                verdicts.append((path, "", cold.ratio, GOALS["healthz"]))
            else:
                verdicts.append((path, "cold", cold.ratio, GOALS["cold"]))
                verdicts.append((path, "warm", warm.ratio, GOALS["warm"]))
        missed = [v for v in verdicts if v[2] < v[3]]
        print(
            f"goals: /healthz >= {GOALS['healthz']}, uncached >= {GOALS['cold']}, "
            f"cached >= {GOALS['warm']}: "
            + (
                "all met"
                if not missed
                else "missed by "
                + ", ".join(
                    f"{path} {mode} {ratio:.3f}".replace("  ", " ")
                    for path, mode, ratio, _ in missed
                )
            )
        )
    finally:
        for process in (portal, bare):
            if process is not None:
                stop(process)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
