"""`{% rich_text item "discussion" %}`: a bilingual rich-text field, cleaned (see
`meetings.richtext`) and marked with its language when it fell back to the other one."""

from django import template
from django.utils.html import format_html

from core.i18n import DIRECTIONS, Translated, active_language
from meetings.richtext import render_rich_text

register = template.Library()


@register.simple_tag
def rich_text(obj, field: str):
    descriptor = getattr(type(obj), field, None)
    if not isinstance(descriptor, Translated):
        raise template.TemplateSyntaxError(f"{type(obj).__name__}.{field} is not Translated.")
    active = active_language()
    value, language = descriptor.value_with_language(obj, active)
    html = render_rich_text(value)
    if not value:
        return html
    direction = DIRECTIONS[language]
    if language == active:  # isolated all the same, as all typed text is
        return format_html('<div dir="{}">{}</div>', direction, html)
    return format_html('<div lang="{}" dir="{}">{}</div>', language, direction, html)
