"""The public pages a citizen reads, in Arabic (first, right to left) and English."""

import datetime
import re

import pytest
from django.utils import timezone

from commitments.models import CommitmentStatus, MilestoneStatus
from consultations.models import Announcement, Audience
from meetings.models import AttendanceStatus, Honorific, MinutesState
from plans.models import MethodologyStage, PlanStatus, Sector, StageStatus
from tests.factories import (
    make_agenda_item,
    make_attendance,
    make_commitment,
    make_meeting,
    make_milestone,
    make_organisation,
    make_outcome,
    make_person,
    make_plan,
    make_window,
)

pytestmark = pytest.mark.django_db

PRIVATE_EMAIL = "focal.point@planning.example.jo"
PRIVATE_PHONE = "+962 6 000 1234"
LANGUAGES = [("ar", "rtl"), ("en", "ltr")]


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def page_in(client, path: str, direction: str) -> str:
    """The page at `path`, which opens and reads in `direction`."""
    response = client.get(path)
    assert response.status_code == 200
    assert f'dir="{direction}"' in html_tag(response)
    return response.content.decode()


def make_stages_done(plan, *, completed: int, in_progress: int = 0):
    """Seven stages: the first `completed` completed, then `in_progress` in progress."""
    for number in range(1, 8):
        if number <= completed:
            status, end = StageStatus.COMPLETED, datetime.date(2021, number, 28)
        elif number <= completed + in_progress:
            status, end = StageStatus.IN_PROGRESS, None
        else:
            status, end = StageStatus.NOT_STARTED, None
        MethodologyStage.objects.create(plan=plan, number=number, status=status, actual_end=end)


@pytest.fixture
def plan():
    plan = make_plan(
        number=5,
        title_ar="خطة العمل الوطنية الخامسة",
        title_en="Fifth national action plan",
        summary_ar="ملخص الخطة",
        summary_en="Summary of the plan",
        status=PlanStatus.IMPLEMENTATION,
        published_on=datetime.date(2022, 1, 1),
    )
    make_stages_done(plan, completed=4, in_progress=1)
    return plan


@pytest.fixture
def commitment(plan):
    lead = make_organisation(name_ar="هيئة النزاهة ومكافحة الفساد", name_en="Integrity Commission")
    commitment = make_commitment(
        plan=plan,
        number=5,
        ogp_id="JO0099",
        title_ar="تعزيز النزاهة على المستوى الوطني",
        title_en="Strengthen integrity nationally",
        description_en="A brief description.",
        problem_en="The problem it addresses.",
        causes_en="Its causes.",
        solution_en="What the commitment does.",
        how_it_solves_en="How it solves the problem.",
        transparency=True,
        public_accountability=True,
        lead_institution=lead,
        contact_name="Private Person",
        contact_email=PRIVATE_EMAIL,
        contact_phone=PRIVATE_PHONE,
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2024, 6, 30),
        status=CommitmentStatus.IN_IMPLEMENTATION,
    )
    commitment.supporting_institutions.add(
        make_organisation(
            name_ar="جمعية", name_en="Civic Association", sector=Sector.CIVIL_SOCIETY
        ),
        make_organisation(name_ar="دائرة الموازنة العامة", name_en="General Budget Department"),
    )
    # Weights 1 + 3 completed of 1 + 3 + 4: 50% complete.
    make_milestone(
        commitment=commitment, number=1, weight=1, status=MilestoneStatus.COMPLETED, title_en="M1"
    )
    make_milestone(
        commitment=commitment, number=2, weight=3, status=MilestoneStatus.COMPLETED, title_en="M2"
    )
    make_milestone(
        commitment=commitment, number=3, weight=4, status=MilestoneStatus.DELAYED, title_en="M3"
    )
    return commitment


@pytest.fixture
def meeting(plan):
    meeting = make_meeting(
        plan=plan,
        title_ar="اجتماع الفريق الوطني الثاني",
        title_en="Second meeting of the national team",
        # Amman was on UTC+2 in November 2021: 09:00 UTC is 11:00 local.
        starts_at=datetime.datetime(2021, 11, 25, 9, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2021, 11, 25, 11, 0, tzinfo=datetime.UTC),
        minutes_ar="افتتح الأمين العام الاجتماع.",
        minutes_en="The Secretary General opened the meeting.",
        minutes_state=MinutesState.PUBLISHED,
        minutes_published_at=timezone.now(),
    )
    ministry = make_organisation(
        name_ar="وزارة التخطيط والتعاون الدولي", name_en="Ministry of Planning"
    )
    make_attendance(
        meeting=meeting,
        person=make_person(honorific=Honorific.MR, name_ar="مروان الرفاعي", name_en="Marwan"),
        organisation=ministry,
        position_ar="أمين عام",
        position_en="Secretary General",
        order=1,
    )
    make_attendance(
        meeting=meeting,
        person=make_person(honorific=Honorific.MS, name_ar="مي عليجات", name_en="May Oleimat"),
        organisation=ministry,
        status=AttendanceStatus.EXCUSED,
        order=2,
    )
    make_agenda_item(
        meeting=meeting,
        number=1,
        title_ar="الترحيب بالحضور",
        title_en="Welcome",
        discussion_en="Achievements were reviewed.",
    )
    make_outcome(
        meeting=meeting,
        number=1,
        decision_ar="فتح باب التعليقات العامة لمدة أسبوعين",
        decision_en="Open public comments for two weeks",
        owner=ministry,
        due_on=datetime.date(2021, 12, 15),
    )
    return meeting


# Home and plan page


@pytest.mark.parametrize(("lang", "direction"), LANGUAGES)
def test_home_shows_the_current_plan(client, plan, commitment, lang, direction):
    response = client.get(f"/{lang}/")

    assert response.status_code == 200
    assert f'lang="{lang}"' in html_tag(response)
    assert f'dir="{direction}"' in html_tag(response)
    text = response.content.decode()
    assert (plan.title_ar if lang == "ar" else plan.title_en) in text
    assert (commitment.title_ar if lang == "ar" else commitment.title_en) in text
    assert 'max="100" value="50.0"' in text  # commitment progress bar, unlocalised for HTML
    assert PRIVATE_EMAIL not in text


def test_home_counts_stages_and_progress_in_arabic(client, plan, commitment):
    text = client.get("/ar/").content.decode()

    assert "4 من 7" in text  # "4 of 7" stages completed
    assert "تطوير الالتزامات" in text  # stage 4, "Develop commitments"
    assert 'aria-current="step"' in text  # stage 5 is in progress
    assert "50%" in text or "50٪" in text
    assert 'aria-label="نسبة إنجاز الالتزام 5"' in text  # the progress bar's accessible name


def test_home_counts_stages_in_english(client, plan, commitment):
    text = client.get("/en/").content.decode()

    assert "4 of 7" in text
    assert "Develop commitments" in text
    assert 'aria-label="Progress of commitment 5"' in text
    assert "50%" in text


def test_home_lists_only_published_commitments_and_minutes(client, plan, commitment, meeting):
    hidden = make_commitment(plan=plan, title_ar="التزام غير منشور", is_published=False)
    draft_minutes = make_meeting(plan=plan, title_ar="اجتماع بمحضر غير منشور")

    text = client.get("/ar/").content.decode()

    assert meeting.title_ar in text
    assert meeting.get_absolute_url() in text
    assert hidden.title_ar not in text
    assert draft_minutes.title_ar not in text


def test_home_calls_to_an_open_comment_window_with_its_last_day(client, plan, monkeypatch):
    opens = datetime.datetime(2021, 12, 1, 9, 0, tzinfo=datetime.UTC)
    window = make_window(plan=plan, title_en="Draft commitments", opens_at=opens)
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2021, 12, 5, 9, 0, tzinfo=datetime.UTC)
    )

    text = client.get("/en/").content.decode()

    assert "Public consultation open now" in text
    assert "Draft commitments" in text
    assert f"/en/consultations/{window.pk}/" in text
    assert "Comments are accepted until the end of Dec. 14, 2021." in text


def test_home_has_no_call_to_action_when_no_window_is_open(client, plan):
    make_window(plan=plan, opens_at=timezone.now() - datetime.timedelta(days=30))
    make_window(plan=plan, audience=Audience.FORUM)  # open now, but for forum members only

    text = client.get("/en/").content.decode()

    assert "Public consultation open now" not in text


def test_home_without_any_plan_says_so(client):
    response = client.get("/ar/")

    assert response.status_code == 200
    assert "لم تُنشر أي خطة عمل بعد" in response.content.decode()


@pytest.mark.parametrize(("lang", "direction"), LANGUAGES)
def test_plan_page(client, plan, commitment, lang, direction):
    older = make_plan(number=4, title_en="Fourth national action plan")

    text = page_in(client, f"/{lang}/plans/5/", direction)
    assert commitment.get_absolute_url().replace("/ar/", f"/{lang}/") in text
    assert f"/{lang}/plans/4/" in text  # link to the other plan
    assert client.get(f"/{lang}/plans/4/").status_code == 200
    assert older.title_en in client.get("/en/plans/4/").content.decode()


def test_unknown_plan_number_is_404(client, plan):
    assert client.get("/ar/plans/99/").status_code == 404


def test_plan_without_stage_rows_shows_seven_stages_not_started(client):
    make_plan(number=6)

    text = client.get("/en/plans/6/").content.decode()

    assert "0 of 7" in text
    assert text.count('class="step step-not_started"') == 7


# Commitment page


@pytest.mark.parametrize(("lang", "direction"), LANGUAGES)
def test_commitment_page(client, commitment, lang, direction):
    text = page_in(client, f"/{lang}/plans/5/commitments/5/", direction)
    assert "JO0099" in text
    assert 'value="50.0"' in text
    assert (commitment.lead_institution.name_ar if lang == "ar" else "Integrity Commission") in text
    assert text.count("<tr>") >= 4  # header + three milestones


def test_commitment_page_follows_the_ogp_template_in_order(client, commitment):
    text = client.get("/en/plans/5/commitments/5/").content.decode()

    headings = [
        "Brief description",
        "Problem addressed",
        "Causes of the problem",
        "What the commitment does",
        "How it solves the problem",
        "Relevance to OGP values",
        "Policy areas",
        "Institutions",
        "Dates and status",
        "Milestones",
    ]
    positions = [text.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert ">Transparency</li>" in text
    assert ">Public accountability</li>" in text
    assert "Civic participation" not in text
    # Supporting institutions grouped by sector.
    assert text.index("Government</span>") < text.index("General Budget Department")
    assert text.index("Civil society</span>") < text.index("Civic Association")
    assert "Weighted progress: 50%" in text
    assert ">Delayed</span>" in text


def test_commitment_page_never_shows_the_private_contact(client, commitment):
    for lang in ("ar", "en"):
        text = client.get(f"/{lang}/plans/5/commitments/5/").content.decode()
        assert PRIVATE_EMAIL not in text
        assert PRIVATE_PHONE not in text
        assert "Private Person" not in text


def test_unpublished_commitment_is_404(client, plan):
    make_commitment(plan=plan, number=9, is_published=False)

    assert client.get("/ar/plans/5/commitments/9/").status_code == 404
    assert client.get("/ar/plans/5/commitments/10/").status_code == 404
    assert client.get("/ar/plans/6/commitments/9/").status_code == 404


def test_missing_english_title_falls_back_to_arabic_marked_as_arabic(client, plan):
    make_commitment(plan=plan, number=7, title_ar="عنوان عربي فقط", title_en="")

    page = client.get("/en/plans/5/commitments/7/").content.decode()
    home = client.get("/en/").content.decode()

    assert '<span lang="ar" dir="rtl">عنوان عربي فقط</span>' in page
    assert '<span lang="ar" dir="rtl">عنوان عربي فقط</span>' in home


def test_text_in_the_page_language_is_not_wrapped(client, commitment):
    text = client.get("/en/plans/5/commitments/5/").content.decode()

    assert "Strengthen integrity nationally" in text
    assert '<span lang="ar" dir="rtl">تعزيز النزاهة' not in text


def test_commitment_title_is_escaped(client, plan):
    make_commitment(plan=plan, number=8, title_ar="<script>alert('x')</script>", title_en="")

    page = client.get("/ar/plans/5/commitments/8/").content.decode()
    home = client.get("/ar/").content.decode()

    for text in (page, home):
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text


# Meeting page


@pytest.mark.parametrize(("lang", "direction"), LANGUAGES)
def test_meeting_page(client, meeting, lang, direction):
    text = page_in(client, f"/{lang}/meetings/{meeting.pk}/", direction)
    assert ("مروان الرفاعي" if lang == "ar" else "Marwan") in text
    assert ("أمين عام" if lang == "ar" else "Secretary General") in text
    assert "Webex" in text


def test_meeting_page_in_arabic_uses_amman_time_and_arabic_months(client, meeting):
    text = client.get(f"/ar/meetings/{meeting.pk}/").content.decode()

    assert "25 تشرين الثاني 2021" in text
    assert "11:00" in text  # Amman time, not UTC (09:00)
    assert "9:00" not in text
    # Names are isolated in their own direction (core.templatetags.bidi).
    assert 'السيد <span dir="rtl">مروان الرفاعي</span>' in text
    assert 'السيدة <span dir="rtl">مي عليجات</span>' in text
    assert "معتذر" in text  # excused
    assert "فتح باب التعليقات العامة لمدة أسبوعين" in text
    assert "عن بُعد" in text  # remote


def test_meeting_page_lists_agenda_and_outcomes_in_english(client, meeting):
    text = client.get(f"/en/meetings/{meeting.pk}/").content.decode()

    assert "Welcome" in text
    assert "Achievements were reviewed." in text
    assert "Open public comments for two weeks" in text
    assert "Ministry of Planning" in text
    assert "Dec. 15, 2021" in text
    assert ">Open</span>" in text
    assert "Mr Marwan / Secretary General – Ministry of Planning" in re.sub(r"<[^>]+>", "", text)


def test_unpublished_minutes_are_404(client, plan):
    for state in (MinutesState.DRAFT, MinutesState.CIRCULATED, MinutesState.APPROVED):
        meeting = make_meeting(plan=plan, minutes_state=state)
        assert client.get(f"/ar/meetings/{meeting.pk}/").status_code == 404
    assert client.get("/ar/meetings/999999/").status_code == 404


# Comment window page


def test_open_window_page(client, plan, commitment):
    window = make_window(
        plan=plan,
        title_ar="مسودة التزامات الخطة الخامسة",
        title_en="Draft commitments of the fifth plan",
        description_en="Tell us what you think.",
        opens_at=timezone.now() - datetime.timedelta(days=2),
    )
    window.commitments.add(commitment)
    Announcement.objects.create(window=window, channel="facebook", url="https://facebook.com/x")

    for lang, direction in LANGUAGES:
        text = page_in(client, f"/{lang}/consultations/{window.pk}/", direction)
        assert commitment.get_absolute_url().replace("/ar/", f"/{lang}/") in text
        assert "https://facebook.com/x" in text

    text = client.get(f"/en/consultations/{window.pk}/").content.decode()
    assert "Open for comments" in text
    assert "Comments are accepted until the end of" in text
    assert "Tell us what you think." in text
    assert PRIVATE_EMAIL not in text
    assert (
        "تُقبل التعليقات حتى نهاية" in client.get(f"/ar/consultations/{window.pk}/").content.decode()
    )


def test_closed_window_page_says_it_is_closed_and_when_it_closed(client, plan):
    window = make_window(
        plan=plan,
        opens_at=datetime.datetime(2021, 12, 1, 9, 0, tzinfo=datetime.UTC),
    )

    text = client.get(f"/en/consultations/{window.pk}/").content.decode()

    assert "This consultation is closed." in text
    assert "until the end of Dec. 14, 2021" in text


def test_window_page_lists_only_published_commitments(client, plan, commitment):
    hidden = make_commitment(plan=plan, title_ar="التزام مخفي", is_published=False)
    window = make_window(plan=plan)
    window.commitments.add(commitment, hidden)

    text = client.get(f"/ar/consultations/{window.pk}/").content.decode()

    assert commitment.title_ar in text
    assert hidden.title_ar not in text


def test_forum_only_window_is_404(client, plan):
    window = make_window(plan=plan, audience=Audience.FORUM)

    assert client.get(f"/ar/consultations/{window.pk}/").status_code == 404
