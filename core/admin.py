"""The admin site: its name in the language of the page, and for superusers only.

Staff of every role work in the staff workspace (/<lang>/manage/); the admin, with its raw
tables and spreadsheet export, opens only to an active superuser. It imports nothing: files
go through the workspace's import pages (/<lang>/manage/imports/), which keep the rules.
Anyone else signed in gets the admin's sign-in page ("not authorised"). Sign-in throttling
(django-axes) covers this sign-in page like every other.

Below, what every app's admin uses to keep to its services: rows shown read only, a
service's saved row taken over, an inline's rows saved as the services save them.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .concurrency import save_as

admin.site.site_header = _("OGP portal administration")
admin.site.site_title = _("OGP portal administration")
admin.site.index_title = _("Raw data and spreadsheet export")


def superusers_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only


class ReadOnlyMixin:
    """For an admin (or inline) of rows that only the services write, or that are frozen:
    it shows them and neither adds nor changes one."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def take_saved(obj, saved, *names) -> None:
    """After a service saved the admin's object as `saved`, the admin goes on with `obj`
    (its relations, inlines and log entry): give it the saved row's key and `names`."""
    obj.pk = saved.pk
    for name in names:
        setattr(obj, name, getattr(saved, name))
    obj._state.adding = False


def save_versioned(obj, change: bool, *, create, update) -> None:
    """An admin's save of a versioned row through its services: `update(expected_version=)`
    for a change page (the version the row has), `create()` for a new row; the admin goes on
    with the saved row's key and version (`take_saved`)."""
    saved = update(expected_version=obj.version) if change else create()
    take_saved(obj, saved, "version")


def form_data(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def save_versioned_formset(formset, user) -> None:
    """Save an inline's rows as the services do: version bumped, `user` on the history."""
    for instance in formset.save(commit=False):
        if instance.pk is not None and hasattr(instance, "version"):
            instance.version += 1
        save_as(instance, user)
    for instance in formset.deleted_objects:
        instance._history_user = user
        instance.delete()
    formset.save_m2m()
