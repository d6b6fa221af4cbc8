"""The staff workspace's own pages: sign-in, sign-out and the dashboard."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import workspace_view

sign_in = auth_views.LoginView.as_view(
    template_name="manage/login.html", redirect_authenticated_user=True
)
sign_out = auth_views.LogoutView.as_view()


@require_GET
@workspace_view()
def dashboard(request):
    return render(request, "manage/dashboard.html", {})
