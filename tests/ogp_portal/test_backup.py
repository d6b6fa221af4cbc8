"""Backup and restore (scripts/backup.sh, scripts/restore.sh) round-trip every row.

A database is migrated and filled with the demo data, backed up with its uploaded files,
and restored into a freshly created database: every table has the same rows, every
sequence goes on from the same number, every file is back. Needs PostgreSQL at
127.0.0.1:5432 (user postgres), as CI starts it; skipped, with the reason, without it.
"""

import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import child_environment

psycopg2 = pytest.importorskip("psycopg2")

BASE_DIR = Path(settings.BASE_DIR)
SERVER = "postgres://postgres@127.0.0.1:5432"


def server_connection():
    connection = psycopg2.connect(f"{SERVER}/postgres", connect_timeout=3)
    connection.autocommit = True
    return connection


@pytest.fixture(scope="module")
def databases():
    """Two new, empty databases (source and restore target), dropped afterwards."""
    try:
        server = server_connection()
    except psycopg2.OperationalError as error:
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({error}); .ci/run starts it")
    suffix = uuid.uuid4().hex[:10]
    names = [f"ogp_backup_source_{suffix}", f"ogp_backup_restored_{suffix}"]
    with server.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [f"{SERVER}/{name}" for name in names]
    finally:
        with server.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


def run(command: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = child_environment(
        {"SECRET_KEY": "backup-test-key", "STATIC_MANIFEST": "false", "DEBUG": "false"}, env
    )
    return subprocess.run(
        command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=300
    )


def contents(url: str) -> dict[str, tuple]:
    """Each table's row count and a digest of all its rows; each sequence's position."""
    connection = psycopg2.connect(url)
    found = {}
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in cursor.fetchall():
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f' FROM "{table}" t'
            )
            found[table] = cursor.fetchone()
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences")
        for name, last_value in cursor.fetchall():
            found[f"sequence {name}"] = (last_value,)
    connection.close()
    return found


@pytest.fixture(scope="module")
def backup(databases, tmp_path_factory):
    """The source database migrated and filled, its media folder, and a backup of both."""
    source, _target = databases
    python = str(BASE_DIR / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = "python3"
    migrated = run([python, "manage.py", "migrate", "--noinput"], DATABASE_URL=source)
    assert migrated.returncode == 0, migrated.stderr
    loaded = run(
        [python, "manage.py", "load_demo", "--force"],
        DATABASE_URL=source,
        DEMO_PASSWORD="backup-test-password",
    )
    assert loaded.returncode == 0, loaded.stderr
    media = tmp_path_factory.mktemp("media")
    (media / "letters").mkdir()
    (media / "letters" / "approval-JO0064.pdf").write_bytes(b"%PDF-1.4 scanned letter")
    folder = tmp_path_factory.mktemp("backups") / "nightly"
    made = run(
        ["bash", "scripts/backup.sh"],
        DATABASE_URL=source,
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(folder),
    )
    assert made.returncode == 0, made.stderr
    return source, folder


def test_restore_into_a_fresh_database_finds_every_row_and_file(databases, backup, tmp_path):
    source, target = databases[0], databases[1]
    _source, folder = backup
    restored_media = tmp_path / "media"
    restored = run(
        ["bash", "scripts/restore.sh", str(folder)],
        DATABASE_URL=target,
        MEDIA_ROOT=str(restored_media),
    )
    assert restored.returncode == 0, restored.stderr + restored.stdout

    before, after = contents(source), contents(target)
    assert after == before
    # Not an empty round trip: the demo rows are there.
    assert before["commitments_commitment"][0] == 6
    assert before["auth_user"][0] >= 5
    assert (restored_media / "letters" / "approval-JO0064.pdf").read_bytes() == (
        b"%PDF-1.4 scanned letter"
    )

    # A second restore never mixes with live data.
    again = run(
        ["bash", "scripts/restore.sh", str(folder)],
        DATABASE_URL=target,
        MEDIA_ROOT=str(tmp_path / "other-media"),
    )
    assert again.returncode != 0
    assert "already has" in again.stdout
    assert contents(target) == before


def test_a_damaged_backup_is_refused_before_anything_is_restored(databases, backup, tmp_path):
    _source, folder = backup
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for name in ["db.dump", "media.tar.gz", "SHA256SUMS"]:
        (damaged / name).write_bytes((folder / name).read_bytes())
    data = bytearray((damaged / "db.dump").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (damaged / "db.dump").write_bytes(bytes(data))
    result = run(
        ["bash", "scripts/restore.sh", str(damaged)],
        DATABASE_URL=f"{SERVER}/postgres",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    assert result.returncode != 0
    assert "damaged" in result.stdout
    assert not (tmp_path / "media").exists()
