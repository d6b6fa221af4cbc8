#!/usr/bin/env bash
# `make backup`: the PostgreSQL database (pg_dump, custom format) and the uploaded files
# (MEDIA_ROOT) into one folder with checksums. Restore with scripts/restore.sh FOLDER.
#   DATABASE_URL  postgres://USER:PASSWORD@HOST:PORT/NAME (required)
#   MEDIA_ROOT    uploaded files (default var/media)
#   BACKUP_DIR    where to write (default var/backups/<UTC date and time>)
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?backup: set DATABASE_URL to the PostgreSQL database to back up}"
[[ "$DATABASE_URL" == postgres* ]] || { echo "backup: DATABASE_URL must be a postgres:// URL (SQLite: copy var/db.sqlite3 while the site is stopped)"; exit 1; }
media="${MEDIA_ROOT:-var/media}"
target="${BACKUP_DIR:-var/backups/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$target"
chmod 700 "$target"

# One consistent snapshot of the database, without owners or grants, so that it restores
# into any fresh database whatever its user.
pg_dump --format=custom --no-owner --no-privileges --file="$target/db.dump" --dbname="$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$target/media.tar.gz" .
else
  tar -czf "$target/media.tar.gz" --files-from=/dev/null
fi
(cd "$target" && sha256sum db.dump media.tar.gz > SHA256SUMS)
echo "backup: written to $target"
