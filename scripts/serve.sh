#!/usr/bin/env bash
# `make serve`: the production configuration on this machine. gunicorn with several workers
# (gunicorn.conf.py), static files by WhiteNoise, PostgreSQL, Redis, the task worker,
# DEBUG off. Plain http on loopback, so https-only cookies and redirects are off here;
# behind a TLS proxy leave them on (README "Deployment").
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

export DEBUG=false
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ogp_portal}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export BIND="${BIND:-127.0.0.1:8000}"
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-4}"
export TASKS_BACKEND="${TASKS_BACKEND:-database}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SECURE_COOKIES="${SECURE_COOKIES:-false}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
if [ -z "${SECRET_KEY:-}" ]; then
  # One key kept for this machine, so sessions survive a restart.
  mkdir -p var
  [ -s var/secret-key.txt ] || (umask 077 && $PY -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret-key.txt)
  SECRET_KEY="$(cat var/secret-key.txt)"
  export SECRET_KEY
fi

children=()
cleanup() { for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

# PostgreSQL: must be running; the database is created when missing.
if [[ "$DATABASE_URL" == postgres* ]]; then
  pg_isready -q -d "$DATABASE_URL" || {
    echo "serve: PostgreSQL does not answer at $DATABASE_URL (Debian: pg_ctlcluster 15 main start)"; exit 1; }
  dbname="${DATABASE_URL##*/}"; dbname="${dbname%%\?*}"
  server_url="${DATABASE_URL%/*}/postgres"
  psql -q -d "$server_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1 \
    || { echo "serve: creating database $dbname"; psql -q -d "$server_url" -c "CREATE DATABASE \"$dbname\""; }
fi

# Redis: started here, on loopback, when nothing answers at REDIS_URL.
redis_hostport="${REDIS_URL#redis://}"; redis_hostport="${redis_hostport%%/*}"
redis_host="${redis_hostport%%:*}"; redis_port="${redis_hostport##*:}"
if [ -n "$REDIS_URL" ] && ! redis-cli -h "$redis_host" -p "$redis_port" ping >/dev/null 2>&1; then
  command -v redis-server >/dev/null || { echo "serve: Redis does not answer at $REDIS_URL and redis-server is not installed (Debian: apt-get install redis-server)"; exit 1; }
  echo "serve: starting redis-server on $redis_host:$redis_port"
  redis-server --bind "$redis_host" --port "$redis_port" --save "" --appendonly no --loglevel warning &
  children+=($!)
  for _ in $(seq 50); do redis-cli -h "$redis_host" -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v 0
$PY manage.py check --deploy --fail-level WARNING \
  || echo "serve: the warnings above come from this machine's plain-http settings (SECURE_* off)."

if [ "$TASKS_BACKEND" = database ]; then
  if $PY manage.py help db_worker >/dev/null 2>&1; then
    $PY manage.py db_worker &
    children+=($!)
  else
    echo "serve: the task worker (manage.py db_worker) is not installed; tasks stay queued."
  fi
fi

echo "serve: http://$BIND/  (Arabic /ar/, English /en/, health /healthz); Ctrl-C stops everything."
.venv/bin/gunicorn -c gunicorn.conf.py ogp_portal.wsgi &
children+=($!)
wait "${children[-1]}"
