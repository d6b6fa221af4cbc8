"""Render a fragment of the page's frame once per language, then reuse the HTML.

    {% load once %}
    {% once %}<nav>{% url 'public:plans' %} {% translate "Action plans" %}</nav>{% endonce %}

The header, navigation and footer of every public page are the same for every visitor in
one language: translated labels, reversed URLs, static file URLs. Rendering them again on
each request cost about 0.7 ms of a page's time (bench/README.md). The first rendering in
each language is kept on the compiled template (the cached template loader keeps it for the
life of the process) and reused.

Only for content that depends on nothing but the language: no request, user, CSRF token,
message or row of the database inside. The key is the active language, the URL prefix
(SCRIPT_NAME) and the URLconf; a changed setting (tests' override_settings) forgets
everything.
"""

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Bumped on every setting change: renderings from before are never looked up again.
_settings_generation = [0]


def _forget(**_kwargs):
    _settings_generation[0] += 1


setting_changed.connect(_forget, dispatch_uid="core.templatetags.once")


class OnceNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}
        self.generation = _settings_generation[0]

    def render(self, context):
        if self.generation != _settings_generation[0]:
            self.rendered, self.generation = {}, _settings_generation[0]
        key = (get_language(), get_script_prefix(), get_urlconf())
        html = self.rendered.get(key)
        if html is None:
            html = self.nodelist.render(context)
            self.rendered[key] = html
        return mark_safe(html)


@register.tag
def once(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% once %} takes no arguments.")
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist)
