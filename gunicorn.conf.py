"""gunicorn settings for the portal (`gunicorn -c gunicorn.conf.py ogp_portal.wsgi`).

Read from the environment like the Django settings; see README "Environment variables".
"""

import multiprocessing
import os

BIND_DEFAULT = "127.0.0.1:8000"


def default_workers() -> int:
    return min(2 * multiprocessing.cpu_count() + 1, 9)


bind = [address.strip() for address in os.environ.get("BIND", BIND_DEFAULT).split(",")]
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
# Threads per worker: a request waiting on the database does not hold up the others.
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
# A request taking longer than this is killed and logged (a PDF of the whole plan included).
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# Import the portal once, in the master, before the workers are forked: a new or recycled
# worker starts at once, sharing the master's memory, instead of importing Django and
# every app again (about a second of CPU each time). Deployments restart gunicorn whole,
# so new code is loaded all the same. Nothing opens a database or cache connection at
# import, so no connection is shared between workers.
preload_app = True
# Recycle workers now and then so that a slow leak cannot grow for ever; not so often that
# recycling costs a crowd: under load a worker serves thousands of cached pages a second,
# and recycling every 2,000 requests costs more than half the throughput (bench/README.md).
max_requests = 20000
max_requests_jitter = 2000
# Logs to the console, where the process manager collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Behind a reverse proxy on another machine, trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


PER_PROCESS_WARNING = (
    "REDIS_URL is not set and %d workers run: the cache and rate limits are per process, "
    "so a visitor's limit is multiplied by the number of workers and cached pages can "
    "differ between them. Set REDIS_URL to share them."
)


def on_starting(server):
    """Say at start-up when several workers cannot share their cache and rate limits."""
    count = server.cfg.workers
    if count > 1 and not os.environ.get("REDIS_URL", "").strip():
        server.log.warning(PER_PROCESS_WARNING, count)
