"""Two app instances, one user: requests may land on either and nothing breaks.

Starts, on loopback only, a Redis of its own and a fresh PostgreSQL database, then two
gunicorn instances (gunicorn.conf.py, 2 workers each) on two ports sharing both, and checks:

1. the sign-in form fetched from A is accepted by B (one CSRF secret, one session store);
2. the session made on B is signed in on A and on B;
3. failed sign-ins are counted across both: 5 wrong passwords spread over A and B lock the
   account on either (the throttle's counts are shared, not per process);
4. both instances use the same Redis (each reports "redis: ok"; Redis sees both);
5. a third instance whose REDIS_URL points at a closed port still serves pages and
   sign-in, and its /healthz says "degraded", not down;
6. a generated file made on A is served by B with the same bytes: the demo plan's public
   draft PDF, rendered on the first request to A, then fetched from B (one shared storage,
   MEDIA_ROOT, and one database row pointing at it).

    .venv/bin/python bench/two_instances.py      # about a minute; not part of `make test`

Needs PostgreSQL at 127.0.0.1:5432 (user postgres; DATABASE_SERVER to change) and
redis-server. Every process it starts is stopped at the end; the database is dropped.
"""

import argparse
import hashlib
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
GUNICORN = str(BASE_DIR / ".venv" / "bin" / "gunicorn")
SERVER = os.environ.get("DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
CLOSED_REDIS = "redis://127.0.0.1:6390/0"
# Not "editor": the demo data (loaded for check 6) has an account of each role's name.
USERNAME, PASSWORD = "bench-editor", "two-instances-" + secrets.token_urlsafe(8)
SECOND_USER = "bench-editor2"
# The demo's current plan and the address of its public draft document.
DRAFT_PDF = "/ar/plans/5/draft/ar.pdf"
PDF_TIMEOUT = 90  # seconds: the first request renders the PDF (WeasyPrint)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor: one cookie jar, whichever instance it talks to."""

    timeout = 15  # seconds per request

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=self.timeout) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def fetch(self, url: str, timeout: float) -> tuple[int, bytes]:
        """The raw bytes of a GET (a download), with its status."""
        try:
            with self.opener.open(url, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def csrf_token(self, html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token on the sign-in form"
        return match.group(1)


class Stack:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.processes: list[subprocess.Popen] = []
        self.database = f"ogp_two_instances_{uuid.uuid4().hex[:8]}"
        self.redis_port = free_port()
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"{SERVER}/{self.database}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_MANIFEST": "false",
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "WARNING",
            # One storage shared by every instance, as a deployment's shared volume (private
            # files go next to it, in workdir/private): nothing is written into var/.
            "MEDIA_ROOT": str(workdir / "media"),
        }

    def start(self, command: list[str], log: str, **env: str) -> subprocess.Popen:
        handle = open(self.workdir / log, "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env | env, stdout=handle, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def manage(self, *args: str) -> None:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            check=False,
            timeout=300,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")

    def psql(self, sql: str) -> None:
        subprocess.run(
            ["psql", "-q", "-d", f"{SERVER}/postgres", "-c", sql],
            check=True,
            timeout=60,
            capture_output=True,
        )

    def setup(self) -> None:
        self.start(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            "redis.log",
        )
        self.psql(f'CREATE DATABASE "{self.database}"')
        self.manage("migrate", "--noinput")
        self.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import Group, User\n"
            f"for name in ({USERNAME!r}, {SECOND_USER!r}):\n"
            f"    User.objects.create_user(name, password={PASSWORD!r}, is_staff=True)"
            ".groups.add(Group.objects.get(name='editor'))",
        )

    def load_demo(self) -> None:
        """The demo data (its plan for check 6); not part of setup(), which loadtest.py shares."""
        self.manage("load_demo", "--force", "--password-file", str(self.workdir / "demo.txt"))

    def gunicorn(self, name: str, **env: str) -> str:
        port = free_port()
        self.start(
            [GUNICORN, "-c", "gunicorn.conf.py", "ogp_portal.wsgi"],
            f"{name}.log",
            BIND=f"127.0.0.1:{port}",
            **env,
        )
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        try:
            self.psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except subprocess.CalledProcessError as error:
            print(f"could not drop {self.database}: {error.stderr}", file=sys.stderr)


def wait_until_up(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer /healthz in time")


def check(label: str, condition: bool, detail: str = "") -> bool:
    print(f"{'ok  ' if condition else 'FAIL'} {label}{f'  ({detail})' if detail else ''}")
    return condition


def run(stack: Stack, deadline: float) -> bool:
    a, b = stack.gunicorn("a"), stack.gunicorn("b")
    c = stack.gunicorn("c-redis-down", REDIS_URL=CLOSED_REDIS)
    for url in (a, b, c):
        wait_until_up(url, deadline)
    results = []
    login = "/ar/manage/login/"

    visitor = Browser()
    status, html, _ = visitor.request(a + login)
    token = visitor.csrf_token(html)
    status, _, headers = visitor.request(
        b + login,
        {"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD},
    )
    results.append(
        check("sign-in form from A accepted by B", status == 302, f"B answered {status}")
    )
    for name, url in (("A", a), ("B", b)):
        status, html, _ = visitor.request(url + "/ar/manage/")
        results.append(
            check(f"session made on B is signed in on {name}", status == 200, f"{status}")
        )

    attacker = Browser()
    for attempt in range(5):
        url = (a, b)[attempt % 2]
        _, html, _ = attacker.request(url + login)
        attacker.request(
            url + login,
            {
                "csrfmiddlewaretoken": attacker.csrf_token(html),
                "username": USERNAME,
                "password": "wrong",
            },
        )
    for name, url in (("A", a), ("B", b)):
        _, html, _ = attacker.request(url + login)
        status, _, _ = attacker.request(
            url + login,
            {
                "csrfmiddlewaretoken": attacker.csrf_token(html),
                "username": USERNAME,
                "password": PASSWORD,
            },
        )
        results.append(
            check(f"5 failures over A and B lock the account on {name}", status == 429, f"{status}")
        )

    for name, url in (("A", a), ("B", b)):
        status, body, _ = Browser().request(url + "/healthz")
        results.append(
            check(f"{name} /healthz reports redis ok", "redis: ok" in body, body.split()[0])
        )
    clients = subprocess.run(
        ["redis-cli", "-p", str(stack.redis_port), "CLIENT", "LIST"],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout.count("\n")
    results.append(
        check("Redis sees the workers of both instances", clients >= 2, f"{clients} clients")
    )

    status, body, _ = Browser().request(c + "/healthz")
    results.append(
        check(
            "Redis down: /healthz says degraded, 200",
            status == 200 and body.startswith("degraded"),
            body.replace("\n", " "),
        )
    )
    status, _, _ = Browser().request(c + "/ar/")
    results.append(check("Redis down: the home page is served", status == 200, f"{status}"))
    other = Browser()
    _, html, _ = other.request(c + login)
    status, _, _ = other.request(
        c + login,
        {
            "csrfmiddlewaretoken": other.csrf_token(html),
            "username": SECOND_USER,
            "password": PASSWORD,
        },
    )
    status_after, _, _ = other.request(c + "/ar/manage/")
    results.append(
        check(
            "Redis down: signing in works",
            (status, status_after) == (302, 200),
            f"{status}, then {status_after}",
        )
    )
    _, html, _ = attacker.request(c + login)
    status, _, _ = attacker.request(
        c + login,
        {
            "csrfmiddlewaretoken": attacker.csrf_token(html),
            "username": USERNAME,
            "password": PASSWORD,
        },
    )
    results.append(check("Redis down: the locked account stays locked", status == 429, f"{status}"))

    reader = Browser()
    started = time.monotonic()
    status_a, pdf_a = reader.fetch(a + DRAFT_PDF, PDF_TIMEOUT)
    seconds_a = time.monotonic() - started
    started = time.monotonic()
    status_b, pdf_b = reader.fetch(b + DRAFT_PDF, PDF_TIMEOUT)
    seconds_b = time.monotonic() - started
    digest_a = hashlib.sha256(pdf_a).hexdigest()
    digest_b = hashlib.sha256(pdf_b).hexdigest()
    results.append(
        check(
            "draft PDF generated on A is served by B with the same bytes",
            (status_a, status_b) == (200, 200) and pdf_a.startswith(b"%PDF") and pdf_a == pdf_b,
            f"A {status_a} in {seconds_a:.1f} s, B {status_b} in {seconds_b:.2f} s,"
            f" {len(pdf_a) // 1024} KB, sha256 {digest_a[:12]} / {digest_b[:12]}",
        )
    )
    return all(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120, help="seconds for the whole run")
    options = parser.parse_args()
    if not shutil.which("redis-server"):
        print("redis-server is not installed (Debian: apt-get install redis-server)")
        return 2
    deadline = time.monotonic() + options.timeout
    with tempfile.TemporaryDirectory(prefix="two-instances-") as workdir:
        stack = Stack(Path(workdir))
        try:
            stack.setup()
            stack.load_demo()
            passed = run(stack, deadline)
        finally:
            stack.stop()
            if not locals().get("passed"):
                for log in sorted(Path(workdir).glob("*.log")):
                    print(f"--- {log.name}\n{log.read_text()[-3000:]}")
    print("two instances: " + ("all checks passed" if passed else "FAILED"))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
