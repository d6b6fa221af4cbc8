from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from plans.parts import MINUTES, register_part

        from . import resources  # noqa: F401  (registers the members and attendance sheets)

        # Annex A of the plan document prints the minutes as the minutes PDF does.
        register_part(MINUTES, "meetings.pdf.minutes_part")
