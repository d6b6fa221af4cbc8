from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from plans.gates import register_gate

        from .gates import every_window_closed_and_answered

        register_gate(7, every_window_closed_and_answered)
