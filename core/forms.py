"""What every app's forms share: how a date, and a date with a time, are typed.

Both are the browser's own pickers, whose value is ISO whatever the page's language (a
localised value would leave the picker empty), written left to right like every number.
A date and time is typed in the site's time, Amman's (`TIME_ZONE`), and read back in it
whatever the server's clock says.
"""

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings

DATE_VALUE = "%Y-%m-%d"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format=DATE_VALUE)
DATETIME_WIDGET = forms.DateTimeInput(
    attrs={"type": "datetime-local", "dir": "ltr"}, format=DATETIME_LOCAL
)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in Amman time with the browser's picker (or by hand, with a
    space for the T)."""

    widget = DATETIME_WIDGET
    input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def to_python(self, value):
        moment = super().to_python(value)
        return moment.astimezone(ZoneInfo(settings.TIME_ZONE)) if moment else moment
