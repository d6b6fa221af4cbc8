"""The anonymous page cache of the public site.

A public page is stored whole, per path (language prefix and query string included, the
tracking parameters of `page_query` apart), for visitors who are not signed in and for GET
and HEAD only. Every stored page carries the current *generation*: a counter in the shared
cache (Redis when `REDIS_URL` is set, local memory otherwise). A save or delete of a
domain row that the public can see bumps it (the signal handlers in `core.apps`), so the
next visitor gets a freshly rendered page: nobody reads stale text after staff publish.
Writes the public cannot see (a comment waiting for moderation, a forum member's remark, a
stored draft PDF, a subscription) keep the pages: the app that owns such a model says so
with `register_public_rule` from its `AppConfig.ready()`. Old entries are never looked up
again and expire.

Not stored: pages that handed out a CSRF token, responses that set a cookie, and anything
but a 200. The pages that hold a form for anonymous visitors (the comment form of the
window and commitment pages) are stored all the same: the form they carry has no token, and
its script asks an uncached endpoint for the visitor's own when the form is reached.
Entries live `PAGE_SECONDS` at most, because a few facts follow the clock without any row
changing (a comment window opens or closes at its time).

With Redis (`REDIS_URL`) the counter is shared by every worker and machine, so an edit
refreshes every page at once. Without it (the laptop default) each process keeps its own
cache and counter: an edit refreshes the pages of the process that made it at once, and
those of other gunicorn workers within `PAGE_SECONDS`. Production sets `REDIS_URL`.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import patch_vary_headers
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"
PAGE_SECONDS = 60
CACHED_HEADERS = ["Content-Type", "Content-Language", "Content-Disposition", "Vary"]


# Model label -> rule(instance) -> bool: does writing this row change what the public sees?
# A model without a rule always does.
_public_rules: dict = {}


def register_public_rule(label: str, rule) -> None:
    """`rule(instance)` tells whether a save or delete of `instance` (a row of model `label`,
    "app.model") can change a public page; `never_public` for a model the public never sees."""
    _public_rules[label] = rule


def never_public(instance) -> bool:
    return False


def seen_by_public(instance) -> bool:
    rule = _public_rules.get(instance._meta.label_lower)
    return True if rule is None else rule(instance)


def new_epoch() -> int:
    """Where a generation counter starts when there is none (first use, or the cache was
    emptied): the time in milliseconds, so it is above any generation used before. What is
    stored under a generation's name (the IRM evidence package) is then never taken for the
    state of a later epoch, which restarting at 1 would do after a cache flush."""
    return time.time_ns() // 1_000_000


# A value kept until the writes that change it (the comment form kept under its choices,
# the report's figures): an hour in the shared cache, which every write reaches; the pages' own
# minute in a per-process cache, which another worker's write does not reach.
SHARED_KEPT_SECONDS = 60 * 60


def kept_seconds() -> int:
    shared = "redis" in settings.CACHES["default"]["BACKEND"].lower()
    return SHARED_KEPT_SECONDS if shared else PAGE_SECONDS


def counter(key: str) -> int:
    """A counter kept in the shared cache (the generation, the release), started at the
    epoch when there is none."""
    value = cache.get(key)
    if value is None:
        cache.add(key, new_epoch(), timeout=None)
        value = cache.get(key, 1)  # 1 while the cache does not answer
    return value


def advance(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # no counter yet (or it was evicted): start one above any old one
        cache.add(key, new_epoch() + 1, timeout=None)


def generation() -> int:
    return counter(GENERATION_KEY)


# The release of the site the kept fragments were rendered by: moved by every `migrate`,
# which every deployment runs (scripts/serve.sh, `make run`), so HTML rendered by earlier
# templates and translations is not served after it.
RELEASE_KEY = "public-pages:release"


def release() -> int:
    return counter(RELEASE_KEY)


def new_release(**_signal) -> None:
    """After `migrate` (a deployment): every kept fragment and page is rendered afresh."""
    advance(RELEASE_KEY)
    bump_generation()


def bump_generation() -> None:
    """Forget every cached public page (they are looked up under the new generation)."""
    advance(GENERATION_KEY)


def content_changed() -> None:
    """Bump now, so this request's own next page is fresh, and again once the transaction
    commits, so a page rendered by another worker between the two (from the old rows) is
    not kept under the new generation."""
    bump_generation()
    transaction.on_commit(bump_generation)


# Parameters that social networks, newsletters and advertising add to a shared link, a new
# value for every visitor (Facebook's `fbclid` on every click out of it); no page reads them.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "igshid",
        "twclid",
        "ttclid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
    }
)
TRACKING_PREFIXES = ("utm_",)


def page_query(request) -> str:
    """The request's query string, as sent, without tracking parameters: what makes one page
    differ from another. A crowd that follows one shared link, each visitor with their own
    `fbclid`, is served one stored page; the language switch keeps filters but not these."""
    kept = []
    for part in request.META.get("QUERY_STRING", "").split("&"):
        name = part.split("=", 1)[0].lower()
        if name and name not in TRACKING_PARAMETERS and not name.startswith(TRACKING_PREFIXES):
            kept.append(part)
    return iri_to_uri("&".join(kept))


def page_key(request) -> str:
    # The host and scheme too: pages carry absolute canonical, hreflang and sitemap links.
    query = page_query(request)
    page = escape_uri_path(request.path) + (f"?{query}" if query else "")
    address = f"{request.scheme}://{request.get_host()}{page}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"public-page:{generation()}:{get_language()}:{digest}"


def cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
    )


def public_page(view):
    """Serve an anonymous visitor the stored copy of this page, storing it on a miss."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not cacheable_request(request):
            return view(request, *args, **kwargs)
        key = getattr(request, MISSED_KEY, None)
        if key is None:  # not looked up yet (a session cookie without a signed-in user)
            key = page_key(request)
            stored = cache.get(key)
            if stored is not None:
                return rebuild(stored)
        response = view(request, *args, **kwargs)
        # Anonymous and signed-in visitors share the URL; tell shared caches it varies.
        patch_vary_headers(response, ["Cookie"])
        if cacheable_response(request, response):
            cache.set(key, freeze(response), PAGE_SECONDS)
        return response

    return wrapper


# The key `stored_pages` looked up in vain, kept on the request for the view's wrapper.
MISSED_KEY = "_public_page_missed_key"


def stored_pages(get_response):
    """Middleware: a stored page for a visitor without a session, before the rest of the stack.

    A visitor without a session cookie cannot be signed in, so the wrapper above would serve
    them the stored copy anyway; answering here skips the CSRF, authentication, second
    factor, messages, history and sign-in throttle middleware and the URL resolution, which
    were most of a cached page's time (bench/README.md). It stands after LocaleMiddleware
    (the page's language is part of the key) and CommonMiddleware (the Host header checked),
    so the response still gets Content-Length, Content-Language and Vary from them on its
    way out, and the security headers from the ones before. A miss leaves the key on the
    request, so the wrapper does not look again.
    """

    def middleware(request):
        if request.method in ("GET", "HEAD") and (
            settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            key = page_key(request)
            stored = cache.get(key)
            if stored is not None:
                return rebuild(stored)
            setattr(request, MISSED_KEY, key)
        return get_response(request)

    return middleware


def freeze(response) -> dict:
    return {
        "content": response.content,
        "headers": {name: response[name] for name in CACHED_HEADERS if name in response},
    }


def rebuild(stored: dict):
    from django.http import HttpResponse

    response = HttpResponse(stored["content"])
    for name, value in stored["headers"].items():
        response[name] = value
    return response
