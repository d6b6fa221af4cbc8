from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def printed_row_saved(sender, **kwargs):
    """A stored draft of the plan document goes stale when a row it prints is written, by
    a service, the admin, an importer or a task alike (plans.tasks.printed_row_changed)."""
    instance = kwargs.get("instance")
    if kwargs.get("raw") or instance is None:
        return
    from .tasks import printed_row_changed

    printed_row_changed(instance)


def printed_m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        printed_row_saved(type(instance), instance=instance)


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = _("Action plans")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from core.page_cache import never_public, register_public_rule

        from .parts import ALL_PLANS, register_printed_rows

        # A stored draft PDF is a file cache; no public page lists it.
        register_public_rule("plans.planpdf", never_public)
        post_save.connect(printed_row_saved, dispatch_uid="plan_pdf_saved")
        post_delete.connect(printed_row_saved, dispatch_uid="plan_pdf_deleted")
        m2m_changed.connect(printed_m2m_changed, dispatch_uid="plan_pdf_m2m")
        register_printed_rows(
            {
                "plans.actionplan": "id",
                "plans.methodologystage": "plan",
                "plans.organisation": ALL_PLANS,
            }
        )
