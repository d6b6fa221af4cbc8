"""The demo data: Jordan's OGP unit as its Multi-Stakeholder Forum met on 25 November 2021.

Everything here comes from the real minutes of that meeting (names, titles, organisations,
agenda, the six draft commitments, the agreed outcomes), plus what followed: the two-week
public comment window with a few answered comments, and one window open today so a
newcomer can comment straight away. `load_demo()` is idempotent: every row is found by its
natural key and written only when a value differs, so a second run changes nothing (not
even a history row).
"""

import datetime
import os
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models, transaction

from commitments.models import (
    ApprovalLetter,
    Commitment,
    CommitmentStatus,
    Decision,
    Milestone,
    PolicyArea,
)
from consultations.models import (
    Announcement,
    AnnouncementChannel,
    Audience,
    Channel,
    Comment,
    CommentWindow,
    ModerationState,
    Region,
    Response,
    WindowKind,
    default_closes_at,
)
from consultations.models import Outcome as ResponseOutcome
from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Honorific,
    Meeting,
    Membership,
    MinutesState,
    Mode,
    Outcome,
    OutcomeStatus,
    Person,
    Role,
)
from plans import roles
from plans.models import (
    ActionPlan,
    MethodologyStage,
    Organisation,
    PlanStatus,
    Sector,
    StageStatus,
)

AMMAN = ZoneInfo("Asia/Amman")
PASSWORD_ENV = "DEMO_PASSWORD"
# A fixed namespace so the demo comments keep the same submission tokens on every run.
DEMO_NAMESPACE = uuid.UUID("0b6f1c9e-5d2a-4c41-9f3e-2a7d5e8c1b40")


def para(text: str) -> str:
    """One paragraph written over several source lines: runs of whitespace become one space."""
    return " ".join(text.split())


def lines(*items: str) -> str:
    return "\n".join(items)


def amman(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMMAN)


D = datetime.date


# --- Organisations ----------------------------------------------------------------------------

MOPIC = "وزارة التخطيط والتعاون الدولي"
OGP_UNIT = "وحدة الحكومة الشفافة في وزارة التخطيط والتعاون الدولي"
MOFAE = "وزارة الخارجية وشؤون المغتربين"
JIACC = "هيئة النزاهة ومكافحة الفساد"
JNCW = "اللجنة الوطنية لشؤون المرأة"
HIMAM = 'هيئة تنسيق مؤسسات المجتمع المدني "همم"'
KULLUNA = "هيئة شباب كلنا الأردن"
GBD = "دائرة الموازنة العامة"
MOPPA = "وزارة الشؤون السياسية والبرلمانية"
JBA = "جمعية رجال الأعمال الأردنيين"
MODEE = "وزارة الاقتصاد الرقمي والريادة"
MOY = "وزارة الشباب"
REGISTRY = "سجل الجمعيات"

# name_ar: (name_en, acronym, sector)
ORGANISATIONS = {
    MOPIC: ("Ministry of Planning and International Cooperation", "MoPIC", Sector.GOVERNMENT),
    OGP_UNIT: (
        "Open Government Unit, Ministry of Planning and International Cooperation",
        "",
        Sector.GOVERNMENT,
    ),
    MOFAE: ("Ministry of Foreign Affairs and Expatriates", "MoFAE", Sector.GOVERNMENT),
    JIACC: ("Integrity and Anti-Corruption Commission", "JIACC", Sector.GOVERNMENT),
    # A national body set up by the Cabinet and chaired by a member of the royal family:
    # part of the state's machinery for women's affairs, so government here.
    JNCW: ("Jordanian National Commission for Women", "JNCW", Sector.GOVERNMENT),
    HIMAM: (
        "Civil Society Organisations Coordination Commission (HIMAM)",
        "HIMAM",
        Sector.CIVIL_SOCIETY,
    ),
    KULLUNA: ("Kulluna Al-Urdun Youth Commission", "", Sector.YOUTH),
    GBD: ("General Budget Department", "GBD", Sector.GOVERNMENT),
    MOPPA: ("Ministry of Political and Parliamentary Affairs", "MoPPA", Sector.GOVERNMENT),
    JBA: ("Jordanian Businessmen Association", "JBA", Sector.PRIVATE_SECTOR),
    MODEE: ("Ministry of Digital Economy and Entrepreneurship", "MoDEE", Sector.GOVERNMENT),
    MOY: ("Ministry of Youth", "MoY", Sector.GOVERNMENT),
    REGISTRY: ("Registry of Associations", "", Sector.GOVERNMENT),
}


# --- Plans and their seven stages ---------------------------------------------------------------

PLAN_4 = {
    "number": 4,
    "title_ar": "خطة العمل الوطنية الرابعة لمبادرة شراكة الحكومات الشفافة 2018-2021",
    "title_en": "Fourth National Action Plan of the Open Government Partnership 2018–2021",
    "summary_ar": para("""
        خطة العمل الوطنية الرابعة للأردن ضمن مبادرة شراكة الحكومات الشفافة، أُعدت بالتشارك
        مع الجهات الحكومية ومؤسسات المجتمع المدني والقطاع الخاص، وعُرضت نسبة إنجاز التزاماتها
        على الفريق الوطني في اجتماعه بتاريخ 25/11/2021.
    """),
    "summary_en": para("""
        Jordan's fourth national action plan in the Open Government Partnership, co-created
        with government bodies, civil society and the private sector. The achievement rate of
        its commitments was presented to the national team at its meeting of 25 November 2021.
    """),
    "starts_on": D(2018, 11, 1),
    "ends_on": D(2021, 6, 30),
    "status": PlanStatus.CLOSED,
    "published_on": D(2018, 10, 31),
}

PLAN_5 = {
    "number": 5,
    "title_ar": "خطة العمل الوطنية الخامسة لمبادرة شراكة الحكومات الشفافة 2021-2025",
    "title_en": "Fifth National Action Plan of the Open Government Partnership 2021–2025",
    "summary_ar": para("""
        خطة العمل الوطنية الخامسة للأردن، تُعد وفق منهجية من سبع مراحل تعتمد النهج المتقدم في
        المشاورات والتشاركية مع كافة أصحاب المصلحة. عُرضت مسودة التزاماتها الستة على الفريق
        الوطني في 25/11/2021 ثم نُشرت للتعليق العام لمدة أسبوعين.
    """),
    "summary_en": para("""
        Jordan's fifth national action plan, prepared through a seven-stage methodology built
        on broad consultation and partnership with every stakeholder. Its six draft
        commitments were presented to the national team on 25 November 2021, then published
        for two weeks of public comment.
    """),
    "starts_on": D(2021, 9, 1),
    "ends_on": D(2025, 8, 31),
    "status": PlanStatus.CONSULTATION,
    "published_on": None,
}

C, P, N = StageStatus.COMPLETED, StageStatus.IN_PROGRESS, StageStatus.NOT_STARTED

# number: (status, planned start, planned end, actual start, actual end, notes_ar, notes_en)
STAGES_4 = {
    1: (C, D(2018, 1, 15), D(2018, 2, 28), D(2018, 1, 15), D(2018, 3, 1),
        "أُعدت منهجية الخطة الرابعة وجدولها الزمني ونُشرت.",
        "The methodology and timeline of the 4th plan were prepared and published."),
    2: (C, D(2018, 3, 1), D(2018, 4, 30), D(2018, 3, 4), D(2018, 4, 30),
        "جُمعت المقترحات من المواطنين ومؤسسات المجتمع المدني والجهات الحكومية.",
        "Proposals were collected from citizens, civil society and government bodies."),
    3: (C, D(2018, 5, 1), D(2018, 5, 31), D(2018, 5, 2), D(2018, 5, 31),
        "شُكلت مجموعة العمل الوطنية للخطة الرابعة.",
        "The national working group for the 4th plan was formed."),
    4: (C, D(2018, 6, 1), D(2018, 7, 31), D(2018, 6, 3), D(2018, 7, 31),
        "طُورت الالتزامات مع الجهات المنفذة.",
        "The commitments were developed with the implementing bodies."),
    5: (C, D(2018, 8, 1), D(2018, 9, 15), D(2018, 8, 1), D(2018, 9, 20),
        "وافقت الجهات المنفذة رسمياً على نصوص الالتزامات.",
        "The implementing bodies formally approved the commitment texts."),
    6: (C, D(2018, 9, 16), D(2018, 10, 15), D(2018, 9, 23), D(2018, 10, 18),
        "نُشرت مسودة الخطة للتعليق العام ورُد على التعليقات.",
        "The draft plan was published for public comment and every comment was answered."),
    7: (C, D(2018, 10, 16), D(2018, 10, 31), D(2018, 10, 21), D(2018, 10, 31),
        "أُعدت الخطة بشكلها النهائي وقُدمت إلى مبادرة شراكة الحكومات الشفافة.",
        "The final plan was prepared and submitted to the Open Government Partnership."),
}  # fmt: skip

# The 5th plan's stages as they stood on the day of the forum meeting, 25 November 2021.
STAGES_5 = {
    1: (C, D(2021, 2, 1), D(2021, 3, 31), D(2021, 2, 7), D(2021, 3, 31),
        para("""أُعدت منهجية الخطة الخامسة ومراحلها السبع وجدولها الزمني، ونُشرت على موقع
        وحدة الحكومة الشفافة قبل بدء المشاورات."""),
        para("""The methodology of the 5th plan, its seven stages and its timeline were
        prepared and published on the Open Government Unit's website before consultations
        began.""")),
    2: (C, D(2021, 4, 1), D(2021, 6, 15), D(2021, 4, 4), D(2021, 6, 17),
        para("""فُتح باب تقديم المقترحات للمواطنين ومؤسسات المجتمع المدني والقطاع الخاص
        والجهات الحكومية، وجُمعت المقترحات وصُنفت حسب المحاور."""),
        para("""The call for proposals was open to citizens, civil society, the private
        sector and government bodies; the proposals were collected and grouped by theme.""")),
    3: (C, D(2021, 6, 15), D(2021, 7, 31), D(2021, 6, 20), D(2021, 7, 29),
        para("""شُكلت مجموعة العمل الوطنية من ممثلين عن الجهات الحكومية ومؤسسات المجتمع
        المدني والقطاع الخاص والشباب."""),
        para("""The national working group was formed with representatives of government,
        civil society, the private sector and youth.""")),
    4: (C, D(2021, 8, 1), D(2021, 10, 31), D(2021, 8, 1), D(2021, 11, 10),
        para("""طُورت ستة التزامات بالتعاون مع الجهات المعنية، وعُرضت مسودتها على الفريق
        الوطني في اجتماعه بتاريخ 25/11/2021."""),
        para("""Six commitments were developed with the institutions concerned; the draft was
        presented to the national team at its meeting of 25 November 2021.""")),
    5: (P, D(2021, 11, 1), D(2021, 12, 31), D(2021, 11, 14), None,
        para("""تُعاد صياغة بعض الالتزامات في ضوء ملاحظات أعضاء الفريق الوطني، وتُرسل مخاطبات
        رسمية للوزارات والجهات المنفذة للحصول على موافقتها الرسمية على النسخة النهائية."""),
        para("""Some commitments are being reworded in light of the national team's remarks;
        formal letters go to the implementing ministries and agencies for their approval of
        the final text.""")),
    6: (P, D(2021, 11, 15), D(2022, 1, 15), D(2021, 11, 25), None,
        para("""تُنشر مسودة الالتزامات على موقع وحدة الحكومة الشفافة وعلى صفحات الوزارة في
        فيسبوك وتويتر، ويُفتح باب التعليقات العامة لمدة أسبوعين."""),
        para("""The draft commitments are published on the Open Government Unit's website and
        the ministry's Facebook and Twitter pages, with two weeks of public comment.""")),
    7: (N, D(2022, 1, 1), D(2022, 2, 28), None, None,
        para("""تبدأ بعد مراجعة كافة التعليقات والرد عليها واستلام الموافقات الرسمية من الجهات
        المنفذة."""),
        para("""Starts once every comment has been reviewed and answered and the formal
        approvals of the implementing bodies are in.""")),
}  # fmt: skip


# --- The six commitments of the 5th plan ------------------------------------------------------

# Policy areas: name_ar -> name_en.
POLICY_AREAS = {
    "الفضاء المدني": "Civic space",
    "النوع الاجتماعي": "Gender",
    "الحكومة الرقمية": "Digital government",
    "المشاركة العامة": "Public participation",
    "الشباب": "Youth",
    "مكافحة الفساد والنزاهة": "Anti-corruption and integrity",
    "الاستثمار العام": "Public investment",
}


@dataclass
class CommitmentData:
    number: int
    title_ar: str
    title_en: str
    description_ar: str
    description_en: str
    problem_ar: str
    problem_en: str
    solution_ar: str
    solution_en: str
    lead: str
    supporting: list[str]
    values: list[str]
    policy_areas: list[str]
    # (title_ar, title_en, starts_on, ends_on, weight)
    milestones: list[tuple[str, str, datetime.date, datetime.date, int]]


COMMITMENTS = [
    CommitmentData(
        number=1,
        title_ar="تعزيز الحوكمة لمؤسسات المجتمع المدني",
        title_en="Strengthening the governance of civil society organisations",
        description_ar=para("""
            تطوير إطار للحوكمة الرشيدة والإفصاح في مؤسسات المجتمع المدني بالشراكة مع سجل
            الجمعيات، يشمل دليلاً إرشادياً ونشر التقارير السنوية والمالية للجمعيات على منصة
            إلكترونية موحدة.
        """),
        description_en=para("""
            Develop, with the Registry of Associations, a framework of good governance and
            disclosure for civil society organisations: a guide, and publication of
            associations' annual and financial reports on one online platform.
        """),
        problem_ar=para("""
            ضعف ممارسات الحوكمة والإفصاح لدى عدد من مؤسسات المجتمع المدني، وصعوبة وصول
            المواطنين والجهات المانحة إلى معلومات موثوقة عن أنشطتها وتمويلها، مما يؤثر على
            الثقة بها.
        """),
        problem_en=para("""
            Governance and disclosure are weak in a number of civil society organisations, and
            citizens and donors struggle to find reliable information about their activities
            and funding, which undermines trust in them.
        """),
        solution_ar=para("""
            إعداد دليل حوكمة لمؤسسات المجتمع المدني بالتشاور معها، وتدريب الجمعيات على تطبيقه،
            وإطلاق خدمة إلكترونية لنشر بياناتها الأساسية وتقاريرها.
        """),
        solution_en=para("""
            Draft a governance guide together with civil society organisations, train
            associations to apply it, and launch an online service that publishes their basic
            data and reports.
        """),
        lead=MOPPA,
        supporting=[REGISTRY, HIMAM],
        values=["transparency", "civic_participation", "public_accountability"],
        policy_areas=["الفضاء المدني"],
        milestones=[
            (
                "إعداد دليل حوكمة مؤسسات المجتمع المدني بالتشاور مع الجمعيات",
                "Draft a governance guide for civil society organisations with associations",
                D(2022, 1, 1),
                D(2022, 12, 31),
                30,
            ),
            (
                "تدريب الجمعيات في المحافظات على تطبيق الدليل",
                "Train associations in the governorates to apply the guide",
                D(2023, 1, 1),
                D(2023, 12, 31),
                30,
            ),
            (
                "إطلاق منصة إلكترونية لنشر البيانات والتقارير السنوية للجمعيات",
                "Launch an online platform publishing associations' data and annual reports",
                D(2023, 6, 1),
                D(2024, 12, 31),
                40,
            ),
        ],
    ),
    CommitmentData(
        number=2,
        title_ar="تطوير وتفعيل سياسة دمج النوع الاجتماعي في القطاع العام",
        title_en=(
            "Developing and putting into effect a gender mainstreaming policy in the public sector"
        ),
        description_ar=para("""
            تحديث سياسة دمج النوع الاجتماعي في المؤسسات الحكومية وتفعيلها من خلال وحدات النوع
            الاجتماعي، مع مؤشرات لقياس التقدم تُنشر دورياً.
        """),
        description_en=para("""
            Update the policy for mainstreaming gender in government institutions and put it
            into effect through their gender units, with progress indicators published
            regularly.
        """),
        problem_ar=para("""
            محدودية مشاركة المرأة في مواقع صنع القرار في القطاع العام، وغياب بيانات مصنفة حسب
            الجنس تتيح متابعة الفجوات بين الجنسين في السياسات والخدمات.
        """),
        problem_en=para("""
            Women are under-represented in decision-making posts in the public sector, and
            there is little sex-disaggregated data to follow gender gaps in policies and
            services.
        """),
        solution_ar=para("""
            مراجعة السياسة الحالية بمشاركة مؤسسات المجتمع المدني، وإقرار خطة تنفيذية لها،
            وبناء قدرات وحدات النوع الاجتماعي، ونشر تقرير سنوي عن مؤشرات المساواة في القطاع
            العام.
        """),
        solution_en=para("""
            Review the current policy with civil society, adopt an implementation plan for it,
            build the capacity of gender units, and publish a yearly report on equality
            indicators in the public sector.
        """),
        lead=JNCW,
        supporting=[HIMAM],
        values=["transparency", "civic_participation", "public_accountability"],
        policy_areas=["النوع الاجتماعي"],
        milestones=[
            (
                "مراجعة سياسة دمج النوع الاجتماعي بالتشاور مع أصحاب المصلحة",
                "Review the gender mainstreaming policy with stakeholders",
                D(2022, 1, 1),
                D(2022, 9, 30),
                30,
            ),
            (
                "إقرار الخطة التنفيذية للسياسة وتعميمها على المؤسسات الحكومية",
                "Adopt the policy's implementation plan and circulate it to government bodies",
                D(2022, 10, 1),
                D(2023, 6, 30),
                30,
            ),
            (
                "نشر تقرير سنوي بمؤشرات النوع الاجتماعي في القطاع العام",
                "Publish a yearly report on gender indicators in the public sector",
                D(2023, 7, 1),
                D(2025, 6, 30),
                40,
            ),
        ],
    ),
    CommitmentData(
        number=3,
        title_ar="تعزيز المشاركة المجتمعية في عملية صنع القرار من خلال الوسائل الإلكترونية",
        title_en="Enhancing public participation in decision-making through electronic means",
        description_ar=para("""
            تطوير منصة إلكترونية وطنية للتشاور العام تنشر عليها الجهات الحكومية مشاريع
            السياسات والتشريعات لتلقي آراء المواطنين والرد عليها.
        """),
        description_en=para("""
            Develop a national online consultation platform where government bodies publish
            draft policies and legislation, receive citizens' views and answer them.
        """),
        problem_ar=para("""
            تجري المشاورات العامة بشكل متفرق وعبر قنوات مختلفة، ولا يعرف المواطن كيف أُخذ
            برأيه، مما يحد من المشاركة ومن ثقة المواطنين بجدواها.
        """),
        problem_en=para("""
            Public consultations are scattered over different channels and citizens do not
            learn what became of their views, which limits participation and their trust
            that it matters.
        """),
        solution_ar=para("""
            إطلاق منصة موحدة للتشاور الإلكتروني، ووضع معايير لمدة التشاور ونشر الردود، وتدريب
            ضباط الارتباط في الوزارات على استخدامها.
        """),
        solution_en=para("""
            Launch a single e-consultation platform, set standards for consultation periods and
            for publishing responses, and train ministry liaison officers to use it.
        """),
        lead=MODEE,
        supporting=[MOPIC],
        values=["transparency", "civic_participation", "technology_innovation"],
        policy_areas=["الحكومة الرقمية", "المشاركة العامة"],
        milestones=[
            (
                "إعداد معايير وطنية للتشاور الإلكتروني ونشر الردود على الملاحظات",
                "Set national standards for e-consultation and for publishing responses",
                D(2022, 1, 1),
                D(2022, 6, 30),
                25,
            ),
            (
                "تطوير المنصة الإلكترونية للتشاور العام وإطلاقها",
                "Develop and launch the public e-consultation platform",
                D(2022, 7, 1),
                D(2023, 6, 30),
                45,
            ),
            (
                "تدريب ضباط الارتباط في الوزارات والمؤسسات على استخدام المنصة",
                "Train liaison officers in ministries and agencies to use the platform",
                D(2023, 7, 1),
                D(2024, 6, 30),
                30,
            ),
        ],
    ),
    CommitmentData(
        number=4,
        title_ar=(
            "تعزيز دور الشباب في عملية بناء وإعداد الخطط والاستراتيجيات الحكومية المرتبطة "
            "بالشباب وتعزيز مشاركتهم في تنفيذها"
        ),
        title_en=(
            "Strengthening the role of young people in building and preparing the government "
            "plans and strategies that concern them, and their participation in carrying them out"
        ),
        description_ar=para("""
            إشراك الشباب بشكل منهجي في إعداد الاستراتيجية الوطنية للشباب ومتابعة تنفيذها من
            خلال مجالس شبابية في المحافظات.
        """),
        description_en=para("""
            Involve young people systematically in preparing the national youth strategy and
            in following its implementation through youth councils in the governorates.
        """),
        problem_ar=para("""
            يشارك الشباب بشكل محدود في إعداد الخطط والاستراتيجيات التي تخصهم، وغالباً ما تقتصر
            مشاركتهم على مراحل متأخرة أو على عدد محدود منهم في العاصمة.
        """),
        problem_en=para("""
            Young people have little part in preparing the plans and strategies that concern
            them; when they do, it is often late in the process and limited to a few in the
            capital.
        """),
        solution_ar=para("""
            اعتماد آلية للتشاور مع الشباب في جميع المحافظات عند إعداد الخطط الشبابية،
            وتمثيلهم في لجان متابعة التنفيذ، ونشر تقارير دورية عن التقدم.
        """),
        solution_en=para("""
            Adopt a way of consulting young people in every governorate when youth plans are
            prepared, give them seats on the committees that follow implementation, and
            publish regular progress reports.
        """),
        lead=MOY,
        supporting=[KULLUNA],
        values=["civic_participation", "public_accountability"],
        policy_areas=["الشباب", "المشاركة العامة"],
        milestones=[
            (
                "اعتماد آلية وطنية للتشاور مع الشباب في إعداد الخطط والاستراتيجيات",
                "Adopt a national mechanism for consulting young people on plans and strategies",
                D(2022, 1, 1),
                D(2022, 6, 30),
                30,
            ),
            (
                "عقد جلسات تشاورية مع الشباب في المحافظات الاثنتي عشرة",
                "Hold consultation sessions with young people in all twelve governorates",
                D(2022, 7, 1),
                D(2023, 6, 30),
                40,
            ),
            (
                "تمثيل الشباب في لجنة متابعة تنفيذ الاستراتيجية الوطنية للشباب ونشر تقارير التقدم",
                "Seat young people on the national youth strategy's follow-up committee and "
                "publish progress reports",
                D(2023, 7, 1),
                D(2025, 6, 30),
                30,
            ),
        ],
    ),
    CommitmentData(
        number=5,
        title_ar="تعزيز النزاهة على المستوى الوطني",
        title_en="Strengthening integrity at the national level",
        description_ar=para("""
            تطوير أدوات لقياس امتثال المؤسسات العامة لمعايير النزاهة ونشر نتائجها، وتعزيز
            قنوات الإبلاغ الآمن عن الفساد وحماية المبلغين.
        """),
        description_en=para("""
            Develop tools to measure how far public institutions comply with integrity
            standards and publish the results, and strengthen safe channels for reporting
            corruption and protecting those who report it.
        """),
        problem_ar=para("""
            تفاوت التزام المؤسسات العامة بمعايير النزاهة والشفافية وعدم نشر نتائج تقييمها،
            إضافة إلى تردد المواطنين في الإبلاغ عن الفساد خشية الضرر.
        """),
        problem_en=para("""
            Public institutions comply unevenly with integrity and transparency standards and
            their assessments are not published; citizens also hesitate to report corruption
            for fear of harm.
        """),
        solution_ar=para("""
            إعداد مؤشر وطني للنزاهة المؤسسية ونشر نتائجه سنوياً، وتطوير منصة إلكترونية للإبلاغ
            عن الفساد تضمن سرية هوية المبلغ وتتيح له متابعة بلاغه.
        """),
        solution_en=para("""
            Build a national index of institutional integrity and publish its results every
            year, and develop an online reporting platform that keeps the reporter's identity
            confidential and lets them follow their report.
        """),
        lead=JIACC,
        supporting=[JBA],
        values=["transparency", "public_accountability", "technology_innovation"],
        policy_areas=["مكافحة الفساد والنزاهة"],
        milestones=[
            (
                "إعداد منهجية المؤشر الوطني للنزاهة المؤسسية بالتشاور مع أصحاب المصلحة",
                "Design the national institutional integrity index with stakeholders",
                D(2022, 1, 1),
                D(2022, 12, 31),
                30,
            ),
            (
                "تطوير منصة الإبلاغ الإلكتروني الآمن عن الفساد",
                "Develop a secure online platform for reporting corruption",
                D(2022, 7, 1),
                D(2023, 12, 31),
                30,
            ),
            (
                "تطبيق المؤشر على المؤسسات العامة ونشر النتائج",
                "Apply the index to public institutions and publish the results",
                D(2023, 1, 1),
                D(2024, 6, 30),
                40,
            ),
        ],
    ),
    CommitmentData(
        number=6,
        title_ar=(
            "إشراك المجتمعات المحلية/ أصحاب المصلحة خلال المراحل المختلفة للمشاريع الحكومية "
            "الرأسمالية/ الاستثمارية لغايات دعم موائمة واستجابة هذه المشاريع لاحتياجات "
            "المجتمعات وتحسين مستوى الخدمات العامة"
        ),
        title_en=(
            "Involving local communities / stakeholders in the different stages of government "
            "capital / investment projects, so that these projects fit and respond to "
            "communities' needs and public services improve"
        ),
        description_ar=para("""
            إشراك المجتمعات المحلية في تحديد أولويات المشاريع الرأسمالية في المحافظات ومتابعة
            تنفيذها، ونشر بيانات هذه المشاريع بشكل مفتوح.
        """),
        description_en=para("""
            Involve local communities in setting the priorities of capital projects in the
            governorates and in following their implementation, and publish the projects'
            data openly.
        """),
        problem_ar=para("""
            تُحدد كثير من المشاريع الرأسمالية دون تشاور كافٍ مع المجتمعات المستفيدة، فلا تستجيب
            أحياناً لأولوياتها، ولا تتوفر للمواطنين معلومات كافية عن كلفتها ومراحل تنفيذها.
        """),
        problem_en=para("""
            Many capital projects are chosen without enough consultation with the communities
            they serve, so they sometimes miss their priorities, and citizens lack information
            about their cost and progress.
        """),
        solution_ar=para("""
            وضع دليل لإشراك المجتمعات المحلية في دورة المشروع الرأسمالي، وعقد جلسات تشاورية في
            المحافظات بالتنسيق مع مجالس المحافظات، ونشر بيانات المشاريع وتقدمها على بوابة
            البيانات المفتوحة.
        """),
        solution_en=para("""
            Write a guide to involving local communities across the capital project cycle,
            hold consultations in the governorates with the governorate councils, and publish
            project data and progress on the open data portal.
        """),
        lead=MOPIC,
        supporting=[GBD],
        values=["transparency", "civic_participation", "public_accountability"],
        policy_areas=["الاستثمار العام", "المشاركة العامة"],
        milestones=[
            (
                "إعداد دليل إشراك المجتمعات المحلية في مراحل المشاريع الرأسمالية",
                "Write a guide to involving local communities in the stages of capital projects",
                D(2022, 1, 1),
                D(2022, 9, 30),
                25,
            ),
            (
                "نشر بيانات المشاريع الرأسمالية وتقدم تنفيذها بصيغة بيانات مفتوحة",
                "Publish capital project data and implementation progress as open data",
                D(2022, 10, 1),
                D(2024, 6, 30),
                35,
            ),
            (
                "عقد جلسات تشاورية مع المجتمعات المحلية في المحافظات حول أولويات المشاريع",
                "Consult local communities in the governorates on project priorities",
                D(2023, 1, 1),
                D(2025, 6, 30),
                40,
            ),
        ],
    ),
]
COMMITMENT_DATES = (D(2022, 1, 1), D(2025, 6, 30))


# --- The forum, its meeting of 25 November 2021 and who attended -------------------------------

FORUM_AR = (
    "الفريق الوطني المكلف بإعداد ومتابعة خطط العمل الطوعية المرتبطة بالمشاركة في مبادرة "
    "الحكومات الشفافة"
)
FORUM_EN = "Multi-Stakeholder Forum of the Open Government Partnership"


@dataclass
class Attendee:
    honorific: str
    name_ar: str
    name_en: str
    position_ar: str
    position_en: str
    organisation: str
    role: str = Role.MEMBER


# In the order of the minutes; names, positions and organisations exactly as written there.
ATTENDEES = [
    Attendee(Honorific.MR, "مروان الرفاعي", "Marwan Al-Rifai",
             "أمين عام وزارة التخطيط والتعاون الدولي",
             "Secretary-General of the Ministry of Planning and International Cooperation",
             MOPIC, Role.CHAIR),
    Attendee(Honorific.MR, "نزار عوض", "Nizar Awad",
             "منسق وحدة الحكومة الشفافة", "Coordinator of the Open Government Unit",
             MOPIC, Role.COORDINATOR),
    Attendee(Honorific.MS, "مي عليجات", "Mai Eleimat",
             "مستشارة وحدة الحكومة الشفافة", "Adviser to the Open Government Unit",
             MOPIC, Role.ADVISER),
    Attendee(Honorific.MS, "سهير الكايد", "Suhair Al-Kayed",
             "ضابط اتصال وحدة الحكومة الشفافة", "Liaison Officer of the Open Government Unit",
             MOPIC, Role.LIAISON),
    Attendee(Honorific.MR, "خالد تخاينة", "Khaled Takhayneh", "", "", MOFAE),
    Attendee(Honorific.MS, "ربي الطراونة", "Ruba Al-Tarawneh",
             "رئيس قسم الامتثال", "Head of the Compliance Section", JIACC),
    Attendee(Honorific.MS, "روان المعاينة", "Rawan Al-Maayneh", "", "", JNCW),
    Attendee(Honorific.MS, "عبير مدانات", "Abeer Madanat",
             "المنسقة العامة", "General Coordinator", HIMAM),
    Attendee(Honorific.MR, "عبد الرحيم الزواهرة", "Abdul Rahim Al-Zawahreh", "", "", KULLUNA),
    Attendee(Honorific.MR, "محمد العقيلي", "Mohammad Al-Oqaili", "", "", GBD),
    Attendee(Honorific.MR, "أحمد عجارمة", "Ahmad Ajarmeh", "", "", MOPPA),
    Attendee(Honorific.MR, "طارق الحجازي", "Tareq Al-Hijazi",
             "مدير عام الجمعية", "Director General of the Association", JBA),
    Attendee(Honorific.MR, "يسري طهبوب", "Yousri Tahboub",
             "عضو مجلس إدارة الجمعية", "Member of the Association's Board of Directors", JBA),
]  # fmt: skip
CHAIR, COORDINATOR, ADVISER, LIAISON = (a.name_ar for a in ATTENDEES[:4])
# The attendee whose person record the demo forum_member account is linked to.
FORUM_MEMBER_PERSON = "عبير مدانات"

MEETING = {
    "title_ar": para("""
        اجتماع فريق العمل الوطني الثاني المكلف بإعداد ومتابعة خطط العمل الطوعية المرتبطة
        بالمشاركة في مبادرة الحكومات الشفافة 2025-2021
    """),
    "title_en": para("""
        Second meeting of the national team charged with preparing and following up the
        voluntary action plans of the Open Government Partnership 2021–2025
        (Multi-Stakeholder Forum)
    """),
    "starts_at": amman(2021, 11, 25, 11, 0),
    "ends_at": amman(2021, 11, 25, 12, 30),
    "mode": Mode.REMOTE,
    "place_ar": "عن بُعد عبر منصة ويبكس (WEBEX)",
    "place_en": "Remote, on the Webex platform",
    "platform": "Webex",
    "minutes_state": MinutesState.PUBLISHED,
    "minutes_published_at": amman(2021, 12, 2, 10, 0),
}

ORDINALS_AR = ["أولاً", "ثانياً", "ثالثاً", "رابعاً"]
ORDINALS_EN = ["First", "Second", "Third", "Fourth"]
COMMITMENT_ORDINALS_AR = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس"]

STAGE_LINES_AR = [
    "1. مرحلة إعداد منهجية الخطة.",
    "2. مرحلة تقديم مقترحات للخطة الوطنية الخامسة لشراكة الحكومات الشفافة.",
    "3. مرحلة تشكيل مجموعة العمل الوطنية للخطة.",
    "4. مرحلة تطوير الالتزامات.",
    "5. مرحلة مراجعة الالتزامات والموافقة عليها.",
    "6. مرحلة اعداد مسودة الخطة.",
    "7. مرحلة اعداد الخطة بالشكل النهائي.",
]
STAGE_LINES_EN = [
    "1. Preparing the plan's methodology.",
    "2. Submitting proposals for the 5th national plan of the Open Government Partnership.",
    "3. Forming the plan's national working group.",
    "4. Developing the commitments.",
    "5. Reviewing and approving the commitments.",
    "6. Preparing the draft plan.",
    "7. Preparing the final plan.",
]


@dataclass
class AgendaData:
    title_ar: str
    title_en: str
    discussion_ar: str
    discussion_en: str
    presenter: str | None


AGENDA = [
    AgendaData(
        title_ar="الترحيب بالحضور واستعراض انجازات الأردن ضمن مبادرة شراكة الحكومات الشفافة",
        title_en="Welcome, and Jordan's achievements in the Open Government Partnership",
        discussion_ar=para("""
            أفتتح عطوفة السيد مروان الرفاعي/ أمين عام وزارة التخطيط والتعاون الدولي الاجتماع
            بالترحيب بالحضور اعضاء الفريق الوطني المكلف بإعداد ومتابعة خطط العمل في مبادرة
            شراكة الحكومات الشفافة، وأستعرض انجازات الأردن المتميزة ضمن المبادرة عبر السنوات
            والتي تُعد مصدر فخر كبير من خلال تحقيق الأردن لمركز متقدم Involved في تعزيز
            المشاركة المجتمعية والشفافية بناء على تصنيف إدارة المبادرة. كما تحدث عن اهتمام
            الوزارة الكبير بوحدة الحكومة الشفافة من خلال تكليف أحد كوادر وزارة التخطيط بالعمل
            كمنسق للوحدة. وقام عطوفته بتقديم أعضاء فريق وحدة الحكومة الشفافة للحضور السيد نزار
            عوض منسق الوحدة والسيدة سهير الكايد ضابط الاتصال. كما قدم عطوفته أيضاً الشكر للسيدة
            مي عليجات على جهودها خلال عملها كمنسقة للوحدة في الأعوام السابقة حيث تشغل حالياً
            منصب مستشارة الوحدة.
        """),
        discussion_en=para("""
            Marwan Al-Rifai, Secretary-General of the Ministry of Planning and International
            Cooperation, opened the meeting by welcoming the members of the national team
            charged with preparing and following up the action plans of the Open Government
            Partnership. He reviewed Jordan's distinguished achievements in the partnership over
            the years, a source of great pride, Jordan having reached the advanced level
            "Involved" in strengthening public participation and transparency in the
            partnership's rating. He spoke of the ministry's strong interest in the Open
            Government Unit, shown by assigning a member of the Ministry of Planning's staff to
            serve as the unit's coordinator, and introduced the unit's team to those present:
            Nizar Awad, the unit's coordinator, and Suhair Al-Kayed, its liaison officer. He
            also thanked Mai Eleimat for her work as the unit's coordinator in previous years;
            she now serves as the unit's adviser.
        """),
        presenter=CHAIR,
    ),
    AgendaData(
        title_ar=(
            "إطلاع الحضور على تقدم سير العمل للخطة الوطنية الخامسة لمبادرة شراكة الحكومات "
            "الشفافة 2021-2025"
        ),
        title_en=(
            "Update on the progress of the 5th national plan of the Open Government Partnership "
            "2021–2025"
        ),
        discussion_ar=lines(
            para("""
                استهلت السيدة عليجات حديثها بعرض نسبة الانجازات المتحققة للالتزامات الخطة
                الوطنية الرابعة لمبادرة شراكة الحكومات الشفافة 2018-2021 ومن ثم استعرضت تقرير
                سير العمل ومراحل إعداد خطة العمل الوطنية الخامسة والتي اشتملت على 7 مراحل والتي
                اعتمدت النهج المتقدم في المشاورات والتشاركية مع كافة أصحاب المصلحة لتعزيز
                الشفافية:
            """),
            *STAGE_LINES_AR,
        ),
        discussion_en=lines(
            para("""
                Ms Eleimat began by presenting the achievement rate of the commitments of the
                4th national plan of the Open Government Partnership 2018–2021, then presented
                the progress report and the stages of preparing the 5th national action plan:
                seven stages, following an advanced approach of consultation and partnership
                with every stakeholder to strengthen transparency:
            """),
            *STAGE_LINES_EN,
        ),
        presenter=ADVISER,
    ),
    AgendaData(
        title_ar="استعراض مسودة التزامات الخطة الوطنية الخامسة للأعوام 2021-2025",
        title_en="Presentation of the draft commitments of the 5th national plan 2021–2025",
        discussion_ar=lines(
            para("""
                قامت السيدة سهير الكايد بتقديم عرض مرئي تضمن الالتزامات التي تضمنتها الخطة
                الوطنية الخامسة وهي:
            """),
            *(
                f"- الالتزام {ordinal}: {commitment.title_ar}"
                for ordinal, commitment in zip(COMMITMENT_ORDINALS_AR, COMMITMENTS, strict=True)
            ),
        ),
        discussion_en=lines(
            para("""
                Ms Suhair Al-Kayed gave a visual presentation of the commitments in the 5th
                national plan:
            """),
            *(f"- Commitment {c.number}: {c.title_en}" for c in COMMITMENTS),
        ),
        presenter=LIAISON,
    ),
    AgendaData(
        title_ar=para("""
            قيام أعضاء الفريق الوطني بمناقشة مسودة التزامات خطة العمل الوطنية الخامسة لشراكة
            الحكومات الشفافة للأعوام 2021-2025 وإبداء آرائهم حولها
        """),
        title_en=para("""
            Members of the national team discuss the draft commitments of the 5th national
            action plan of the Open Government Partnership 2021–2025 and give their views
        """),
        discussion_ar=para("""
            قام بعض الأعضاء بتوجيه أسئلة والتعليق على مسودة الالتزامات، كما تم الاتفاق على أن
            يتم إرسال أية ملاحظات أخرى لدى أعضاء الفريق إن وجدت عبر البريد الإلكتروني خلال
            الأيام القادمة.
        """),
        discussion_en=para("""
            Some members asked questions and commented on the draft commitments. It was agreed
            that members would send any further remarks by email in the coming days.
        """),
        presenter=None,
    ),
]


@dataclass
class OutcomeData:
    decision_ar: str
    decision_en: str
    due_on: datetime.date
    status: str
    all_commitments: bool


OUTCOMES = [
    OutcomeData(
        decision_ar=para("""
            إعادة صياغة بعض الالتزامات في الخطة الوطنية الخامسة ومن ثم نشرها على موقع وحدة
            الحكومة الشفافة وعلى مواقع التواصل الاجتماعي لوزارة التخطيط والتعاون الدولي الفيس
            بوك وتويتر، وفتح باب التعليقات العامة لإبداء الملاحظات لمدة اسبوعين حيث الدعوة
            مفتوحة لكافة المواطنين، ومختلف أصحاب المصلحة من مؤسسات المجتمع المدني والقطاع
            الخاص وغيرهم للتعليق على الالتزامات تعزيزاً للمشاركة المجتمعية وزيادة للشفافية.
        """),
        decision_en=para("""
            Reword some of the commitments of the 5th national plan, then publish them on the
            Open Government Unit's website and on the Ministry of Planning and International
            Cooperation's social media (Facebook and Twitter), and open public comment for two
            weeks. The invitation is open to all citizens and to stakeholders from civil
            society, the private sector and others, to comment on the commitments and so
            strengthen public participation and transparency.
        """),
        due_on=D(2021, 12, 18),
        status=OutcomeStatus.DONE,
        all_commitments=True,
    ),
    OutcomeData(
        decision_ar=para("""
            إرسال مخاطبات رسمية للوزارات والجهات المنفذة للالتزامات للحصول على موافقتهم الرسمية
            على نسخة الالتزامات النهائية.
        """),
        decision_en=para("""
            Send official letters to the ministries and agencies implementing the commitments
            to obtain their formal approval of the final version of the commitments.
        """),
        due_on=D(2021, 12, 31),
        status=OutcomeStatus.IN_PROGRESS,
        all_commitments=True,
    ),
    OutcomeData(
        decision_ar=para("""
            مراجعة كافة التعليقات ومن ثم إستكمال مراحل المنهجية من حيث إعداد الخطة الوطنية
            الخامسة بالشكل النهائي.
        """),
        decision_en=para("""
            Review all the comments, then complete the remaining stages of the methodology by
            preparing the final 5th national plan.
        """),
        due_on=D(2022, 1, 31),
        status=OutcomeStatus.OPEN,
        all_commitments=False,
    ),
]


def minutes_text(language: str) -> str:
    """The minutes as plain paragraphs: the agenda as discussed, then the agreed outcomes."""
    ar = language == "ar"
    ordinals = ORDINALS_AR if ar else ORDINALS_EN
    paragraphs = [
        f"{ordinal}: {item.title_ar} – {item.discussion_ar}"
        if ar
        else f"{ordinal}: {item.title_en}. {item.discussion_en}"
        for ordinal, item in zip(ordinals, AGENDA, strict=True)
    ]
    paragraphs.append(
        lines(
            "تم الاتفاق على ما يلي (المخرجات):" if ar else "It was agreed (outcomes):",
            *(f"- {o.decision_ar}" if ar else f"- {o.decision_en}" for o in OUTCOMES),
        )
    )
    return "\n\n".join(paragraphs)


# --- Comment windows, comments and responses --------------------------------------------------

PAST_WINDOW = {
    "kind": WindowKind.DRAFT_COMMITMENTS,
    "audience": Audience.PUBLIC,
    "title_ar": "التعليقات العامة على مسودة التزامات الخطة الوطنية الخامسة 2021-2025",
    "title_en": "Public comment on the draft commitments of the 5th national plan 2021–2025",
    "description_ar": para("""
        تنفيذاً لمخرجات اجتماع الفريق الوطني بتاريخ 25/11/2021، تدعو وحدة الحكومة الشفافة في
        وزارة التخطيط والتعاون الدولي كافة المواطنين ومؤسسات المجتمع المدني والقطاع الخاص
        وغيرهم من أصحاب المصلحة إلى التعليق على مسودة التزامات الخطة الوطنية الخامسة لمدة
        أسبوعين.
    """),
    "description_en": para("""
        Following the national team's meeting of 25 November 2021, the Open Government Unit at
        the Ministry of Planning and International Cooperation invites all citizens, civil
        society organisations, the private sector and other stakeholders to comment on the
        draft commitments of the 5th national plan for two weeks.
    """),
    "opens_at": amman(2021, 12, 5),
}
PAST_WINDOW_ANNOUNCED = {
    AnnouncementChannel.SITE: amman(2021, 12, 5, 9, 0),
    AnnouncementChannel.FACEBOOK: amman(2021, 12, 5, 9, 30),
    AnnouncementChannel.X: amman(2021, 12, 5, 9, 35),
}

OPEN_WINDOW = {
    "kind": WindowKind.DRAFT_PLAN,
    "audience": Audience.PUBLIC,
    "title_ar": "شاركونا آراءكم: مسودة الخطة الوطنية الخامسة 2021-2025",
    "title_en": "Have your say: the draft 5th national plan 2021–2025",
    "description_ar": para("""
        مسودة الخطة الوطنية الخامسة والتزاماتها الستة مفتوحة للتعليق العام لمدة أسبوعين.
        يمكنكم التعليق على أي التزام أو على الخطة بشكل عام، وسننشر رداً معللاً على كل تعليق.
    """),
    "description_en": para("""
        The draft 5th national plan and its six commitments are open for public comment for two
        weeks. Comment on any commitment or on the plan as a whole: we will publish a reasoned
        response to every comment.
    """),
}


@dataclass
class CommentData:
    key: str
    commitment: int | None
    part: str
    body: str
    author_name: str
    sector: str
    region: str
    channel: str
    received_at: datetime.datetime
    outcome: str
    reason_ar: str
    reason_en: str


COMMENTS = [
    CommentData(
        key="accessibility",
        commitment=3,
        part="solution",
        body=para("""
            نقترح أن تلتزم المنصة الإلكترونية للتشاور بمعايير إمكانية الوصول للأشخاص ذوي
            الإعاقة، وأن تعمل بسهولة على الهواتف الذكية، لأن أغلب الشباب في المحافظات يتصفحون من
            الهاتف فقط.
        """),
        author_name="ليلى",
        sector=Sector.CIVIL_SOCIETY,
        region=Region.IRBID,
        channel=Channel.SITE,
        received_at=amman(2021, 12, 6, 20, 14),
        outcome=ResponseOutcome.ACCEPTED,
        reason_ar=para("""
            ستُضاف معايير إمكانية الوصول والاستخدام عبر الهاتف إلى المعلم الأول (المعايير
            الوطنية للتشاور الإلكتروني) في النسخة المعدلة من الالتزام.
        """),
        reason_en=para("""
            Accessibility and mobile-use standards will be added to milestone 1 (national
            e-consultation standards) in the revised commitment.
        """),
    ),
    CommentData(
        key="youth-governorates",
        commitment=4,
        part="milestones",
        body=para("""
            الجلسات التشاورية تُعقد دائماً في عمّان. نريد أن تُعقد جلسات في معان والطفيلة والكرك،
            وأن يكون لشباب المحافظات ممثلون في لجنة المتابعة وليس في التشاور فقط.
        """),
        author_name="",
        sector=Sector.YOUTH,
        region=Region.MAAN,
        channel=Channel.FACEBOOK,
        received_at=amman(2021, 12, 8, 17, 2),
        outcome=ResponseOutcome.PARTLY_ACCEPTED,
        reason_ar=para("""
            ينص المعلم الثاني على عقد الجلسات في المحافظات الاثنتي عشرة جميعها، ومنها معان
            والطفيلة والكرك. أما التمثيل في لجنة المتابعة فسيكون عبر مجالس الشباب في المحافظات
            بمقعدين دوريين وليس بممثل عن كل محافظة، حفاظاً على حجم عملي للجنة.
        """),
        reason_en=para("""
            Milestone 2 has the sessions held in all twelve governorates, Ma'an, Tafilah and
            Karak among them. Representation on the follow-up committee will be through the
            governorate youth councils, with two rotating seats rather than one member per
            governorate, to keep the committee a workable size.
        """),
    ),
    CommentData(
        key="open-data-projects",
        commitment=6,
        part="milestones",
        body=para("""
            نرجو نشر بيانات المشاريع الرأسمالية بصيغة مفتوحة قابلة للتحميل (الكلفة، نسبة
            الإنجاز، الجهة المنفذة، الموقع) وليس كملفات PDF فقط، ليتمكن القطاع الخاص والباحثون
            من تحليلها.
        """),
        author_name="سامر",
        sector=Sector.PRIVATE_SECTOR,
        region=Region.AMMAN,
        channel=Channel.EMAIL,
        received_at=amman(2021, 12, 9, 11, 40),
        outcome=ResponseOutcome.ALREADY_COVERED,
        reason_ar=para("""
            ينص المعلم الثاني من الالتزام على نشر بيانات المشاريع الرأسمالية وتقدم تنفيذها
            بصيغة بيانات مفتوحة على بوابة البيانات المفتوحة، ويشمل ذلك الحقول المقترحة.
        """),
        reason_en=para("""
            Milestone 2 of the commitment already provides for publishing capital project data
            and implementation progress as open data on the open data portal, including the
            fields suggested.
        """),
    ),
    CommentData(
        key="foreign-funding",
        commitment=1,
        part="problem",
        body=para("""
            نخشى أن يتحول دليل الحوكمة إلى قيود إضافية على الجمعيات، خاصة في إجراءات الموافقة
            على التمويل الأجنبي التي تستغرق أشهراً. نطالب بأن يتضمن الالتزام تبسيط هذه
            الإجراءات.
        """),
        author_name="",
        sector=Sector.CIVIL_SOCIETY,
        region=Region.ZARQA,
        channel=Channel.SITE,
        received_at=amman(2021, 12, 12, 9, 25),
        outcome=ResponseOutcome.OUT_OF_SCOPE,
        reason_ar=para("""
            إجراءات الموافقة على التمويل الأجنبي ينظمها قانون الجمعيات وتعليماته، وتعديلها خارج
            نطاق هذه الخطة. الدليل المقترح إرشادي وطوعي ويُعد بالتشاور مع الجمعيات، وقد أُحيلت
            الملاحظة إلى سجل الجمعيات للنظر فيها.
        """),
        reason_en=para("""
            Approval of foreign funding is governed by the Associations Law and its
            instructions; changing it is outside the scope of this plan. The guide is voluntary
            and drafted with associations. The remark has been passed to the Registry of
            Associations.
        """),
    ),
    CommentData(
        key="access-to-information",
        commitment=None,
        part="general",
        body=para("""
            أقترح إضافة التزام لتطوير التشريعات الناظمة لحق الحصول على المعلومات، فهو أساس
            الشفافية ولا معنى للمشاركة دون معلومات.
        """),
        author_name="د. هالة",
        sector=Sector.ACADEMIA,
        region=Region.KARAK,
        channel=Channel.FACEBOOK,
        received_at=amman(2021, 12, 14, 22, 8),
        outcome=ResponseOutcome.NOT_ACCEPTED,
        reason_ar=para("""
            التزامات الخطة نتجت عن مرحلتي جمع المقترحات وتطوير الالتزامات، ولا يمكن إضافة التزام
            جديد في هذه المرحلة دون المرور بهما. سُجل المقترح ليُعرض ضمن دعوة تقديم المقترحات
            للخطة الوطنية السادسة.
        """),
        reason_en=para("""
            The plan's commitments came out of the proposals and development stages; a new
            commitment cannot be added at this point without going through them. The proposal
            has been recorded for the call for proposals of the 6th national plan.
        """),
    ),
    CommentData(
        key="gender-indicators",
        commitment=2,
        part="milestones",
        body=para("""
            يجب أن تتضمن السياسة مؤشرات واضحة مصنفة حسب الجنس، مثل نسبة النساء في الوظائف
            القيادية وفي لجان الشراء والتعيين، وأن تُنشر سنوياً.
        """),
        author_name="",
        sector=Sector.CIVIL_SOCIETY,
        region=Region.BALQA,
        channel=Channel.EMAIL,
        received_at=amman(2021, 12, 16, 13, 50),
        outcome=ResponseOutcome.ACCEPTED,
        reason_ar=para("""
            ستُضاف إلى المعلم الثالث مؤشرات محددة منها نسبة النساء في الوظائف القيادية وفي لجان
            الشراء والتعيين، وسيُنشر التقرير سنوياً.
        """),
        reason_en=para("""
            Specific indicators will be added to milestone 3, among them the share of women in
            leadership posts and on procurement and recruitment committees; the report will be
            published every year.
        """),
    ),
]
COMMENTS_PUBLISHED_AT = amman(2021, 12, 19, 10, 0)
RESPONSES_PUBLISHED_AT = amman(2022, 1, 10, 10, 0)


# --- Staff accounts ---------------------------------------------------------------------------

SUPERUSER = "admin"
ACCOUNT_ROLES = [roles.COORDINATOR, roles.EDITOR, roles.FOCAL_POINT, roles.FORUM_MEMBER]


def demo_password(path: Path) -> tuple[str, str]:
    """The demo accounts' password and where it came from.

    DEMO_PASSWORD wins; otherwise the password kept in `path`, generated (and written with
    mode 0600) on the first run only, so later runs do not lock anyone out.
    """
    from_env = os.environ.get(PASSWORD_ENV, "")
    if from_env:
        return from_env, PASSWORD_ENV
    if path.exists():
        kept = path.read_text(encoding="utf-8").strip()
        if kept:
            return kept, str(path)
    password = secrets.token_urlsafe(18)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)
    return password, str(path)


# --- Loading ----------------------------------------------------------------------------------


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (username, role)
    open_window: CommentWindow | None = None


class Loader:
    """Writes rows found by natural key, saving only what differs, and counts the writes."""

    def __init__(self):
        self.report = LoadReport()
        self._created: set[tuple[str, object]] = set()

    def touched(self, obj: models.Model) -> None:
        """Count a write to `obj` (a relation, a password) unless the row was new this run."""
        if (obj._meta.label, obj.pk) not in self._created:
            self.report.updated += 1

    def upsert(self, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self._created.add((obj._meta.label, obj.pk))
            self.report.created += 1
            return obj
        changed = [name for name, value in values.items() if not self._same(obj, name, value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.report.updated += 1
        return obj

    @staticmethod
    def _same(obj: models.Model, name: str, value) -> bool:
        model_field = obj._meta.get_field(name)
        if model_field.many_to_one or model_field.one_to_one:
            return getattr(obj, model_field.attname) == (value.pk if value is not None else None)
        return getattr(obj, name) == value

    def set_m2m(self, obj: models.Model, name: str, targets) -> None:
        manager = getattr(obj, name)
        if set(manager.values_list("pk", flat=True)) != {target.pk for target in targets}:
            manager.set(targets)
            self.touched(obj)


@transaction.atomic
def load_demo(
    *, now: datetime.datetime, password: str, superuser_password: bool = True
) -> LoadReport:
    """Load (or bring back to its defined state) the whole demo; safe to run any number of times.

    `superuser_password=False` (production, see the load_demo command): the superuser gets
    no usable password when created, and an existing one's password is left alone.
    """
    loader = Loader()
    organisations = load_organisations(loader)
    _plan_4, plan_5 = load_plans(loader)
    commitments = load_commitments(loader, plan_5, organisations)
    load_approval_letters(loader, commitments)
    users = load_accounts(loader, password, organisations, superuser_password)
    forum, people = load_forum(loader, organisations, users[roles.FORUM_MEMBER])
    load_meeting(loader, forum, plan_5, people, organisations, commitments)
    load_windows(loader, plan_5, commitments, users[roles.EDITOR], now)
    return loader.report


def load_organisations(loader: Loader) -> dict[str, Organisation]:
    return {
        name_ar: loader.upsert(
            Organisation,
            {"name_ar": name_ar},
            {"name_en": name_en, "acronym": acronym, "sector": sector},
        )
        for name_ar, (name_en, acronym, sector) in ORGANISATIONS.items()
    }


def load_plans(loader: Loader) -> tuple[ActionPlan, ActionPlan]:
    plans = []
    for data, stages in ((PLAN_4, STAGES_4), (PLAN_5, STAGES_5)):
        values = dict(data, is_public=True)
        plan = loader.upsert(
            ActionPlan, {"country_code": "JO", "number": values.pop("number")}, values
        )
        for number, row in stages.items():
            status, planned_start, planned_end, actual_start, actual_end, notes_ar, notes_en = row
            loader.upsert(
                MethodologyStage,
                {"plan": plan, "number": number},
                {
                    "status": status,
                    "planned_start": planned_start,
                    "planned_end": planned_end,
                    "actual_start": actual_start,
                    "actual_end": actual_end,
                    "notes_ar": notes_ar,
                    "notes_en": notes_en,
                },
            )
        plans.append(plan)
    return plans[0], plans[1]


def load_commitments(
    loader: Loader, plan: ActionPlan, organisations: dict[str, Organisation]
) -> list[Commitment]:
    areas = {
        name_ar: loader.upsert(PolicyArea, {"name_ar": name_ar}, {"name_en": name_en})
        for name_ar, name_en in POLICY_AREAS.items()
    }
    commitments = []
    for data in COMMITMENTS:
        commitment = loader.upsert(
            Commitment,
            {"plan": plan, "number": data.number},
            {
                "title_ar": data.title_ar,
                "title_en": data.title_en,
                "description_ar": data.description_ar,
                "description_en": data.description_en,
                "problem_ar": data.problem_ar,
                "problem_en": data.problem_en,
                "solution_ar": data.solution_ar,
                "solution_en": data.solution_en,
                "transparency": "transparency" in data.values,
                "civic_participation": "civic_participation" in data.values,
                "public_accountability": "public_accountability" in data.values,
                "technology_innovation": "technology_innovation" in data.values,
                "lead_institution": organisations[data.lead],
                "starts_on": COMMITMENT_DATES[0],
                "ends_on": COMMITMENT_DATES[1],
                "status": CommitmentStatus.UNDER_REVIEW,
                "is_published": True,
            },
        )
        loader.set_m2m(commitment, "policy_areas", [areas[name] for name in data.policy_areas])
        loader.set_m2m(
            commitment,
            "supporting_institutions",
            [organisations[name] for name in data.supporting],
        )
        for number, (title_ar, title_en, starts_on, ends_on, weight) in enumerate(
            data.milestones, start=1
        ):
            loader.upsert(
                Milestone,
                {"commitment": commitment, "number": number},
                {
                    "title_ar": title_ar,
                    "title_en": title_en,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "weight": weight,
                },
            )
        commitments.append(commitment)
    return commitments


# Stage 5 as it stood: letters went to the lead institutions after the forum meeting; the
# first came back approved, the second is still awaited past its due date.
APPROVAL_LETTERS = [
    # (commitment number, reference, sent, due, received, decision)
    (1, "و.ت/1/2021/4471", D(2021, 11, 28), D(2021, 12, 12), D(2021, 12, 6), Decision.APPROVED),
    (2, "و.ت/1/2021/4472", D(2021, 11, 28), D(2021, 12, 12), None, Decision.PENDING),
]


def load_approval_letters(loader: Loader, commitments: list[Commitment]) -> None:
    by_number = {commitment.number: commitment for commitment in commitments}
    for number, reference, sent_on, due_on, received_on, decision in APPROVAL_LETTERS:
        commitment = by_number[number]
        loader.upsert(
            ApprovalLetter,
            {"commitment": commitment, "reference": reference},
            {
                "organisation": commitment.lead_institution,
                "sent_on": sent_on,
                "due_on": due_on,
                "received_on": received_on,
                "decision": decision,
            },
        )


def load_forum(
    loader: Loader, organisations: dict[str, Organisation], forum_member_account
) -> tuple[Body, dict[str, Person]]:
    forum = loader.upsert(
        Body, {"name_ar": FORUM_AR}, {"kind": BodyKind.FORUM, "name_en": FORUM_EN, "plan": None}
    )
    people = {}
    for attendee in ATTENDEES:
        values = {"honorific": attendee.honorific, "name_en": attendee.name_en}
        if attendee.name_ar == FORUM_MEMBER_PERSON:
            values["user"] = forum_member_account
        person = loader.upsert(Person, {"name_ar": attendee.name_ar}, values)
        loader.upsert(
            Membership,
            {
                "body": forum,
                "person": person,
                "organisation": organisations[attendee.organisation],
            },
            {
                "role": attendee.role,
                "position_ar": attendee.position_ar,
                "position_en": attendee.position_en,
            },
        )
        people[attendee.name_ar] = person
    return forum, people


def load_meeting(
    loader: Loader,
    forum: Body,
    plan: ActionPlan,
    people: dict[str, Person],
    organisations: dict[str, Organisation],
    commitments: list[Commitment],
) -> Meeting:
    values = dict(MEETING)
    meeting = loader.upsert(
        Meeting,
        {"body": forum, "starts_at": values.pop("starts_at")},
        {
            **values,
            "plan": plan,
            "minutes_ar": minutes_text("ar"),
            "minutes_en": minutes_text("en"),
        },
    )
    for order, attendee in enumerate(ATTENDEES, start=1):
        loader.upsert(
            Attendance,
            {"meeting": meeting, "person": people[attendee.name_ar]},
            {
                "organisation": organisations[attendee.organisation],
                "position_ar": attendee.position_ar,
                "position_en": attendee.position_en,
                "role": attendee.role,
                "status": AttendanceStatus.PRESENT,
                "order": order,
            },
        )
    for number, item in enumerate(AGENDA, start=1):
        loader.upsert(
            AgendaItem,
            {"meeting": meeting, "number": number},
            {
                "title_ar": item.title_ar,
                "title_en": item.title_en,
                "discussion_ar": item.discussion_ar,
                "discussion_en": item.discussion_en,
                "presenter": people[item.presenter] if item.presenter else None,
            },
        )
    for number, data in enumerate(OUTCOMES, start=1):
        outcome = loader.upsert(
            Outcome,
            {"meeting": meeting, "number": number},
            {
                "decision_ar": data.decision_ar,
                "decision_en": data.decision_en,
                "owner": organisations[OGP_UNIT],
                "due_on": data.due_on,
                "status": data.status,
            },
        )
        loader.set_m2m(outcome, "commitments", commitments if data.all_commitments else [])
    return meeting


def load_accounts(
    loader: Loader,
    password: str,
    organisations: dict[str, Organisation],
    superuser_password: bool = True,
) -> dict[str, models.Model]:
    roles.sync_roles()
    users = {}
    for username in [SUPERUSER, *ACCOUNT_ROLES]:
        user = loader.upsert(
            get_user_model(),
            {"username": username},
            {
                "email": f"{username.replace('_', '-')}@example.org",
                "is_staff": True,
                "is_superuser": username == SUPERUSER,
                "is_active": True,
            },
        )
        if username == SUPERUSER and not superuser_password:
            if user.password == "":
                user.set_unusable_password()
                user.save(update_fields=["password"])
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            loader.touched(user)
        if username != SUPERUSER:
            loader.set_m2m(user, "groups", [Group.objects.get(name=username)])
        loader.report.accounts.append(
            (username, "superuser" if username == SUPERUSER else username)
        )
        users[username] = user

    integrity = organisations[JIACC]
    if not integrity.focal_points.filter(pk=users[roles.FOCAL_POINT].pk).exists():
        integrity.focal_points.add(users[roles.FOCAL_POINT])
        loader.touched(integrity)
    return users


def start_of_day(moment: datetime.datetime) -> datetime.datetime:
    day = moment.astimezone(AMMAN).date()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=AMMAN)


def load_windows(
    loader: Loader,
    plan: ActionPlan,
    commitments: list[Commitment],
    editor,
    now: datetime.datetime,
) -> None:
    past_values = dict(PAST_WINDOW)
    past_values["closes_at"] = default_closes_at(past_values["opens_at"])
    past = loader.upsert(
        CommentWindow, {"plan": plan, "title_ar": past_values.pop("title_ar")}, past_values
    )
    loader.set_m2m(past, "commitments", commitments)
    for channel, announced_at in PAST_WINDOW_ANNOUNCED.items():
        loader.upsert(
            Announcement,
            {"window": past, "channel": channel},
            {"url": "", "announced_at": announced_at},
        )
    by_number = {commitment.number: commitment for commitment in commitments}
    for index, data in enumerate(COMMENTS, start=1):
        comment = loader.upsert(
            Comment,
            {"submission_token": uuid.uuid5(DEMO_NAMESPACE, data.key)},
            {
                "window": past,
                "commitment": by_number.get(data.commitment),
                "part": data.part,
                "body": data.body,
                "author_name": data.author_name,
                "sector": data.sector,
                "region": data.region,
                "channel": data.channel,
                "tracking_number": f"C-2021-DE{index:06d}",
                "state": ModerationState.PUBLISHED,
                "hidden_reason": "",
                "created_at": data.received_at,
                "published_at": COMMENTS_PUBLISHED_AT,
            },
        )
        loader.upsert(
            Response,
            {"comment": comment},
            {
                "outcome": data.outcome,
                "reason_ar": data.reason_ar,
                "reason_en": data.reason_en,
                "responded_by": editor,
                "created_at": RESPONSES_PUBLISHED_AT - datetime.timedelta(days=3),
                "published_at": RESPONSES_PUBLISHED_AT,
            },
        )

    # Open today: on a later run, a window that has closed (or not yet opened) moves to today.
    open_values = dict(OPEN_WINDOW)
    lookup = {"plan": plan, "title_ar": open_values.pop("title_ar")}
    current = CommentWindow.objects.filter(**lookup).first()
    if current is not None and current.is_open(now):
        opens_at, closes_at = current.opens_at, current.closes_at
    else:
        opens_at = start_of_day(now)
        closes_at = default_closes_at(opens_at)
    window = loader.upsert(
        CommentWindow, lookup, {**open_values, "opens_at": opens_at, "closes_at": closes_at}
    )
    loader.set_m2m(window, "commitments", commitments)
    loader.upsert(
        Announcement,
        {"window": window, "channel": AnnouncementChannel.SITE},
        {"url": "", "announced_at": opens_at},
    )
    loader.report.open_window = window
