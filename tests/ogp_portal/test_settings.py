"""Settings come from the environment; a bad value stops start-up with a message naming it.

Each test imports `ogp_portal.settings` in a fresh Python process with a controlled
environment, as `gunicorn` or `manage.py` would at start-up.
"""

import subprocess
import sys

import pytest

from tests.helpers import BASE_DIR, child_environment, settings_in_a_fresh_process

SNIPPET = """
import json
from django.core.exceptions import ImproperlyConfigured
try:
    import ogp_portal.settings as s
except ImproperlyConfigured as error:
    print(json.dumps({"error": str(error)}))
else:
    print(json.dumps(
        {"DATABASES": s.DATABASES, "CACHES": s.CACHES, "DEBUG": s.DEBUG,
         "EMAIL_PORT": s.EMAIL_PORT, "SECRET_KEY": s.SECRET_KEY,
         **{name: getattr(s, name, None) for name in (
             "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
             "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
             "DATA_UPLOAD_MAX_MEMORY_SIZE", "FILE_UPLOAD_MAX_MEMORY_SIZE",
             "OGP_COUNTRY_CODE")}},
        default=str,
    ))
"""


def load_settings(**env: str) -> dict:
    """The settings a fresh process gets from BASE_ENV updated by `env` (None removes)."""
    return settings_in_a_fresh_process(SNIPPET, **env)


def error_for(**env: str) -> str:
    loaded = load_settings(**env)
    assert "error" in loaded, f"settings loaded without complaint: {loaded}"
    return loaded["error"]


def test_the_controlled_environment_loads():
    loaded = load_settings()
    assert loaded["DEBUG"] is False
    assert loaded["SECRET_KEY"] == "settings-test-key"


def test_missing_secret_key_in_production_is_refused():
    assert "SECRET_KEY" in error_for(SECRET_KEY=None)
    assert "SECRET_KEY" in error_for(SECRET_KEY="")


def test_missing_secret_key_is_allowed_for_local_debugging():
    loaded = load_settings(SECRET_KEY=None, DEBUG="true")
    assert loaded["DEBUG"] is True
    assert loaded["SECRET_KEY"]


@pytest.mark.parametrize("word", ["maybe", "2", "enabled"])
def test_debug_must_be_a_yes_or_no_word(word):
    message = error_for(DEBUG=word)
    assert "DEBUG" in message
    assert word in message


@pytest.mark.parametrize(("word", "expected"), [("TRUE", True), ("yes", True), ("0", False)])
def test_debug_accepts_common_spellings(word, expected):
    assert load_settings(DEBUG=word)["DEBUG"] is expected


@pytest.mark.parametrize(
    "url", ["mysql://ogp:secret@db.example.org/ogp", "garbage", "http://db.example.org/ogp"]
)
def test_unusable_database_url_is_refused(url):
    assert "DATABASE_URL" in error_for(DATABASE_URL=url)


def test_postgres_url_selects_postgresql():
    database = load_settings(DATABASE_URL="postgres://ogp:secret@db.example.org:5433/ogp")[
        "DATABASES"
    ]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("ogp", "ogp", "secret")
    assert (database["HOST"], database["PORT"]) == ("db.example.org", 5433)
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_bad_connection_age_is_refused():
    message = error_for(
        DATABASE_URL="postgres://ogp@db.example.org/ogp", DB_CONN_MAX_AGE="a minute"
    )
    assert "DB_CONN_MAX_AGE" in message


def test_empty_database_url_means_the_embedded_sqlite_file():
    database = load_settings(DATABASE_URL="")["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(BASE_DIR / "var" / "db.sqlite3")
    assert_sqlite_tuned(database)


def test_sqlite_url_gets_the_same_tuning():
    database = load_settings(DATABASE_URL="sqlite:////tmp/ogp-settings-test.sqlite3")["DATABASES"][
        "default"
    ]
    assert database["NAME"] == "/tmp/ogp-settings-test.sqlite3"
    assert_sqlite_tuned(database)


def assert_sqlite_tuned(database: dict) -> None:
    """WAL lets readers work while one worker writes; IMMEDIATE and a timeout queue writers."""
    options = database["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_sqlite_keeps_its_connections_like_postgresql():
    """Opening the file and running the PRAGMAs on every request cost most of /healthz."""
    for url in ("", "sqlite:////tmp/ogp-settings-test.sqlite3"):
        database = load_settings(DATABASE_URL=url)["DATABASES"]["default"]
        assert database["CONN_MAX_AGE"] == 60
        assert database["CONN_HEALTH_CHECKS"] is True
    database = load_settings(DATABASE_URL="", DB_CONN_MAX_AGE="0")["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 0


def test_redis_url_must_be_redis():
    assert "REDIS_URL" in error_for(REDIS_URL="http://x")


def test_redis_url_selects_the_shared_cache():
    cache = load_settings(REDIS_URL="redis://cache.example.org:6379/1")["CACHES"]["default"]
    # Django's Redis backend that degrades to a per-process cache when Redis is down.
    assert cache["BACKEND"] == "core.cache.TolerantRedisCache"
    assert cache["LOCATION"] == "redis://cache.example.org:6379/1"
    assert cache["OPTIONS"]["socket_connect_timeout"] <= 1


def test_no_redis_url_means_local_memory_cache():
    cache = load_settings(REDIS_URL=None)["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_email_port_must_be_a_number():
    message = error_for(EMAIL_PORT="abc")
    assert "EMAIL_PORT" in message
    assert load_settings(EMAIL_PORT="587")["EMAIL_PORT"] == 587


# --- behind a TLS proxy -------------------------------------------------------------------


def test_no_proxy_header_by_default():
    assert load_settings()["SECURE_PROXY_SSL_HEADER"] is None


def test_proxy_header_from_the_environment():
    loaded = load_settings(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_proxy_header_that_is_no_header_name_is_refused():
    assert "SECURE_PROXY_SSL_HEADER" in error_for(
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"
    )


def test_production_sends_hsts_by_default():
    loaded = load_settings()
    assert loaded["SECURE_HSTS_SECONDS"] == 31536000
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_hsts_and_redirect_from_the_environment():
    loaded = load_settings(
        SECURE_HSTS_SECONDS="3600", SECURE_HSTS_PRELOAD="false", SECURE_SSL_REDIRECT="no"
    )
    assert loaded["SECURE_HSTS_SECONDS"] == 3600
    assert loaded["SECURE_HSTS_PRELOAD"] is False
    assert loaded["SECURE_SSL_REDIRECT"] is False
    assert "SECURE_HSTS_SECONDS" in error_for(SECURE_HSTS_SECONDS="a year")


def test_local_debugging_has_no_hsts_and_no_https_redirect():
    loaded = load_settings(DEBUG="true")
    assert loaded["SECURE_HSTS_SECONDS"] == 0
    assert loaded["SECURE_SSL_REDIRECT"] is False


def test_upload_limits_from_the_environment():
    assert load_settings()["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 2_621_440
    loaded = load_settings(DATA_UPLOAD_MAX_MEMORY_SIZE="1000", FILE_UPLOAD_MAX_MEMORY_SIZE="2000")
    assert (loaded["DATA_UPLOAD_MAX_MEMORY_SIZE"], loaded["FILE_UPLOAD_MAX_MEMORY_SIZE"]) == (
        1000,
        2000,
    )


# --- the deploy check ---------------------------------------------------------------------


def production_environment() -> dict[str, str]:
    """.env.example as an operator fills it in: its values plus a real secret key."""
    environment = {}
    for line in (BASE_DIR / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            environment[name.strip()] = value.strip()
    environment["SECRET_KEY"] = "k7Qw-2vB9zX_mN4pL8rT1yH6cJ3fD5sG0aE-uIoPqWeRtYuIoPaSdFgHjKlZxCv"
    return environment


def test_env_example_names_every_variable_the_settings_read():
    names = set(production_environment())
    for expected in [
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "REDIS_URL",
        "DATABASE_URL",
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "FILE_UPLOAD_MAX_MEMORY_SIZE",
        "WEB_CONCURRENCY",
        "BIND",
    ]:
        assert expected in names


def test_deploy_check_with_the_production_settings_prints_no_warning(tmp_path):
    """`manage.py check --deploy` with .env.example's values: not one warning."""
    environment = child_environment(
        production_environment(), {"DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}"}
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_the_country_is_jordan_unless_the_environment_names_another():
    """`OGP_COUNTRY_CODE` is a real setting: the plans the public site shows are this
    country's (tests/public/test_visibility.py hides another country's plan)."""
    assert load_settings()["OGP_COUNTRY_CODE"] == "JO"
    assert load_settings(OGP_COUNTRY_CODE="tn")["OGP_COUNTRY_CODE"] == "TN"
    for bad in ("Jordan", "J1", "ج"):
        assert "OGP_COUNTRY_CODE" in error_for(OGP_COUNTRY_CODE=bad), bad
