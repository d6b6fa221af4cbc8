"""The portal's own sign-in and sign-out pages (the admin's are for superusers only)."""

from django.contrib.auth import views as auth_views

sign_in = auth_views.LoginView.as_view(
    template_name="manage/login.html", redirect_authenticated_user=True
)
sign_out = auth_views.LogoutView.as_view()
