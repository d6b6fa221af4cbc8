"""The portal's own sign-in and sign-out pages (the admin's are for superusers only).

Throttling is django-axes's (see `core.login_throttle`): a locked sign-in gets the
lock page instead of this form. `next` is followed only to this site (Django's LoginView
checks it), and signing out takes a POST.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form; account names and passwords are typed left to right."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        for name in ("username", "password"):
            self.fields[name].widget.attrs["dir"] = "ltr"


sign_in = auth_views.LoginView.as_view(
    template_name="manage/login.html",
    authentication_form=SignInForm,
    redirect_authenticated_user=True,
)
sign_out = auth_views.LogoutView.as_view()
