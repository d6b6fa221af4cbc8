"""The staff workspace at /<lang>/manage/: one URL namespace, `manage`, gathered from the
apps' own workspace URL lists."""

from django.urls import path

from commitments import workspace_urls as commitment_urls
from plans import workspace_urls as plan_urls

from . import workspace

app_name = "manage"

urlpatterns = [
    path("", workspace.dashboard, name="dashboard"),
    path("login/", workspace.sign_in, name="login"),
    path("logout/", workspace.sign_out, name="logout"),
    *plan_urls.urlpatterns,
    *commitment_urls.urlpatterns,
]
