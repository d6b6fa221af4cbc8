"""The public pages in a real browser: right to left, the Arabic font, phone width, axe.

Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
"""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from PIL import Image  # Pillow comes with WeasyPrint

from commitments.models import CommitmentStatus, MilestoneStatus, PolicyArea
from consultations.models import Announcement, AnnouncementChannel
from meetings.models import AttendanceStatus, BodyKind, Honorific, MinutesState
from plans.models import DocumentKind, MethodologyStage, PlanStatus, Sector, StageStatus
from tests.factories import (
    make_agenda_item,
    make_attendance,
    make_body,
    make_commitment,
    make_document,
    make_meeting,
    make_milestone,
    make_organisation,
    make_outcome,
    make_person,
    make_plan,
    make_window,
)

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# (title_ar, title_en, lead institution, its English name, progress pattern) from the
# draft commitments of the fifth plan, as presented to the forum on 25 November 2021.
COMMITMENTS = [
    (
        "تعزيز الحوكمة لمؤسسات المجتمع المدني",
        "Strengthen the governance of civil society organisations",
        "سجل الجمعيات",
        "Registry of Societies",
    ),
    (
        "تطوير وتفعيل سياسة دمج النوع الاجتماعي في القطاع العام",
        "Develop and activate the gender mainstreaming policy in the public sector",
        "اللجنة الوطنية لشؤون المرأة",
        "Jordanian National Commission for Women",
    ),
    (
        "تعزيز المشاركة المجتمعية في عملية صنع القرار من خلال الوسائل الإلكترونية",
        "Strengthen public participation in decision-making through electronic means",
        "وزارة الاقتصاد الرقمي والريادة",
        "Ministry of Digital Economy and Entrepreneurship",
    ),
    (
        "تعزيز دور الشباب في عملية بناء وإعداد الخطط والاستراتيجيات الحكومية المرتبطة بالشباب",
        "",  # no English yet: the page shows the Arabic, marked lang="ar"
        "وزارة الشباب",
        "Ministry of Youth",
    ),
    (
        "تعزيز النزاهة على المستوى الوطني",
        "Strengthen integrity at the national level",
        "هيئة النزاهة ومكافحة الفساد",
        "Integrity and Anti-Corruption Commission",
    ),
    (
        "إشراك المجتمعات المحلية وأصحاب المصلحة خلال المراحل المختلفة للمشاريع الحكومية الرأسمالية",
        "Involve local communities and stakeholders in every phase of public capital projects",
        "وزارة التخطيط والتعاون الدولي",
        "Ministry of Planning and International Cooperation",
    ),
]

ATTENDEES = [
    (Honorific.MR, "مروان الرفاعي", "Marwan Al-Refai", "أمين عام", "Secretary General", 5),
    (
        Honorific.MR,
        "نزار عوض",
        "Nizar Awad",
        "منسق وحدة الحكومة الشفافة",
        "OGP unit coordinator",
        5,
    ),
    (Honorific.MS, "مي عليجات", "May Oleimat", "مستشارة وحدة الحكومة الشفافة", "Adviser", 5),
    (Honorific.MS, "سهير الكايد", "Suhair Al-Kayed", "ضابط اتصال الوحدة", "Liaison officer", 5),
    (Honorific.MS, "ربى الطراونة", "Ruba Tarawneh", "رئيس قسم الامتثال", "Head of compliance", 4),
    (Honorific.MS, "عبير مدانات", "Abeer Madanat", "المنسقة العامة", "General coordinator", None),
    (Honorific.MR, "طارق الحجازي", "Tareq Hijazi", "مدير عام الجمعية", "Director General", None),
]


@pytest.fixture
def site(transactional_db):
    """The fifth plan midway through co-creation, with an open comment window."""
    plan = make_plan(
        number=5,
        title_ar="خطة العمل الوطنية الخامسة لمبادرة شراكة الحكومات الشفافة 2021–2025",
        title_en="Fifth National Action Plan of the Open Government Partnership 2021–2025",
        summary_ar=(
            "أُعدّت الخطة بنهج تشاركي مع مؤسسات المجتمع المدني والقطاع الخاص والشباب، "
            "عبر سبع مراحل تبدأ بإعداد المنهجية وتنتهي بإعداد الخطة بشكلها النهائي."
        ),
        summary_en=(
            "Co-created with civil society, the private sector and young people, in seven "
            "stages from the methodology to the final plan."
        ),
        starts_on=datetime.date(2021, 9, 1),
        ends_on=datetime.date(2025, 8, 31),
        status=PlanStatus.CONSULTATION,
    )
    make_plan(
        number=4,
        title_ar="خطة العمل الوطنية الرابعة 2018–2020",
        title_en="Fourth National Action Plan 2018–2020",
        starts_on=datetime.date(2018, 12, 1),
        ends_on=datetime.date(2020, 12, 31),
        status=PlanStatus.CLOSED,
        published_on=datetime.date(2018, 12, 1),
    )
    for number in range(1, 8):
        done = number <= 4
        MethodologyStage.objects.create(
            plan=plan,
            number=number,
            status=(
                StageStatus.COMPLETED
                if done
                else StageStatus.IN_PROGRESS
                if number == 5
                else StageStatus.NOT_STARTED
            ),
            actual_end=datetime.date(2021, 6 + number, 20) if done else None,
        )
    areas = [
        PolicyArea.objects.create(name_ar="الحوكمة", name_en="Governance"),
        PolicyArea.objects.create(name_ar="المشاركة العامة", name_en="Public participation"),
    ]
    civil = make_organisation(
        name_ar='هيئة تنسيق مؤسسات المجتمع المدني "همم"',
        name_en="HIMAM coalition",
        sector=Sector.CIVIL_SOCIETY,
    )
    budget = make_organisation(name_ar="دائرة الموازنة العامة", name_en="General Budget Department")
    commitments = []
    for number, (title_ar, title_en, lead_ar, lead_en) in enumerate(COMMITMENTS, start=1):
        commitment = make_commitment(
            plan=plan,
            number=number,
            ogp_id=f"JO00{60 + number}",
            title_ar=title_ar,
            title_en=title_en,
            description_ar="يهدف الالتزام إلى " + title_ar + ".",
            description_en=f"The commitment aims to {title_en.lower() or '...'}.",
            problem_ar="ضعف آليات المشاركة والإفصاح في هذا المجال.",
            problem_en="Weak participation and disclosure in this area.",
            causes_ar="غياب الإطار التنظيمي الموحد وقلة الأدوات الإلكترونية.",
            causes_en="No single regulatory framework and few electronic tools.",
            solution_ar="إعداد دليل إجرائي وإطلاق منصة إلكترونية وتدريب الجهات المعنية.",
            solution_en="A procedures guide, an online platform and training.",
            how_it_solves_ar="يوحّد الإجراءات ويتيح للمواطنين متابعة التنفيذ.",
            how_it_solves_en="It unifies procedures and lets citizens follow implementation.",
            transparency=True,
            civic_participation=number % 2 == 1,
            public_accountability=number % 3 == 0,
            technology_innovation=number == 3,
            lead_institution=make_organisation(name_ar=lead_ar, name_en=lead_en),
            contact_email=f"focal{number}@example.gov.jo",
            starts_on=datetime.date(2022, 1, 1),
            ends_on=datetime.date(2024, 6, 30),
            status=CommitmentStatus.IN_IMPLEMENTATION if number < 5 else CommitmentStatus.AGREED,
        )
        commitment.policy_areas.add(*areas[: 1 + number % 2])
        commitment.supporting_institutions.add(civil, budget)
        for m, (title_ar_m, title_en_m) in enumerate(
            [
                ("إعداد الدليل الإجرائي", "Write the procedures guide"),
                ("إطلاق المنصة الإلكترونية", "Launch the online platform"),
                ("تدريب الجهات المعنية", "Train the institutions concerned"),
                ("نشر تقرير التقييم", "Publish the evaluation report"),
            ],
            start=1,
        ):
            make_milestone(
                commitment=commitment,
                number=m,
                title_ar=title_ar_m,
                title_en=title_en_m,
                expected_output_ar="دليل منشور على الموقع الإلكتروني",
                expected_output_en="A guide published online",
                starts_on=datetime.date(2022, 3 * m, 1),
                ends_on=datetime.date(2022, 3 * m, 28),
                weight=m,
                status=(
                    MilestoneStatus.COMPLETED
                    if m <= number % 4
                    else MilestoneStatus.DELAYED
                    if m == 4 and number == 5
                    else MilestoneStatus.IN_PROGRESS
                    if m == number % 4 + 1
                    else MilestoneStatus.NOT_STARTED
                ),
            )
        commitments.append(commitment)

    forum = make_body(
        kind=BodyKind.FORUM,
        name_ar="فريق العمل الوطني لشراكة الحكومات الشفافة",
        name_en="Multi-Stakeholder Forum",
    )
    meeting = make_meeting(
        body=forum,
        plan=plan,
        title_ar="اجتماع فريق العمل الوطني الثاني",
        title_en="Second meeting of the national team",
        starts_at=datetime.datetime(2021, 11, 25, 9, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2021, 11, 25, 11, 0, tzinfo=datetime.UTC),
        platform="Webex",
        minutes_ar="عُقد الاجتماع عن بُعد عبر منصة ويبكس.\n\nافتتح الأمين العام الاجتماع.",
        minutes_en="The meeting was held on Webex.\n\nThe Secretary General opened it.",
        minutes_state=MinutesState.PUBLISHED,
        minutes_published_at=timezone.now(),
    )
    ministry = commitments[5].lead_institution
    for order, (honorific, name_ar, name_en, position_ar, position_en, org) in enumerate(
        ATTENDEES, start=1
    ):
        make_attendance(
            meeting=meeting,
            person=make_person(honorific=honorific, name_ar=name_ar, name_en=name_en),
            organisation=commitments[org - 1].lead_institution if org else civil,
            position_ar=position_ar,
            position_en=position_en,
            order=order,
            status=AttendanceStatus.EXCUSED if order == 7 else AttendanceStatus.PRESENT,
        )
    for number, (title_ar, title_en) in enumerate(
        [
            ("الترحيب بالحضور واستعراض إنجازات الأردن", "Welcome and Jordan's achievements"),
            ("سير العمل على الخطة الوطنية الخامسة", "Progress on the fifth national plan"),
            ("استعراض مسودة الالتزامات", "The draft commitments"),
            ("مناقشة مسودة الالتزامات", "Discussion of the draft commitments"),
        ],
        start=1,
    ):
        make_agenda_item(
            meeting=meeting,
            number=number,
            title_ar=title_ar,
            title_en=title_en,
            discussion_ar="استعرض المتحدث الموضوع وناقشه الأعضاء وأبدوا ملاحظاتهم.",
            discussion_en="The speaker presented the item; members discussed it.",
        )
    for number, (decision_ar, decision_en) in enumerate(
        [
            (
                "إعادة صياغة بعض الالتزامات ونشرها وفتح باب التعليقات العامة لمدة أسبوعين",
                "Reword some commitments, publish them and open public comments for two weeks",
            ),
            (
                "إرسال مخاطبات رسمية للجهات المنفذة للحصول على موافقتها على النسخة النهائية",
                "Write to the lead institutions for their approval of the final text",
            ),
            (
                "مراجعة كافة التعليقات واستكمال مراحل المنهجية",
                "Review every comment and complete the methodology",
            ),
        ],
        start=1,
    ):
        outcome = make_outcome(
            meeting=meeting,
            number=number,
            decision_ar=decision_ar,
            decision_en=decision_en,
            owner=ministry,
            due_on=datetime.date(2021, 12, 10 * number),
        )
        outcome.commitments.add(*commitments[:2])

    window = make_window(
        plan=plan,
        title_ar="التعليق العام على مسودة التزامات الخطة الوطنية الخامسة",
        title_en="Public comments on the draft commitments of the fifth plan",
        description_ar="ندعو المواطنين وجميع أصحاب المصلحة إلى إبداء ملاحظاتهم على الالتزامات.",
        description_en="Citizens and all stakeholders are invited to comment on the commitments.",
        opens_at=timezone.now() - datetime.timedelta(days=3),
    )
    window.commitments.add(*commitments)
    for channel in (AnnouncementChannel.SITE, AnnouncementChannel.FACEBOOK):
        Announcement.objects.create(window=window, channel=channel, url="https://mop.gov.jo/")
    return {"plan": plan, "commitment": commitments[2], "meeting": meeting, "window": window}


def open_page(page, url: str, viewport: dict) -> dict:
    """Load `url`; return the console errors and failed static files seen while loading."""
    problems = {"console": [], "static": []}
    page.on(
        "console",
        lambda message: message.type == "error" and problems["console"].append(message.text),
    )
    page.on("pageerror", lambda error: problems["console"].append(str(error)))
    page.on(
        "response",
        lambda response: (
            "/static/" in response.url
            and response.status != 200
            and problems["static"].append(f"{response.status} {response.url}")
        ),
    )
    page.set_viewport_size(viewport)
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200
    page.evaluate("document.fonts.ready")
    return problems


def serious_axe_violations(page) -> list[str]:
    # Evaluated through the DevTools protocol: our CSP (rightly) refuses an inline <script>.
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.id} (${v.impact}): ${v.help} -> ` +
                          v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }"""
    )
    return violations


def arabic_font_loaded(page, *, body_weight: bool) -> bool:
    """A Noto Naskh Arabic face was downloaded and used (there is no system Arabic font to
    fall back on); with `body_weight`, the regular face that body text uses."""
    return page.evaluate(
        """(bodyWeight) => [...document.fonts].some(face =>
            face.family.replace(/["']/g, "") === "Noto Naskh Arabic" && face.status === "loaded")
        && (!bodyWeight || document.fonts.check('16px "Noto Naskh Arabic"', "مرحبا"))""",
        body_weight,
    )


def has_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def url_of(site, live_server, lang: str, what: str) -> str:
    paths = {
        "home": f"/{lang}/",
        "commitment": f"/{lang}/plans/5/commitments/{site['commitment'].number}/",
        "meeting": f"/{lang}/meetings/{site['meeting'].pk}/",
        "window": f"/{lang}/consultations/{site['window'].pk}/",
        "plan4": f"/{lang}/plans/4/",
    }
    return live_server.url + paths[what]


PAGES = [
    # (language, page, viewport name, viewport, screenshot file)
    ("ar", "home", "phone", PHONE, "ar-home-phone.png"),
    ("ar", "home", "desktop", DESKTOP, "ar-home-desktop.png"),
    ("en", "home", "desktop", DESKTOP, "en-home-desktop.png"),
    ("en", "home", "phone", PHONE, "en-home-phone.png"),
    ("ar", "commitment", "phone", PHONE, "ar-commitment-phone.png"),
    ("ar", "commitment", "desktop", DESKTOP, "ar-commitment-desktop.png"),
    ("ar", "meeting", "phone", PHONE, "ar-meeting-phone.png"),
    ("ar", "window", "phone", PHONE, "ar-window-phone.png"),
    ("en", "commitment", "phone", PHONE, "en-commitment-phone.png"),
    ("ar", "plan4", "phone", PHONE, "ar-plan4-phone.png"),
]


@pytest.mark.parametrize(
    ("lang", "what", "viewport", "screenshot_name"),
    [(lang, what, size, name) for lang, what, _label, size, name in PAGES],
    ids=[f"{lang}-{what}-{label}" for lang, what, label, _size, _name in PAGES],
)
def test_public_page_in_the_browser(page, live_server, site, lang, what, viewport, screenshot_name):
    problems = open_page(page, url_of(site, live_server, lang, what), viewport)

    screenshot(page, screenshot_name)
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.evaluate("getComputedStyle(document.body).direction") == html.get_attribute("dir")
    # English pages show Arabic too: the fallback of an untranslated commitment title.
    assert arabic_font_loaded(page, body_weight=lang == "ar"), "Noto Naskh Arabic did not load"
    assert not has_horizontal_scroll(page), f"horizontal scroll at {viewport['width']}px"
    assert problems["static"] == []
    assert problems["console"] == []
    assert serious_axe_violations(page) == []


def test_progress_bars_fill_from_the_right_in_arabic(page, live_server, site):
    """In RTL a bar grows from the right, as the text is read: the filled part of a
    half-full bar sits on its right half."""
    open_page(page, url_of(site, live_server, "ar", "home"), DESKTOP)
    # A bar at 0 < value < 100: compare where its filled part is drawn by sampling pixels.
    box = page.locator("progress.meter").first.bounding_box()
    value = float(page.locator("progress.meter").first.get_attribute("value"))
    assert 0 < value < 100
    image = page.screenshot(
        clip={"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}
    )
    png = Image.open(BytesIO(image)).convert("RGB")
    y = png.height // 2
    right, left = png.getpixel((png.width - 3, y)), png.getpixel((2, y))
    green = (27, 122, 73)
    assert _close(right, green), f"right end {right} is not the filled colour"
    assert not _close(left, green), f"left end {left} should be the empty track"


def _close(a, b, tolerance=40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def test_stepper_reads_right_to_left_in_arabic(page, live_server, site):
    """On a wide screen the stages run in a row: stage 1 on the right in Arabic."""
    open_page(page, url_of(site, live_server, "ar", "home"), DESKTOP)
    first = page.locator(".step").nth(0).bounding_box()
    last = page.locator(".step").nth(6).bounding_box()

    assert first["y"] == last["y"]
    assert first["x"] > last["x"]
    assert page.locator('.step[aria-current="step"] .step-marker').inner_text() == "5"


def test_stepper_reads_left_to_right_in_english(page, live_server, site):
    open_page(page, url_of(site, live_server, "en", "home"), DESKTOP)
    first = page.locator(".step").nth(0).bounding_box()
    last = page.locator(".step").nth(6).bounding_box()

    assert first["x"] < last["x"]


def test_language_switch_keeps_the_page(page, live_server, site):
    open_page(page, url_of(site, live_server, "ar", "commitment"), PHONE)

    page.get_by_role("link", name="English").click()

    assert page.url == url_of(site, live_server, "en", "commitment")
    assert page.locator("html").get_attribute("dir") == "ltr"


# --- The public lists, compliance, search and open data pages ---------------------------
# The public lists, compliance, search and open data pages in a real browser: axe-core
# finds no serious or critical violation, in Arabic at phone width and English on a desktop,
# and nothing scrolls sideways. Screenshots go to test-artifacts/.


PATHS = {
    "plans": "plans/",
    "commitments": "commitments/?status=draft",
    "meetings": "meetings/",
    "documents": "documents/",
    "compliance": "plans/5/compliance/",
    "search": "search/?q=الشفافيه",
    "search-en": "search/?q=integrity",
    "data": "data/",
}
VIEWPORTS = [("ar", "phone", PHONE), ("en", "desktop", DESKTOP), ("ar", "desktop", DESKTOP)]


@pytest.mark.parametrize("what", list(PATHS))
@pytest.mark.parametrize(
    ("lang", "label", "viewport"), VIEWPORTS, ids=["ar-phone", "en-desktop", "ar-desktop"]
)
def test_public_site_page_in_the_browser(page, live_server, site, what, lang, label, viewport):
    cache.clear()
    make_document(
        plan=site["plan"],
        kind=DocumentKind.TIMELINE,
        title_ar="الجدول الزمني لإعداد الخطة",
        title_en="Timeline of the plan",
        is_public=True,
        published_at=timezone.now(),
    )
    problems = open_page(page, f"{live_server.url}/{lang}/{PATHS[what]}", viewport)
    screenshot(page, f"{lang}-{what}-{label}.png")
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert not has_horizontal_scroll(page), f"horizontal scroll at {viewport['width']}px"
    assert problems["static"] == []
    assert problems["console"] == []
    assert serious_axe_violations(page) == []
