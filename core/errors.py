"""Site-wide error handlers (`handler500` in `ogp_portal.urls`).

When the database is out of reach for a moment (a restart, a fail-over, a lost connection),
the visitor gets a 503 "try again" page, in their language, that promises nothing was kept
twice: the comment form carries a one-time token, so sending the same form again is safe.
Any other failure keeps Django's 500 page (`templates/500.html`). Neither shows a trace.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as default_server_error

# Seconds a browser or a load balancer should wait before asking again.
RETRY_AFTER_SECONDS = 10


def database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError))


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """500, or 503 when the exception being handled says the database is unreachable."""
    if database_unavailable(sys.exc_info()[1]):
        # Rendered without a request: no context processor may reach the database.
        html = loader.get_template("503.html").render()
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return default_server_error(request, template_name)
