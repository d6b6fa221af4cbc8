"""`{% rich_text item "discussion" %}`: a bilingual rich-text field, cleaned (see
`meetings.richtext`) and marked with its language when it fell back to the other one."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language_info

from core.i18n import Translated, active_language
from meetings.richtext import render_rich_text

register = template.Library()


@register.simple_tag
def rich_text(obj, field: str):
    descriptor = getattr(type(obj), field, None)
    if not isinstance(descriptor, Translated):
        raise template.TemplateSyntaxError(f"{type(obj).__name__}.{field} is not Translated.")
    value, language = descriptor.value_with_language(obj)
    html = render_rich_text(value)
    if not value:
        return html
    direction = "rtl" if get_language_info(language)["bidi"] else "ltr"
    if language == active_language():  # isolated all the same, as all typed text is
        return format_html('<div dir="{}">{}</div>', direction, html)
    return format_html('<div lang="{}" dir="{}">{}</div>', language, direction, html)
