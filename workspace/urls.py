"""The staff workspace at /<lang>/manage/: one URL namespace, `manage`, gathered from the
apps' own workspace URL lists."""

from django.urls import path

from audit import trail as audit
from audit import urls as history_urls
from commitments import letter_urls, progress_urls
from commitments import workspace_urls as commitment_urls
from consultations import workspace_urls as consultation_urls
from core import two_factor
from imports import urls as import_urls
from meetings import workspace_urls as meeting_urls
from plans import workspace_urls as plan_urls

from . import accounts
from . import dashboard as workspace

app_name = "manage"

urlpatterns = [
    path("", workspace.dashboard, name="dashboard"),
    path("login/", accounts.sign_in, name="login"),
    path("logout/", accounts.sign_out, name="logout"),
    *plan_urls.urlpatterns,
    *commitment_urls.urlpatterns,
    *letter_urls.urlpatterns,
    *progress_urls.urlpatterns,
    *history_urls.urlpatterns,
    *meeting_urls.urlpatterns,
    *consultation_urls.urlpatterns,
    *import_urls.urlpatterns,
    path("audit/", audit.audit_log, name="audit_log"),
    path("two-factor/", two_factor.verify, name="two_factor_verify"),
    path("two-factor/setup/", two_factor.setup, name="two_factor_setup"),
]
