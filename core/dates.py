"""The site's day: a moment's date in Amman (`TIME_ZONE`), whatever the server's clock.
Deadlines, the report's days of arrival and the calendar count in it."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
