"""Bilingual text marked with its real language.

`Translated` fields fall back to the other language when the active one is empty. Text
shown in a language other than the page's must say so (`lang`) and keep its own direction
(`dir`), or screen readers mispronounce it and punctuation lands on the wrong side; text in
the page's language is isolated too (`dir` only), as all text people type must be:

    {% load bidi %}
    {% bidi_text commitment "title" %}                      inline: <span lang dir>
    {% bidi_text commitment "description" paragraphs=True %}  blocks: <div lang dir><p>...
"""

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language_info

from core.i18n import Translated, active_language

register = template.Library()


@register.simple_tag
def bidi_text(obj, field: str, paragraphs: bool = False):
    """`obj.<field>` escaped; wrapped in an element with `lang`/`dir` when it fell back."""
    if obj is None:
        return ""
    descriptor = getattr(type(obj), field, None)
    if not isinstance(descriptor, Translated):
        raise template.TemplateSyntaxError(
            f"{type(obj).__name__}.{field} is not a bilingual (Translated) field."
        )
    value, language = descriptor.value_with_language(obj)
    html = linebreaks_filter(value, autoescape=True) if paragraphs else conditional_escape(value)
    if not value:
        return html
    direction = "rtl" if get_language_info(language)["bidi"] else "ltr"
    if language == active_language():
        # In the page's language: isolated all the same, so a number, a Latin name or a
        # phone at either end of the text stays in its place among the words around it.
        element = "div" if paragraphs else "span"
        return format_html('<{} dir="{}">{}</{}>', element, direction, html, element)
    element = "div" if paragraphs else "span"
    return format_html(
        '<{} lang="{}" dir="{}">{}</{}>', element, language, direction, html, element
    )
