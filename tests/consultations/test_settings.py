"""The comment settings are declared, read from the environment, and a bad value stops
start-up with a message naming it (each case in a fresh process, as at start-up)."""

from tests.helpers import settings_in_a_fresh_process

SNIPPET = """
import json
from django.core.exceptions import ImproperlyConfigured
try:
    import ogp_portal.settings as s
except ImproperlyConfigured as error:
    print(json.dumps({"error": str(error)}))
else:
    print(json.dumps({name: getattr(s, name, "MISSING") for name in (
        "COMMENT_MODERATION", "COMMENT_RATE_LIMIT", "COMMENT_MIN_FILL_SECONDS",
        "COMMENT_MAX_LINKS", "SITE_URL", "COMMENT_REGIONS")}))
"""


def load(**env: str) -> dict:
    return settings_in_a_fresh_process(SNIPPET, **env)


def test_defaults_are_declared():
    assert load() == {
        "COMMENT_MODERATION": "pre",
        "COMMENT_RATE_LIMIT": "10/h",
        "COMMENT_MIN_FILL_SECONDS": 3,
        "COMMENT_MAX_LINKS": 2,
        "SITE_URL": "",
        "COMMENT_REGIONS": [],
    }


def test_values_come_from_the_environment():
    settings = load(
        COMMENT_MODERATION="post",
        COMMENT_RATE_LIMIT="30/d",
        COMMENT_MIN_FILL_SECONDS="5",
        COMMENT_MAX_LINKS="0",
        SITE_URL="https://ogp.example.gov.jo/",
        COMMENT_REGIONS="amman, irbid,abroad",
    )
    assert settings == {
        "COMMENT_MODERATION": "post",
        "COMMENT_RATE_LIMIT": "30/d",
        "COMMENT_MIN_FILL_SECONDS": 5,
        "COMMENT_MAX_LINKS": 0,
        "SITE_URL": "https://ogp.example.gov.jo",
        "COMMENT_REGIONS": ["amman", "irbid", "abroad"],
    }


def test_an_unknown_moderation_mode_stops_start_up():
    assert "COMMENT_MODERATION" in load(COMMENT_MODERATION="later")["error"]


def test_a_fill_time_that_is_not_a_number_stops_start_up():
    assert "COMMENT_MIN_FILL_SECONDS" in load(COMMENT_MIN_FILL_SECONDS="three")["error"]
