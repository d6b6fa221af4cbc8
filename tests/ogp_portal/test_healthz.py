"""The load balancer's health check.

200 while the database answers ("degraded" when Redis is down: the site still serves), 503
when it does not; answered by IP address, whatever ALLOWED_HOSTS says; never cached.
"""

from unittest import mock

from django.db import OperationalError, connection
from django.test import TestCase, override_settings

from tests.helpers import CLOSED_REDIS


def lines(response) -> list[str]:
    return response.content.decode().strip().splitlines()


class HealthzTests(TestCase):
    def test_ok_when_the_database_answers(self):
        response = self.client.get("/healthz")
        assert response.status_code == 200
        assert lines(response) == ["ok", "database: ok"]
        assert response["Content-Type"].startswith("text/plain")

    def test_never_cached(self):
        """A cached "ok" would hide an outage from the load balancer."""
        response = self.client.get("/healthz")
        assert "no-cache" in response["Cache-Control"]
        assert "max-age=0" in response["Cache-Control"]

    def test_unavailable_when_the_database_is_unreachable(self):
        error = OperationalError("could not connect to server: Connection refused")
        with mock.patch.object(connection, "cursor", side_effect=error):
            response = self.client.get("/healthz")
        assert response.status_code == 503
        assert lines(response) == ["unavailable", "database: unavailable"]
        assert "Connection refused" not in response.content.decode()  # no internals

    def test_unavailable_when_the_query_fails(self):
        with mock.patch.object(connection, "cursor") as cursor:
            cursor.return_value.__enter__.return_value.execute.side_effect = OperationalError(
                "terminating connection due to administrator command"
            )
            response = self.client.get("/healthz")
        assert response.status_code == 503

    def test_post_is_not_allowed(self):
        response = self.client.post("/healthz")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"

    def test_head_is_answered_for_load_balancers_that_probe_with_it(self):
        response = self.client.head("/healthz")
        assert response.status_code == 200


@override_settings(ALLOWED_HOSTS=["ogp.example.gov.jo"])
class ProbeByAddressTests(TestCase):
    """A load balancer probes each machine by its address, not by the site's name."""

    def test_probe_by_ip_address_is_answered(self):
        for host in ["10.0.0.5", "10.0.0.5:8000", "[fd00::5]:8000"]:
            with self.subTest(host=host):
                response = self.client.get("/healthz", headers={"host": host})
                assert response.status_code == 200
                assert lines(response)[0] == "ok"

    def test_other_pages_still_refuse_an_unknown_host(self):
        response = self.client.get("/ar/", headers={"host": "10.0.0.5"})
        assert response.status_code == 400

    def test_the_probe_by_address_carries_the_security_headers(self):
        response = self.client.get("/healthz", headers={"host": "10.0.0.5"})
        assert "Content-Security-Policy" in response
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_a_plain_http_probe_is_not_redirected_to_https(self):
        response = self.client.get("/healthz", headers={"host": "10.0.0.5"})
        assert response.status_code == 200
        assert self.client.get("/ar/", headers={"host": "ogp.example.gov.jo"}).status_code == 301


@override_settings(CACHES=CLOSED_REDIS)
class RedisInHealthzTests(TestCase):
    def test_redis_down_is_degraded_not_unavailable(self):
        """Redis down is not an outage: the machine stays in the load balancer's pool."""
        with self.assertLogs("core.cache", "WARNING"):
            response = self.client.get("/healthz")
        assert response.status_code == 200
        assert lines(response) == ["degraded", "database: ok", "redis: unavailable"]

    def test_redis_answering_is_reported(self):
        with mock.patch("core.cache.TolerantRedisCache.ping", return_value=True):
            response = self.client.get("/healthz")
        assert lines(response) == ["ok", "database: ok", "redis: ok"]
