"""The public site's list pages, compliance page, search, open data, sitemap and robots.

Every page here: anonymous and cached (`page_cache.public_page`, wrapped in urls.py), GET
and HEAD only, a fixed number of queries whatever the data size, query parameters read
through an allow-list (an unknown or malformed value is ignored, never an error), and
plans looked up by country and number (plan numbers are unique per country only).
"""

import dataclasses
import datetime
from collections import Counter
from decimal import Decimal
from operator import itemgetter
from typing import ClassVar, NamedTuple

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from commitments.models import (
    OGP_VALUE_FIELDS,
    Commitment,
    CommitmentStatus,
    Milestone,
    MilestoneStatus,
    weighted_completion,
    with_progress,
)
from consultations.models import CommentWindow
from core.i18n import Translated, blocktranslated, number_text
from core.links import UrlPattern
from core.numbers import query_int
from meetings.models import Meeting
from plans.models import (
    STAGE_NAMES,
    ActionPlan,
    Document,
    DocumentKind,
    Organisation,
    period_label,
)
from public import opendata
from public.compliance import compliance_report
from public.search import MAX_QUERY_LENGTH, search, searched_rows

PAGE_SIZE = 20
MAX_PAGE = 10_000


def site_plans():
    return ActionPlan.objects.public()


class PlanRow(NamedTuple):
    """What the compliance page reads of its plan: title, number and period (the two
    summaries, the longest columns, are not shown), as a plain row with the model's own
    title, period and URL."""

    pk: int
    number: int
    title_ar: str
    title_en: str
    starts_on: datetime.date
    ends_on: datetime.date

    title = Translated("title")
    period_label = ActionPlan.period_label
    get_absolute_url = ActionPlan.get_absolute_url


# The compliance page's plan joined to its stages' actual days (one row per stage; one row
# of None days when it has none: a LEFT JOIN), which the compliance checks would otherwise
# read in a query of their own. Built once when the module loads, as the compliance
# checks' querysets are; each request narrows a copy to its plan.
COMPLIANCE_PLANS = (
    site_plans()
    .order_by()
    .values_list(*PlanRow._fields, "stages__actual_start", "stages__actual_end")
)


def public_plan(number: int) -> tuple[PlanRow, list]:
    """The compliance page's plan and its stages' (actual_start, actual_end), or the 404
    page."""
    rows = list(COMPLIANCE_PLANS.filter(number=number))
    if not rows:
        raise Http404
    columns = len(PlanRow._fields)
    return PlanRow._make(rows[0][:columns]), [row[columns:] for row in rows]


def one_of(value, allowed) -> str | None:
    return value if value in allowed else None


def paginate(request, queryset):
    """A page of `queryset`; a malformed or too large page number shows the nearest page."""
    paginator = Paginator(queryset, PAGE_SIZE)
    number = query_int(request.GET.get("page"), minimum=1, maximum=MAX_PAGE) or 1
    return paginator.get_page(min(number, MAX_PAGE))


def query_without_page(request, allowed: list[str]) -> str:
    """The allow-listed filters of this request, for the pager's links."""
    query = request.GET.copy()
    for key in list(query):
        if key not in allowed:
            del query[key]
    return query.urlencode()


def choice_list(choices) -> list[dict]:
    return [{"value": str(value), "label": label} for value, label in choices]


# --- plans ------------------------------------------------------------------------------


@require_safe
def plan_list(request):
    """Every public plan of the country, newest first."""
    plans = list(site_plans().order_by("-number"))
    return render(request, "plans/actionplan_list.html", {"plans": plans})


# --- commitments ------------------------------------------------------------------------

COMMITMENT_FILTERS = ["plan", "institution", "value", "status"]

# The list's querysets, built once when the module loads (each request reads a copy, `.all()`
# or a filtered one): building a queryset's filters and joins costs about as much as running
# its query on the site's data.
FILTER_PLANS = site_plans().order_by("-number").only("pk", "number", "title_ar", "title_en")
PUBLISHED_COMMITMENTS = Commitment.objects.published()
LEAD_INSTITUTIONS = (
    Organisation.objects.filter(led_commitments__in=PUBLISHED_COMMITMENTS)
    .distinct()
    .order_by("name_ar")
    .only("pk", "name_ar", "name_en")
)
COMMITMENT_CARDS = PUBLISHED_COMMITMENTS.order_by("-plan__number", "number")


@require_safe
def commitment_list(request):
    """Published commitments, filterable by plan, lead institution, OGP value and status."""
    selected = {
        "plan": query_int(request.GET.get("plan"), minimum=1, maximum=999),
        "institution": query_int(request.GET.get("institution"), minimum=1, maximum=10**9),
        "value": one_of(request.GET.get("value"), OGP_VALUE_FIELDS),
        "status": one_of(request.GET.get("status"), CommitmentStatus.values),
    }
    commitments = COMMITMENT_CARDS.all()
    if selected["plan"]:
        commitments = commitments.filter(plan__number=selected["plan"])
    if selected["institution"]:
        commitments = commitments.filter(lead_institution_id=selected["institution"])
    if selected["value"]:
        commitments = commitments.filter(**{selected["value"]: True})
    if selected["status"]:
        commitments = commitments.filter(status=selected["status"])
    page = paginate(request, commitments.values_list(*CardRow.COLUMNS))
    values = [(flag, Commitment._meta.get_field(flag).verbose_name) for flag in OGP_VALUE_FIELDS]
    context = {
        "page": page,
        "cards": commitment_cards(
            card_rows(page.object_list),
            gettext("Commitment %(number)s, plan <bdi>%(period)s</bdi>"),
        ),
        "plans": list(FILTER_PLANS.all()),
        "institutions": list(LEAD_INSTITUTIONS.all()),
        "values": choice_list(values),
        "statuses": choice_list(CommitmentStatus.choices),
        "selected": {key: str(value) if value else "" for key, value in selected.items()},
        "filtered": any(selected.values()),
        "query": query_without_page(request, COMMITMENT_FILTERS),
    }
    return render(request, "commitments/commitment_list.html", context)


@dataclasses.dataclass
class CardRow:
    """What a commitment card (commitments/_card_grid.html) shows, read as a plain row: a
    values query with the lead institution's and plan's columns compiles and loads in half
    the time of the same columns as model instances (bench/README.md). It reads like the
    model where the card needs it: `title` and `lead_name` in the page's language (for
    `bidi_text`), `get_status_display`, `period_label`, and `progress` once set."""

    pk: int
    number: int
    ogp_id: str
    title_ar: str
    title_en: str
    status: str
    lead_name_ar: str
    lead_name_en: str
    plan_number: int
    plan_starts_on: datetime.date
    plan_ends_on: datetime.date
    progress: Decimal = Decimal(0)

    # The query's columns, in the order of the fields above.
    COLUMNS: ClassVar[list[str]] = [
        "pk",
        "number",
        "ogp_id",
        "title_ar",
        "title_en",
        "status",
        "lead_institution__name_ar",
        "lead_institution__name_en",
        "plan__number",
        "plan__starts_on",
        "plan__ends_on",
    ]
    title: ClassVar[Translated] = Translated("title")
    lead_name: ClassVar[Translated] = Translated("lead_name")
    get_status_display = Commitment.get_status_display

    @property
    def period_label(self) -> str:
        return period_label(self.plan_starts_on, self.plan_ends_on)


def card_rows(rows) -> list[CardRow]:
    """CardRow.COLUMNS rows as cards' rows, each with its progress (one more query)."""
    return with_progress([CardRow(*row) for row in rows])


def commitment_cards(rows: list[CardRow], label: str) -> list[dict]:
    """Each card's row (progress set), link and texts. The texts are translated once per
    page and filled per card as `{% blocktranslate %}` would, and the link reversed once per
    plan: a tag or a reverse() per card costs more than the card's data. `label`: the card's
    translated heading, with `%(number)s` and optionally its plan's `%(period)s`."""
    meter_label = gettext("Progress of commitment %(number)s")
    percent_text = gettext("%(percent)s%%")
    urls = {}  # Commitment.get_absolute_url, per plan number
    cards = []
    for row in rows:
        if row.plan_number not in urls:
            urls[row.plan_number] = UrlPattern(
                "commitments:detail", "number", plan_number=row.plan_number
            )
        cards.append(
            {
                "commitment": row,
                "url": urls[row.plan_number](row.number),
                "label": blocktranslated(label, number=row.number, period=row.period_label),
                "meter_label": blocktranslated(meter_label, number=row.number),
                "percent_text": blocktranslated(
                    percent_text, percent=floatformat(row.progress, "-1")
                ),
            }
        )
    return cards


# --- meetings ---------------------------------------------------------------------------


@require_safe
def meeting_list(request):
    """Meetings whose minutes are published, newest first, filterable by plan."""
    plans = list(site_plans().order_by("-number").only("pk", "number", "title_ar", "title_en"))
    plan_number = query_int(request.GET.get("plan"), minimum=1, maximum=999)
    meetings = Meeting.objects.public().select_related("body", "plan").order_by("-starts_at")
    if plan_number:
        meetings = meetings.filter(plan__number=plan_number)
    page = paginate(request, meetings)
    context = {
        "page": page,
        "meetings": list(page.object_list),
        "plans": plans,
        "selected": {"plan": str(plan_number or "")},
        "query": query_without_page(request, ["plan"]),
    }
    return render(request, "meetings/meeting_list.html", context)


# --- the document repository -----------------------------------------------------------

DOCUMENT_FILTERS = ["plan", "stage", "kind"]


@require_safe
def document_list(request):
    """The OGP document repository: every public document, newest first, by plan, stage
    and kind."""
    plans = list(site_plans().order_by("-number").only("pk", "number", "title_ar", "title_en"))
    selected = {
        "plan": query_int(request.GET.get("plan"), minimum=1, maximum=999),
        "stage": query_int(request.GET.get("stage"), minimum=1, maximum=len(STAGE_NAMES)),
        "kind": one_of(request.GET.get("kind"), DocumentKind.values),
    }
    documents = (
        Document.objects.public().select_related("plan", "stage").order_by("-published_at", "-pk")
    )
    if selected["plan"]:
        documents = documents.filter(plan__number=selected["plan"])
    if selected["stage"]:
        documents = documents.filter(stage__number=selected["stage"])
    if selected["kind"]:
        documents = documents.filter(kind=selected["kind"])
    page = paginate(request, documents)
    context = {
        "page": page,
        "documents": list(page.object_list),
        "plans": plans,
        "stages": choice_list(STAGE_NAMES.items()),
        "kinds": choice_list(DocumentKind.choices),
        "selected": {key: str(value) if value else "" for key, value in selected.items()},
        "filtered": any(selected.values()),
        "query": query_without_page(request, DOCUMENT_FILTERS),
    }
    return render(request, "plans/document_list.html", context)


# --- compliance -------------------------------------------------------------------------


@require_safe
def compliance(request, number: int):
    """The OGP minimum requirements of one plan: met, not met or not yet due, and who
    attended each forum meeting by sector."""
    plan, stage_days = public_plan(number)
    report = compliance_report(plan, stage_days=stage_days)
    context = {
        "plan": plan,
        "checks": report.checks,
        "met": report.met,
        "meetings": report.meetings,
        "bodies": report.bodies,
        "without_non_government": report.without_non_government,
        "progress": progress_chart(plan),
    }
    return render(request, "plans/compliance.html", context)


class MilestoneFigures(NamedTuple):
    """What the progress chart reads of one milestone: a plain row, not a model instance."""

    weight: int
    status: str
    progress_percent: int
    ends_on: datetime.date

    # The model's own rule (a completed milestone counts 100), so the bars agree with the
    # commitment pages.
    completion_percent = Milestone.completion_percent


# Each published commitment's columns, then its milestones' (None when it has none: a
# LEFT JOIN). Built once when the module loads, like compliance.py's queries: each request
# only narrows a copy to its plan. Not ordered in SQL: `progress_chart` sorts the bars.
PROGRESS_ROWS = (
    Commitment.objects.published()
    .order_by()
    .values_list(
        "pk",
        "number",
        "milestones__weight",
        "milestones__status",
        "milestones__progress_percent",
        "milestones__ends_on",
    )
)


def progress_chart(plan: PlanRow) -> dict:
    """Bars of progress per commitment and the milestones by status at each half-year end,
    with their texts (each translated once, not once per row).

    One query of plain rows (commitments joined to their milestones) grouped here: cheaper
    than loading the commitments and prefetching their milestones as model instances."""
    by_commitment = {}
    for pk, number, *figures in PROGRESS_ROWS.filter(plan_id=plan.pk):
        _number, of_commitment = by_commitment.setdefault(pk, (number, []))
        if figures[1] is not None:  # a status: the commitment has this milestone
            of_commitment.append(MilestoneFigures(*figures))
    label = gettext("Commitment %(number)s")
    meter_label = gettext("Progress of commitment %(number)s")
    percent_text = gettext("%(percent)s%%")
    # Commitment.get_absolute_url, reversed once for all the bars.
    url = UrlPattern("commitments:detail", "number", plan_number=plan.number)
    bars = []
    for number, of_commitment in sorted(by_commitment.values(), key=itemgetter(0)):
        percent = int(weighted_completion(of_commitment))
        bars.append(
            {
                "url": url(number),
                "label": number_text(label, number=number),
                "meter_label": number_text(meter_label, number=number),
                "percent": percent,
                "percent_text": number_text(percent_text, percent=percent),
            }
        )
    milestones = [m for _number, of_commitment in by_commitment.values() for m in of_commitment]
    counts = Counter(m.status for m in milestones)
    by_status = []
    for status in MilestoneStatus:
        count = counts[status.value]
        if count:
            by_status.append({"status": status.value, "label": status.label, "count": count})
    total = len(milestones) or 1
    offset = 0.0
    legend = gettext("%(label)s: %(count)s (%(percent)s%%)")
    for row in by_status:
        row["percent"] = round(100 * row["count"] / total)
        row["x"] = f"{offset:.2f}"
        row["width"] = f"{100 * row['count'] / total:.2f}"
        row["legend"] = blocktranslated(
            legend, label=row["label"], count=row["count"], percent=row["percent"]
        )
        offset += 100 * row["count"] / total
    due = []
    done_text = gettext("%(done)s of %(total)s")
    meter_label = gettext("Milestones completed of those due in %(year)s")
    for year in range(plan.starts_on.year, plan.ends_on.year + 1):
        ending = [m for m in milestones if m.ends_on.year == year]
        if ending:
            done = sum(1 for m in ending if m.status == MilestoneStatus.COMPLETED)
            due.append(
                {
                    "year": year,
                    "count": len(ending),
                    "done": done,
                    "percent": round(100 * done / len(ending)),
                    "done_text": number_text(done_text, done=done, total=len(ending)),
                    "meter_label": number_text(meter_label, year=year),
                }
            )
    return {"bars": bars, "by_status": by_status, "due_by_year": due}


# --- search -----------------------------------------------------------------------------

SEARCHED = searched_rows()


@require_safe
def search_page(request):
    """Search plans, commitments, meetings and documents in Arabic and English."""
    raw = str(request.GET.get("q", ""))[:MAX_QUERY_LENGTH].strip()
    results = search(raw, SEARCHED) if raw else {}
    context = {
        "q": raw,
        "results": results,
        "total": sum(len(rows) for rows in results.values()),
    }
    return render(request, "search.html", context)


# --- open data --------------------------------------------------------------------------


@require_safe
def opendata_index(request):
    """The open datasets, their formats and the data dictionary."""
    return render(request, "opendata/index.html", {"datasets": opendata.DATASETS})


@require_safe
def opendata_file(request, dataset: str, fmt: str):
    if dataset not in opendata.BY_SLUG or fmt not in opendata.FORMATS:
        raise Http404
    content = opendata.render_dataset(opendata.BY_SLUG[dataset], fmt)
    response = HttpResponse(content, content_type=opendata.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="ogp-{dataset}.{fmt}"'
    return response


@require_safe
def opendata_dictionary(request):
    import json

    content = json.dumps(opendata.dictionary(), ensure_ascii=False, indent=1)
    return HttpResponse(content, content_type="application/json")


# --- sitemap and robots -----------------------------------------------------------------


# The sitemap's querysets, built once (see views.PUBLIC_PLANS).
SITEMAP_PLANS = site_plans().values_list("number", flat=True)
SITEMAP_COMMITMENTS = Commitment.objects.published().values_list("plan__number", "number")
SITEMAP_MEETINGS = Meeting.objects.public().values_list("pk", flat=True)
SITEMAP_WINDOWS = CommentWindow.objects.public().values_list("pk", flat=True)


def sitemap_entries() -> list[tuple[str, dict]]:
    """(URL name, its arguments) of every public page."""
    entries = [
        ("home", {}),
        ("public:plans", {}),
        ("public:commitments", {}),
        ("public:meetings", {}),
        ("public:documents", {}),
        ("public:data", {}),
    ]
    for number in SITEMAP_PLANS.all():
        entries += [("plan", {"number": number}), ("public:compliance", {"number": number})]
    for plan_number, number in SITEMAP_COMMITMENTS.all():
        entries.append(("commitments:detail", {"plan_number": plan_number, "number": number}))
    entries += [("meetings:detail", {"pk": pk}) for pk in SITEMAP_MEETINGS.all()]
    entries += [("consultations:detail", {"pk": pk}) for pk in SITEMAP_WINDOWS.all()]
    return entries


@require_safe
def sitemap(request):
    """Every public page in both languages, each naming its other-language twin."""
    entries = sitemap_entries()
    by_language = []  # per language, every entry's absolute URL (one language switch each)
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            by_language.append(
                [
                    (code, request.build_absolute_uri(reverse(name, kwargs=kwargs or None)))
                    for name, kwargs in entries
                ]
            )
    urls = [list(versions) for versions in zip(*by_language, strict=True)]
    return render(request, "public/sitemap.xml", {"urls": urls}, content_type="application/xml")


@require_safe
def robots(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *"]
    for code, _label in settings.LANGUAGES:
        lines += [f"Disallow: /{code}/manage/", f"Disallow: /{code}/admin/"]
    lines += ["Disallow: /i18n/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
