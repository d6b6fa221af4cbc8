"""Who may open the staff workspace, and what each role may do there.

The roles are Django groups (`core.roles`). A view names the permission it needs:
anonymous visitors go to the sign-in page, a signed-in user without it gets 403, and rows
a user may not see (another agency's commitment, for a focal point) are 404 in the view.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError

from core.roles import ROLE_LABELS

from .two_factor import second_factor_redirect


def is_workspace_user(user) -> bool:
    """A superuser, or an account in one of the staff roles."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(group.name in ROLE_LABELS for group in user.groups.all())


def workspace_view(*perms: str):
    """Decorate a workspace view: signed in, in a staff role, and holding every `perm`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            # The TOTP code, when the member has an authenticator app (core.two_factor).
            second_factor = second_factor_redirect(request)
            if second_factor is not None:
                return second_factor
            if not is_workspace_user(user) or not user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_labels(user) -> list[str]:
    if user.is_superuser:
        return []
    return [
        str(ROLE_LABELS[group.name]) for group in user.groups.all() if group.name in ROLE_LABELS
    ]


def show_service_error(request, error: ValidationError, form=None) -> None:
    """A service's refusal, where the user reads it: on the sent form (each message on its
    field when the form has that field, above the form otherwise), else as page messages."""
    if form is None or not form.is_bound:
        for message in error.messages:
            messages.error(request, message)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for message in ValidationError(errors).messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
