from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from core import health
from core.page_cache import public_page
from public import home
from public import views as public

# Error pages (core.errors): the database out of reach is a 503 "try again", never a trace.
handler500 = "core.errors.server_error"
# Refusals in the visitor's language, within the site's frame (core.errors).
handler400 = "core.errors.bad_request"
handler404 = "core.errors.page_not_found"
# A signed-in user's refusal is written to the audit trail (audit.trail).
handler403 = "audit.trail.permission_denied"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name none (the admin's).
    path("favicon.ico", health.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", public_page(public.robots), name="robots"),
    path("sitemap.xml", public_page(public.sitemap), name="sitemap"),
]

urlpatterns += i18n_patterns(
    # Home and plan pages carry no form: cached for anonymous visitors (page_cache).
    path("", public_page(home.home), name="home"),
    path("plans/<int:number>/", public_page(home.plan_detail), name="plan"),
    path("", include("public.urls")),
    path("", include("plans.urls")),
    path("", include("commitments.urls")),
    path("", include("meetings.urls")),
    path("", include("consultations.urls")),
    path("manage/", include("workspace.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
