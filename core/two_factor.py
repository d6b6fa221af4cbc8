"""TOTP second factor for staff (django-otp's TOTP devices: any authenticator app).

A staff member who has set up an authenticator app types its six-digit code after the
password, before any workspace page (`workspace_view` asks `second_factor_redirect`). With
`STAFF_TOTP_REQUIRED` every staff member must set one up at their next visit. Whether the
account has an app is read once, at sign-in, and kept in the session, so ordinary workspace
pages run no extra query. A lost phone: the coordinator's superuser deletes the account's
device in the admin (django-otp's TOTP devices), and the member sets up a new one.
"""

from base64 import b32encode
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

# Session key: does this signed-in account have a confirmed authenticator app?
HAS_DEVICE = "staff_totp_device"
PENDING_NAME = "pending"


@receiver(user_logged_in, dispatch_uid="staff_totp_remember_device")
def remember_device(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE] = user_has_device(user, confirmed=True)


def safe_next(request, default: str = "manage:dashboard") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


def second_factor_redirect(request):
    """Where a signed-in staff member must go first (the code, or setting up an app), or None."""
    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return None
    has_device = request.session.get(HAS_DEVICE)
    if has_device is None:  # a session from before this feature: look once, then remember
        has_device = request.session[HAS_DEVICE] = user_has_device(user, confirmed=True)
    if has_device:
        return redirect(with_next("manage:two_factor_verify", request))
    if settings.STAFF_TOTP_REQUIRED:
        return redirect(with_next("manage:two_factor_setup", request))
    return None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "dir": "ltr",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."))
        return code


def refuse_code(form) -> int:
    """A code the app did not confirm: said on the form (a malformed one already is there);
    the page's status."""
    if form.is_valid():
        form.add_error("code", _("This code is not right, or it has expired."))
    return 400


def second_step_view(view):
    """A page of the second step of signing in: never cached, GET or POST, for a signed-in
    staff member (anyone else: the sign-in page, or 403 when signed in)."""

    @never_cache
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        from .access import is_workspace_user

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_workspace_user(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@second_step_view
def verify(request):
    """The second step of signing in: the code from the member's authenticator app."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None or request.user.is_verified():
        return redirect(safe_next(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            form.is_valid()
            form.add_error(None, _("Too many wrong codes. Wait a minute, then try again."))
            status = 429
        elif form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(safe_next(request))
        else:
            status = refuse_code(form)
    return render(
        request,
        "manage/two_factor/verify.html",
        {"form": form, "next": safe_next(request)},
        status=status,
    )


def grouped(key: str) -> str:
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@second_step_view
def setup(request):
    """Set up (or replace) the member's authenticator app: show its key, check one code."""
    user = request.user
    if request.session.get(HAS_DEVICE) and not user.is_verified():
        # Replacing the app needs the current one first.
        return redirect(with_next("manage:two_factor_verify", request))
    pending, _created = TOTPDevice.objects.get_or_create(
        user=user, name=PENDING_NAME, confirmed=False
    )
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and pending.verify_token(form.cleaned_data["code"]):
            TOTPDevice.objects.filter(user=user).exclude(pk=pending.pk).delete()
            pending.name = "authenticator"
            pending.confirmed = True
            pending.save(update_fields=["name", "confirmed"])
            otp_login(request, pending)
            request.session[HAS_DEVICE] = True
            return redirect(safe_next(request))
        status = refuse_code(form)
    return render(
        request,
        "manage/two_factor/setup.html",
        {
            "form": form,
            "key": grouped(b32encode(pending.bin_key).decode()),
            "config_url": pending.config_url,
            "required": settings.STAFF_TOTP_REQUIRED,
            "has_device": bool(request.session.get(HAS_DEVICE)),
            "next": safe_next(request),
        },
        status=status,
    )
