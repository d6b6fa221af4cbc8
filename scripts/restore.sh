#!/usr/bin/env bash
# `make restore BACKUP=FOLDER`: a folder written by scripts/backup.sh back into the
# database at DATABASE_URL and MEDIA_ROOT. The database must be empty (freshly created)
# and MEDIA_ROOT empty or missing: a restore never mixes with live data.
set -euo pipefail
cd "$(dirname "$0")/.."

source_dir="${1:?usage: scripts/restore.sh BACKUP_FOLDER}"
: "${DATABASE_URL:?restore: set DATABASE_URL to the fresh PostgreSQL database to restore into}"
media="${MEDIA_ROOT:-var/media}"

(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS) \
  || { echo "restore: $source_dir is incomplete or damaged (checksums differ); nothing restored"; exit 1; }

tables="$(psql -d "$DATABASE_URL" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != 0 ]; then
  echo "restore: the database at DATABASE_URL already has $tables tables; restore into a new one (createdb NAME)"
  exit 1
fi
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  echo "restore: $media is not empty; point MEDIA_ROOT at an empty folder"
  exit 1
fi

# One transaction: either every row is back, or nothing is.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$source_dir/db.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$source_dir/media.tar.gz"
echo "restore: database and files restored from $source_dir"
