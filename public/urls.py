"""URLs of the public lists, compliance, search and open data (views in `public.py`).

Every view is wrapped in the anonymous page cache. None of these pages carries a form with
a per-visitor token (the search and filter forms are GET forms without one)."""

from django.urls import path

from core.page_cache import public_page

from . import calendar, evidence
from . import views as public

app_name = "public"

urlpatterns = [
    path("plans/", public_page(public.plan_list), name="plans"),
    path("plans/<int:number>/compliance/", public_page(public.compliance), name="compliance"),
    # Not cached: the package is built in the background on the first request after a change.
    path("plans/<int:number>/irm-evidence/", evidence.package_page, name="evidence_package"),
    path(
        "plans/<int:number>/irm-evidence.zip",
        evidence.package_download,
        name="evidence_package_zip",
    ),
    path("commitments/", public_page(public.commitment_list), name="commitments"),
    path("meetings/", public_page(public.meeting_list), name="meetings"),
    path("documents/", public_page(public.document_list), name="documents"),
    path("search/", public_page(public.search_page), name="search"),
    path("accessibility/", public_page(public.accessibility), name="accessibility"),
    path("data/", public_page(public.opendata_index), name="data"),
    path("data/dictionary.json", public_page(public.opendata_dictionary), name="data_dictionary"),
    path("calendar.ics", public_page(calendar.calendar_feed), name="calendar"),
    path("data/<slug:dataset>.<slug:fmt>", public_page(public.opendata_file), name="data_file"),
]
