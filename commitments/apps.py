from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = _("Commitments")

    def ready(self):
        from plans.gates import register_gate

        from .gates import every_commitment_approved, every_commitment_complete

        register_gate(4, every_commitment_complete)
        register_gate(5, every_commitment_approved)
