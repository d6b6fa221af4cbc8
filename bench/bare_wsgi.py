"""The yardstick of `public_load.py`: one Django view, no middleware, no database.

Served by the same gunicorn as the portal, so a page's requests per second divided by this
view's says what the page costs beyond Django and gunicorn themselves.
"""

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_I18N=False,
    )

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def bare(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("bare", bare)]

application = get_wsgi_application()
