from django.apps import AppConfig
from django.db.models.signals import post_migrate

# The apps whose rows the public pages show; a write to any of them refreshes the pages.
CONTENT_APPS = {"plans", "commitments", "meetings", "consultations"}


def content_saved(sender, **kwargs):
    """A save or delete of a domain row the public can see (by the services, the admin,
    imports or background tasks; raw fixtures excepted) makes the anonymous page cache start
    afresh. A signal, not a call in each service: the admin and the importers write too, and
    a forgotten call would show citizens stale text; this is cache bookkeeping, not domain
    logic. Which rows the public sees is each app's rule (`page_cache.register_public_rule`)."""
    if kwargs.get("raw") or sender._meta.app_label not in CONTENT_APPS:
        return
    from .page_cache import content_changed, seen_by_public

    instance = kwargs.get("instance")
    if instance is None or seen_by_public(instance):
        content_changed()


def content_m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        content_saved(type(instance), instance=instance)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "OGP portal"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .page_cache import new_release
        from .roles import sync_roles

        post_save.connect(content_saved, dispatch_uid="public_pages_saved")
        post_delete.connect(content_saved, dispatch_uid="public_pages_deleted")
        m2m_changed.connect(content_m2m_changed, dispatch_uid="public_pages_m2m")
        post_migrate.connect(sync_roles, dispatch_uid="core.sync_roles")
        # Once per migrated app: the core app has no models, so no signal of its own.
        post_migrate.connect(new_release, dispatch_uid="core.new_release")
        # The staff second factor notes at sign-in whether the account has an app.
        from . import two_factor  # noqa: F401
