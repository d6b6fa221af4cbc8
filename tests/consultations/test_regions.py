"""The governorate list is configurable (settings.COMMENT_REGIONS): the forms offer those
codes in that order, refuse the others, and an unknown code stops `manage.py check`."""

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from consultations.apps import check_comment_regions
from consultations.forms import CommentForm
from consultations.models import Comment, Region
from tests.helpers import comment_post, make_open_window


class RegionListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, _first, _second = make_open_window()

    def setUp(self):
        cache.clear()

    def offered(self) -> list[str]:
        form = CommentForm(window=self.window)
        return [value for value, _label in form.fields["region"].choices if value]

    def test_all_governorates_by_default(self):
        assert self.offered() == Region.values

    @override_settings(COMMENT_REGIONS=["irbid", "amman", "abroad"])
    def test_the_configured_list_in_its_order(self):
        assert self.offered() == ["irbid", "amman", "abroad"]

    @override_settings(COMMENT_REGIONS=["irbid", "amman"])
    def test_a_governorate_not_offered_is_refused_and_nothing_stored(self):
        url = reverse("consultations:comment", kwargs={"pk": self.window.pk})
        response = self.client.post(url, comment_post(self.window, region="zarqa"))
        assert response.status_code == 400
        assert "Choose a governorate from the list." in response.content.decode()
        assert not Comment.objects.exists()
        response = self.client.post(url, comment_post(self.window, region="irbid"))
        assert response.status_code == 302
        assert Comment.objects.get().region == "irbid"

    def test_an_unknown_code_fails_the_system_check(self):
        with override_settings(COMMENT_REGIONS=["amman", "gotham"]):
            (error,) = check_comment_regions()
        assert error.id == "consultations.E001"
        assert "gotham" in error.msg
        with override_settings(COMMENT_REGIONS=["amman"]):
            assert check_comment_regions() == []
