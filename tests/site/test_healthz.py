"""The load balancer's health check: 200 while the database answers, 503 when it does not."""

from unittest import mock

from django.db import OperationalError, connection
from django.test import TestCase


class HealthzTests(TestCase):
    def test_ok_when_the_database_answers(self):
        response = self.client.get("/healthz")
        assert response.status_code == 200
        assert response.content.decode().strip() == "ok"
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
        body = response.content.decode()
        assert "ok" not in body
        assert "Connection refused" not in body  # no internals to the outside world

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
