"""The admin site's name in the language of the page, and its throttled sign-in form."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .login_throttle import ThrottledAdminLoginForm

admin.site.site_header = _("OGP portal administration")
admin.site.site_title = _("OGP portal administration")
admin.site.index_title = _("Raw data and bulk import/export")
admin.site.login_form = ThrottledAdminLoginForm
