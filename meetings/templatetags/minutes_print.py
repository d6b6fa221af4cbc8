"""`{{ item.discussion.text|rich_text_html }}`: the rich text of an agenda item's discussion
as printed from plain data (the minutes PDF, annex A of the plan document). Cleaned by
nh3 at every render (`meetings.richtext`), so a stored snapshot cannot carry markup."""

from django import template

from meetings.richtext import render_rich_text

register = template.Library()


@register.filter
def rich_text_html(value: str):
    return render_rich_text(value or "")
