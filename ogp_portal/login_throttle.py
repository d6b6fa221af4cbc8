"""Sign-in throttling: too many failed attempts lock the account name and the address.

Counts live in the cache (Redis in production, so every worker sees the same count).
A locked sign-in is refused with its own message even when the password is right, so
guessing cannot go on in the background. A successful sign-in clears the account's count.
"""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
LOCK_SECONDS = 15 * 60


def account_key(username: str) -> str:
    return f"login-failures:account:{username.strip().casefold()}"


def address_key(address: str) -> str:
    return f"login-failures:address:{address}"


def is_locked(username: str, address: str) -> bool:
    account, place = account_key(username), address_key(address)
    counts = cache.get_many([account, place])
    return (
        counts.get(account, 0) >= FAILURES_PER_ACCOUNT
        or counts.get(place, 0) >= FAILURES_PER_ADDRESS
    )


def record_failure(username: str, address: str) -> None:
    for key in (account_key(username), address_key(address)):
        # add() starts the window; incr() counts within it without extending it.
        if not cache.add(key, 1, LOCK_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, LOCK_SECONDS)


def clear_failures(username: str) -> None:
    cache.delete(account_key(username))


def client_address(request) -> str:
    """The visitor's address. Behind `TRUSTED_PROXIES` reverse proxies it is the entry they
    appended to X-Forwarded-For (entries further left are the visitor's to forge)."""
    if request is None:
        return ""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing further attempts once the limit is reached."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": _(
            "Too many failed sign-in attempts. For your security, try again in %(minutes)s minutes."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if is_locked(username, address):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": LOCK_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(username, address)
            raise
        clear_failures(username)
        return cleaned
