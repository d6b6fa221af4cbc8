from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from . import resources  # noqa: F401  (registers the members and attendance sheets)
