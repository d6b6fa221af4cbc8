"""The admin site: its name in the language of the page, and for superusers only.

Staff of every role work in the staff workspace (/<lang>/manage/); the admin, with its raw
tables and spreadsheet export, opens only to an active superuser. It imports nothing: files
go through the workspace's import pages (/<lang>/manage/imports/), which keep the rules.
Anyone else signed in gets the admin's sign-in page ("not authorised"). Sign-in throttling
(django-axes) covers this sign-in page like every other.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("OGP portal administration")
admin.site.site_title = _("OGP portal administration")
admin.site.index_title = _("Raw data and spreadsheet export")


def superusers_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only
