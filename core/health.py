"""The health check load balancers probe, and the favicon browsers ask for."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from redis.exceptions import RedisError

from .cache import TolerantRedisCache


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def redis_answers() -> bool | None:
    """True/False when the shared cache is Redis, None when there is no Redis to check."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None
    if isinstance(cache, TolerantRedisCache):
        return cache.ping()
    try:
        cache._cache.get_client(write=True).ping()
    except RedisError:
        return False
    return True


@never_cache
@require_safe
def healthz(request):
    """For load balancers, reached by IP address too (see middleware.healthz_by_address).

    200 while the database answers: the first line says "ok", or "degraded" when Redis is
    down (the site keeps serving without it, so the machine stays in the pool). 503 when
    the database does not answer. The lines after it name each part; no internals.
    """
    database = database_answers()
    redis = redis_answers()
    lines = [f"database: {'ok' if database else 'unavailable'}"]
    if redis is not None:
        lines.append(f"redis: {'ok' if redis else 'unavailable'}")
    if not database:
        status, verdict = 503, "unavailable"
    else:
        status, verdict = 200, "ok" if redis in (None, True) else "degraded"
    body = "\n".join([verdict, *lines]) + "\n"
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return redirect(static("img/favicon.svg"), permanent=True)
