"""Public pages under a crowd: requests per second through gunicorn, as a ratio to a bare
Django view served by the same gunicorn in the same run.

    .venv/bin/python bench/public_load.py [--seconds 5] [--clients 8]

Loads the demo data into a throwaway SQLite file (var/bench/), starts gunicorn (2 sync
workers) on a free loopback port twice, once for the portal and once for `bench/bare_wsgi.py`,
and drives each URL for `--seconds` with `--clients` client processes (Python, one new
connection per request, as a crowd of phones would arrive). Each page is measured:

- cold: every request carries a unique, ignored query parameter, so the anonymous page
  cache always misses (the page is rendered, then stored);
- warm: the same URL again and again, served from the page cache after the first request.

Prints one line per URL: requests per second and the ratio to the bare view. Everything it
starts is stopped, the temporary database deleted. Loopback only; not part of `make test`.
"""

import argparse
import http.client
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
GUNICORN_CONFIG = BASE_DIR / "bench" / "gunicorn_bench.py"
PAGES = [
    "/ar/",
    "/en/plans/5/",
    "/ar/plans/",
    "/ar/commitments/",
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


def start_gunicorn(app: str, port: int, env: dict) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "-c", str(GUNICORN_CONFIG), "-b", f"127.0.0.1:{port}", app],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
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


def load(port: int, path: str, seconds: float, clients: int, unique: bool) -> tuple[float, int]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    db_file = Path(tempfile.mkstemp(prefix="load-", suffix=".sqlite3", dir=BENCH_DIR)[1])
    env = environment(db_file)
    portal = bare = None
    try:
        prepare_database(env)
        bare_port, portal_port = free_port(), free_port()
        bare = start_gunicorn("bench.bare_wsgi:application", bare_port, env)
        portal = start_gunicorn("ogp_portal.wsgi:application", portal_port, env)
        load(bare_port, "/bare", 1.0, args.clients, False)  # warm up the workers
        baseline, _errors = load(bare_port, "/bare", args.seconds, args.clients, False)
        print(f"bare Django view: {baseline:,.0f} req/s ({args.clients} clients, 2 workers)")
        columns = ["cold req/s", "cold ratio", "warm req/s", "warm ratio"]
        print(f"{'url':32} " + " ".join(f"{column:>11}" for column in columns))
        rate, errors = load(portal_port, "/healthz", args.seconds, args.clients, False)
        print(f"{'/healthz':32} {rate:11,.0f} {rate / baseline:11.3f} {'':>11} {'':>11}")
        for path in PAGES:
            cold, cold_errors = load(portal_port, path, args.seconds, args.clients, True)
            warm, warm_errors = load(portal_port, path, args.seconds, args.clients, False)
            note = f"  ({cold_errors + warm_errors} errors)" if cold_errors + warm_errors else ""
            print(
                f"{path:32} {cold:11,.0f} {cold / baseline:11.3f} "
                f"{warm:11,.0f} {warm / baseline:11.3f}{note}"
            )
    finally:
        for process in (portal, bare):
            if process is not None:
                stop(process)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
