"""Site-wide error pages, in the visitor's language and within the site's frame.

Every refusal a visitor can meet (400, 403, 404, 405, 429, 500, 503, and a failed CSRF check)
is a page in the language of the URL, with the site's header, or the workspace's for a
signed-in staff member under /<lang>/manage/, and a way back. The handlers are named in
`ogp_portal.urls` (`handler400`, `handler404`, `handler500`; `handler403` goes through
the audit trail, which calls `permission_denied` here) and in settings (`CSRF_FAILURE_VIEW`,
the `error_pages` middleware for the 405 and 429 answers that views return without a page).

When the database is out of reach for a moment (a restart, a fail-over, a lost connection),
the visitor gets a 503 "try again" page that promises nothing was kept twice: the comment
form carries a one-time token, so sending the same form again is safe. The 500 and 503
pages are rendered without a request, so nothing on them may query the database. None
shows a trace.
"""

import sys

from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.views.decorators.csrf import requires_csrf_token

# Seconds a browser or a load balancer should wait before asking again.
RETRY_AFTER_SECONDS = 10

# Statuses whose bare answers (a view's HttpResponseNotAllowed, an empty 429) are given a page.
FRAMED_STATUSES = (405, 429)


def database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError))


def in_workspace(request) -> bool:
    """True for a signed-in user on a staff workspace URL: they keep the workspace's menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    try:
        prefix = reverse("manage:dashboard")
    except NoReverseMatch:
        return False
    return request.path.startswith(prefix)


def render_error(request, status: int, *, template_name: str | None = None, **context):
    """The page for `status`, in the site's (or the workspace's) frame."""
    template = loader.get_template(template_name or f"{status}.html")
    try:
        request.get_host()
    except DisallowedHost:
        # A Host header not ours (a probe by address): the frame's links and context
        # processors read the host, so the page is the standalone one, without the request.
        html = template.render({"frame": "_standalone_page.html", "status": status})
    else:
        frame = "manage/base.html" if in_workspace(request) else "base.html"
        html = template.render({"frame": frame, "status": status, **context}, request)
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def bad_request(request, exception=None, template_name="400.html"):
    return render_error(request, 400, template_name=template_name)


@requires_csrf_token
def permission_denied(request, exception=None, template_name="403.html"):
    return render_error(request, 403, template_name=template_name)


@requires_csrf_token
def page_not_found(request, exception=None, template_name="404.html"):
    return render_error(request, 404, template_name=template_name)


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    """`CSRF_FAILURE_VIEW`: an expired or missing form token, said in the visitor's words."""
    return render_error(request, 403, template_name=template_name)


def error_pages(get_response):
    """Middleware: a 405 or 429 answered without a page (`require_http_methods`, a throttle)
    gets one, in the visitor's language; the headers (`Allow`, `Retry-After`) are kept."""

    def middleware(request):
        response = get_response(request)
        if response.status_code not in FRAMED_STATUSES or response.content:
            return response
        if getattr(response, "streaming", False):
            return response
        page = render_error(request, response.status_code)
        for header in ("Allow", "Retry-After"):
            if header in response:
                page[header] = response[header]
        return page

    return middleware


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """500, or 503 when the exception being handled says the database is unreachable.
    Rendered without a request: no context processor may reach the database."""
    if database_unavailable(sys.exc_info()[1]):
        html = loader.get_template("503.html").render()
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    html = loader.get_template(template_name).render()
    return HttpResponse(html, status=500)
