"""The commitment form in the staff workspace: the OGP template with its milestones.

Create and edit go through `commitments.services`; bad input leaves a message on the form
and nothing in the database; two people saving the same version get the conflict page.
"""

import datetime
import re

import pytest
from django.urls import reverse

from commitments.models import Commitment, Milestone
from plans.models import Organisation
from tests.factories import make_commitment, make_milestone, make_organisation, make_plan, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ARABIC_TITLE = "نشر بيانات الموازنة بصيغة مفتوحة"


def milestone(title_ar, weight, *, pk=None, order="", delete=False, **fields):
    row = {
        "milestone_id": pk or "",
        "title_ar": title_ar,
        "title_en": fields.pop("title_en", ""),
        "expected_output_ar": fields.pop("expected_output_ar", ""),
        "expected_output_en": "",
        "starts_on": fields.pop("starts_on", "2022-01-01"),
        "ends_on": fields.pop("ends_on", "2022-06-30"),
        "weight": weight,
        "ORDER": order,
    }
    if delete:
        row["DELETE"] = "on"
    return row


def form_data(*, lead, milestones=(), version=None, supporting=(), **fields) -> dict:
    """What the browser posts: the template fields, then the milestone formset."""
    data = {
        "number": 7,
        "ogp_id": "",
        "title_ar": ARABIC_TITLE,
        "title_en": "",
        "description_ar": "وصف موجز",
        "lead_institution": lead.pk,
        "status": "draft",
        "starts_on": "2022-01-01",
        "ends_on": "2023-12-31",
        "transparency": "on",
    }
    if supporting:
        data["supporting_institutions"] = [org.pk for org in supporting]
    if version is not None:
        data["version"] = version
    data.update(fields)
    milestones = list(milestones)
    data["milestones-TOTAL_FORMS"] = len(milestones)
    data["milestones-INITIAL_FORMS"] = sum(1 for row in milestones if row["milestone_id"])
    data["milestones-MIN_NUM_FORMS"] = 0
    data["milestones-MAX_NUM_FORMS"] = 1000
    for index, row in enumerate(milestones):
        for name, value in row.items():
            data[f"milestones-{index}-{name}"] = value
    return data


def edit_data(commitment, milestones, **fields):
    """The edit form as it comes back untouched, with the given milestone rows."""
    commitment.refresh_from_db()
    base = {
        "number": commitment.number,
        "title_ar": commitment.title_ar,
        "title_en": commitment.title_en,
        "status": commitment.status,
        "starts_on": "",
        "ends_on": "",
    }
    base.update(fields)
    return form_data(
        lead=commitment.lead_institution, milestones=milestones, version=commitment.version, **base
    )


@pytest.fixture
def plan():
    return make_plan(number=5)


@pytest.fixture
def lead():
    return make_organisation(
        name_ar="وزارة التخطيط والتعاون الدولي", name_en="Ministry of Planning"
    )


def create_url(plan):
    return reverse("manage:commitment_create", kwargs={"number": plan.number})


def edit_url(commitment):
    return reverse("manage:commitment_edit", kwargs={"pk": commitment.pk})


class TestCreate:
    def test_form_shows_the_template_in_both_languages(self, client, editor, plan):
        response = client.get(create_url(plan))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'name="title_ar"' in html and 'name="title_en"' in html
        assert 'lang="ar" dir="rtl"' in html and 'lang="en" dir="ltr"' in html
        # The template's order: title before the problem before the results.
        assert html.index('name="title_ar"') < html.index('name="problem_ar"')
        assert html.index('name="problem_ar"') < html.index('name="status_quo_ar"')
        assert html.index('name="status_quo_ar"') < html.index('name="results_ar"')
        assert html.index('name="results_ar"') < html.index('name="relevance_ar"')
        assert html.count('name="sdgs"') == 17
        assert "never shown on the public site" in html

    def test_create_with_two_arabic_milestones(self, client, editor, plan, lead):
        supporting = make_organisation()
        data = form_data(
            lead=lead,
            supporting=[supporting],
            milestones=[
                milestone("إعداد دليل البيانات المفتوحة", 40),
                milestone("نشر البيانات على البوابة", 60),
            ],
            sdgs=["16", "17"],
        )
        response = client.post(create_url(plan), data)
        commitment = Commitment.objects.get(plan=plan)
        assert response.status_code == 302
        assert response.url == reverse("manage:commitment_detail", kwargs={"pk": commitment.pk})
        assert commitment.title_ar == ARABIC_TITLE
        assert commitment.is_published is False
        assert commitment.sdgs == [16, 17]
        assert list(commitment.supporting_institutions.all()) == [supporting]
        titles = list(commitment.milestones.order_by("number").values_list("title_ar", "weight"))
        assert titles == [("إعداد دليل البيانات المفتوحة", 40), ("نشر البيانات على البوابة", 60)]
        assert commitment.history.first().history_user == editor

    def test_missing_translation_is_marked_when_shown_again(self, client, editor, plan, lead):
        data = form_data(lead=lead, ends_on="2021-01-01")  # refused, so shown again
        response = client.post(create_url(plan), data)
        assert response.status_code == 200
        assert "Missing translation" in response.content.decode()

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"ends_on": "2021-12-31"}, "The commitment must not end before it starts."),
            ({"lead_institution": 999999}, "Select a valid choice."),
        ],
    )
    def test_bad_commitment_input_saves_nothing(self, client, editor, plan, lead, fields, message):
        data = form_data(lead=lead, milestones=[milestone("معلم", 100)], **fields)
        response = client.post(create_url(plan), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Commitment.objects.exists()
        assert not Milestone.objects.exists()

    def test_milestone_ending_before_it_starts_saves_nothing(self, client, editor, plan, lead):
        row = milestone("معلم", 100, starts_on="2022-06-01", ends_on="2022-01-01")
        response = client.post(create_url(plan), form_data(lead=lead, milestones=[row]))
        assert response.status_code == 200
        assert "The milestone must not end before it starts." in response.content.decode()
        assert not Commitment.objects.exists()

    def test_weights_not_adding_up_to_100_save_nothing(self, client, editor, plan, lead):
        rows = [milestone("الأول", 30), milestone("الثاني", 30)]
        response = client.post(create_url(plan), form_data(lead=lead, milestones=rows))
        html = response.content.decode()
        assert response.status_code == 200
        assert "The milestone weights add up to 60; they must add up to 100." in html
        assert not Commitment.objects.exists()
        assert not Milestone.objects.exists()

    def test_form_shows_the_total_weight(self, client, editor, plan, lead):
        rows = [milestone("الأول", 30), milestone("الثاني", 45)]
        response = client.post(create_url(plan), form_data(lead=lead, milestones=rows))
        assert "data-weight-total>75</bdi>" in response.content.decode()

    def test_add_milestone_without_javascript_keeps_what_was_typed(
        self, client, editor, plan, lead
    ):
        data = form_data(lead=lead, milestones=[milestone("الأول", 100)], add_milestone="1")
        response = client.post(create_url(plan), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'name="milestones-1-title_ar"' in html
        assert ARABIC_TITLE in html and "الأول" in html
        assert "invalid-feedback" not in html
        assert not Commitment.objects.exists()


class TestEdit:
    @pytest.fixture
    def commitment(self, plan, lead):
        commitment = make_commitment(plan=plan, lead_institution=lead, number=3, title_en="Budget")
        for number, title in enumerate(["أ", "ب", "ج"], start=1):
            make_milestone(commitment=commitment, number=number, title_ar=title, weight=30)
        Milestone.objects.filter(commitment=commitment, number=3).update(weight=40)
        return commitment

    def rows(self, commitment, **changes):
        rows = []
        for item in commitment.milestones.order_by("number"):
            row = milestone(item.title_ar, item.weight, pk=item.pk, order=item.number)
            row.update(changes.get(item.title_ar, {}))
            rows.append(row)
        return rows

    def test_edit_page_shows_saved_text_and_milestones(self, client, editor, commitment):
        response = client.get(edit_url(commitment))
        html = response.content.decode()
        assert response.status_code == 200
        assert commitment.title_ar in html
        assert f'name="version" value="{commitment.version}"' in html
        rows = re.findall(r'name="milestones-\d+-milestone_id"', html)
        assert len(rows) == 4  # three saved, one empty row
        assert "data-weight-total>100</bdi>" in html

    def test_edit_saves_text_and_bumps_version(self, client, editor, commitment):
        data = edit_data(commitment, self.rows(commitment), title_en="Open budget data")
        response = client.post(edit_url(commitment), data)
        assert response.status_code == 302
        commitment.refresh_from_db()
        assert commitment.title_en == "Open budget data"
        assert commitment.version == 2

    def test_reorder_and_remove_milestones(self, client, editor, commitment):
        rows = self.rows(
            commitment,
            أ={"ORDER": 3, "weight": 60},
            ب={"DELETE": "on"},
            ج={"ORDER": 1},
        )
        response = client.post(edit_url(commitment), edit_data(commitment, rows))
        assert response.status_code == 302
        saved = list(commitment.milestones.order_by("number").values_list("number", "title_ar"))
        assert saved == [(1, "ج"), (2, "أ")]

    def test_add_a_milestone_on_edit(self, client, editor, commitment):
        rows = self.rows(commitment, ج={"weight": 20}) + [milestone("د", 20)]
        response = client.post(edit_url(commitment), edit_data(commitment, rows))
        assert response.status_code == 302
        assert list(commitment.milestones.values_list("title_ar", flat=True)) == [
            "أ",
            "ب",
            "ج",
            "د",
        ]

    def test_forged_milestone_id_saves_nothing(self, client, editor, commitment):
        other = make_milestone(title_ar="معلم التزام آخر")
        rows = self.rows(commitment)
        rows[0]["milestone_id"] = other.pk
        response = client.post(edit_url(commitment), edit_data(commitment, rows, title_en="X"))
        assert response.status_code == 200
        assert "does not belong to this commitment" in response.content.decode()
        commitment.refresh_from_db()
        assert commitment.title_en == "Budget" and commitment.version == 1
        other.refresh_from_db()
        assert other.title_ar == "معلم التزام آخر"

    def test_weights_refused_on_edit_change_nothing(self, client, editor, commitment):
        rows = self.rows(commitment, ب={"DELETE": "on"})  # 30 + 40 = 70
        response = client.post(edit_url(commitment), edit_data(commitment, rows, title_en="X"))
        assert response.status_code == 200
        assert "add up to 70" in response.content.decode()
        assert commitment.milestones.count() == 3
        commitment.refresh_from_db()
        assert commitment.title_en == "Budget"

    def test_milestone_progress_is_not_edited_here(self, client, editor, commitment):
        Milestone.objects.filter(commitment=commitment).update(
            status="in_progress", progress_percent=50
        )
        rows = self.rows(commitment)
        for row in rows:
            row["status"], row["progress_percent"] = "completed", 100
        client.post(edit_url(commitment), edit_data(commitment, rows))
        assert set(commitment.milestones.values_list("status", "progress_percent")) == {
            ("in_progress", 50)
        }

    def test_second_save_of_the_same_version_is_a_conflict(self, client, commitment):
        first, second = make_user(role="editor"), make_user(role="editor")
        opened = edit_data(commitment, self.rows(commitment))  # both open version 1
        client.force_login(first)
        client.post(edit_url(commitment), {**opened, "title_en": "First editor's title"})
        client.force_login(second)
        response = client.post(edit_url(commitment), {**opened, "title_en": "Second's title"})
        html = response.content.decode()
        assert response.status_code == 409
        assert "Someone else saved this page after you opened it" in html
        assert "Second&#x27;s title" in html  # the second editor's text is kept in the form
        assert 'name="version" value="2"' in html  # saving again replaces version 2 on purpose
        commitment.refresh_from_db()
        assert commitment.title_en == "First editor's title"
        assert commitment.version == 2


class TestInlineOrganisation:
    def test_htmx_creates_organisation_and_refreshes_the_lists(self, client, editor, plan, lead):
        chosen = make_organisation(name_ar="هيئة مختارة")
        data = form_data(
            lead=lead,
            supporting=[chosen],
            **{"org-name_ar": "جمعية الشفافية", "org-name_en": "Transparency Society"},
            **{"org-acronym": "TS", "org-sector": "civil_society"},
        )
        response = client.post(
            reverse("manage:organisation_create_inline"), data, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        created = Organisation.objects.get(name_ar="جمعية الشفافية")
        assert response.status_code == 200
        assert created.sector == "civil_society"
        assert '<bdi dir="auto">Transparency Society</bdi> was added.' in html
        assert 'hx-swap-oob="innerHTML"' in html
        assert f'<option value="{created.pk}">' in html
        assert f'<option value="{lead.pk}" selected>' in html  # the user's choices are kept
        assert f'<option value="{chosen.pk}" selected>' in html
        assert not Commitment.objects.exists()

    def test_htmx_shows_errors_and_creates_nothing(self, client, editor, plan, lead):
        data = form_data(lead=lead, **{"org-name_ar": lead.name_ar, "org-sector": "government"})
        response = client.post(
            reverse("manage:organisation_create_inline"), data, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert "invalid-feedback" in response.content.decode()
        assert Organisation.objects.filter(name_ar=lead.name_ar).count() == 1

    def test_without_javascript_the_whole_form_comes_back_with_data_kept(
        self, client, editor, plan, lead
    ):
        data = form_data(
            lead=lead,
            milestones=[milestone("معلم أول", 100)],
            create_organisation="1",
            **{"org-name_ar": "جامعة اليرموك", "org-sector": "academia"},
        )
        response = client.post(create_url(plan), data)
        html = response.content.decode()
        created = Organisation.objects.get(name_ar="جامعة اليرموك")
        assert response.status_code == 200
        assert ARABIC_TITLE in html and "معلم أول" in html
        assert f'<option value="{created.pk}">' in html
        assert f'<option value="{lead.pk}" selected>' in html
        assert '<bdi dir="auto">جامعة اليرموك</bdi> was added.' in html
        assert not Commitment.objects.exists()

    def test_inline_endpoint_without_htmx_is_not_found(self, client, editor):
        response = client.post(reverse("manage:organisation_create_inline"), {})
        assert response.status_code == 404


def test_dates_are_shown_in_iso_for_date_inputs(client, plan, lead):
    client.force_login(make_user(role="editor"))
    commitment = make_commitment(
        plan=plan, lead_institution=lead, starts_on=datetime.date(2022, 3, 1)
    )
    response = client.get(edit_url(commitment))
    assert 'value="2022-03-01"' in response.content.decode()
