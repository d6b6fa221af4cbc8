"""Sign-in throttling, on django-axes: the pieces our settings name (`AXES_*`).

Failures are counted in the database (axes's AccessAttempt; every failure and sign-in is
also kept in AccessFailureLog/AccessLog for the audit trail), per account name and address
together, and per address. A locked sign-in is refused with the lock page even when the
password is right, so guessing cannot go on in the background. A successful sign-in clears
that account's failures from that address.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils.html import format_html

# One account from one address. From one address whatever the names, the limit is
# settings.AXES_FAILURE_LIMIT (20): a ministry's staff often share one NAT address, and
# one person's typos must not lock them all.
FAILURES_PER_ACCOUNT = 5


def attempted_username(request, credentials) -> str | None:
    """The account name as counted: "Coordinator " and "coordinator" are one account."""
    if credentials:
        name = credentials.get("username")
    else:
        name = getattr(request, "POST", {}).get("username")
    return name.strip().casefold() if name else name


def client_address(request) -> str | None:
    """The visitor's address. Behind `TRUSTED_PROXIES` reverse proxies it is the entry they
    appended to X-Forwarded-For (entries further left are the visitor's to forge)."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def lockout_response(request, original_response=None, credentials=None):
    """The lock page, in the language of the page the visitor signed in from (429)."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    return render(
        request,
        "manage/login_locked.html",
        # Our own number, isolated inside the Arabic sentence.
        {"minutes": format_html("<bdi>{}</bdi>", minutes)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def is_combined(parameter) -> bool:
    """True for a lockout parameter that counts several things together (name + address)."""
    return not isinstance(parameter, str)


class ThrottleHandler(AxesDatabaseHandler):
    """Axes's database handler, with a limit for each count.

    Axes compares the largest of its counts with one limit (AXES_FAILURE_LIMIT, here the
    per-address one). The account-and-address count has the smaller limit
    FAILURES_PER_ACCOUNT, so it is reported shifted up by the difference: 5 failures of one
    name from one address reach 20 just as 20 failures from one address do.
    """

    def get_failures(self, request, credentials=None) -> int:
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        counts = [0]
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            own_limit = FAILURES_PER_ACCOUNT if is_combined(parameter) else limit
            counts.append(count + (limit - own_limit) if count else 0)
        return max(counts)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in, forget that account's failures from that address,
        not the address's failures with other names (a stranger's guesses stay counted)."""
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.filter_user_attempts(request, credentials)
        count = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            if is_combined(parameter):
                deleted, _by_model = attempts.delete()
                count += deleted
        return count
