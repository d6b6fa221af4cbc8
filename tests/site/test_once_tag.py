"""`{% once %}`: the page frame's fixed parts rendered once per language, then reused."""

from django.template import engines
from django.test import SimpleTestCase, override_settings
from django.utils import translation

TEMPLATE = (
    "{% load i18n once %}{% once %}{% url 'public:plans' %} {% translate 'Search' %}{% endonce %}"
)


class OnceTagTests(SimpleTestCase):
    def render(self, template, language):
        with translation.override(language):
            return template.render({})

    def test_each_language_gets_its_own_text_and_links(self):
        template = engines["django"].from_string(TEMPLATE)
        arabic = self.render(template, "ar")
        english = self.render(template, "en")
        assert english == "/en/plans/ Search"
        assert arabic.startswith("/ar/plans/ ")
        assert arabic != english
        assert self.render(template, "ar") == arabic  # and again, from the kept copy

    def test_a_changed_setting_renders_again(self):
        template = engines["django"].from_string(
            "{% load static once %}{% once %}{% static 'css/site.css' %}{% endonce %}"
        )
        before = self.render(template, "en")
        with override_settings(STATIC_URL="/assets/"):
            assert self.render(template, "en") == "/assets/css/site.css"
        assert self.render(template, "en") == before

    def test_arguments_are_refused(self):
        from django.template import TemplateSyntaxError

        with self.assertRaises(TemplateSyntaxError):
            engines["django"].from_string("{% load once %}{% once 'x' %}{% endonce %}")
