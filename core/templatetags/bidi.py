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
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.i18n import DIRECTIONS, Translated, active_language

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
    active = active_language()
    value, language = descriptor.value_with_language(obj, active)
    html = linebreaks_filter(value, autoescape=True) if paragraphs else conditional_escape(value)
    if not value:
        return html
    element = "div" if paragraphs else "span"
    # The language and its direction are our own settings' codes, the text is escaped above.
    if language == active:
        # In the page's language: isolated all the same, so a number, a Latin name or a
        # phone at either end of the text stays in its place among the words around it.
        return mark_safe(f'<{element} dir="{DIRECTIONS[language]}">{html}</{element}>')
    return mark_safe(
        f'<{element} lang="{language}" dir="{DIRECTIONS[language]}">{html}</{element}>'
    )
