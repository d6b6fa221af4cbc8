"""The public site's list pages, compliance page, search, open data, sitemap and robots.

Every page here: anonymous and cached (`page_cache.public_page`, wrapped in urls.py), GET
and HEAD only, a fixed number of queries whatever the data size, query parameters read
through an allow-list (an unknown or malformed value is ignored, never an error), and
plans looked up by country and number (plan numbers are unique per country only).
"""

import datetime
from collections import Counter

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
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
from core.links import UrlPattern, links_by_plan
from core.numbers import query_int
from meetings.models import Meeting
from plans.models import (
    STAGE_NAMES,
    ActionPlan,
    Document,
    DocumentKind,
    Organisation,
)
from public import opendata
from public.compliance import compliance_report
from public.search import MAX_QUERY_LENGTH, search, searched_rows

PAGE_SIZE = 20
MAX_PAGE = 10_000


def site_plans():
    return ActionPlan.objects.public()


def plans_for_filter():
    """The site's plans as a filter's choices, newest first."""
    return site_plans().order_by("-number").only("pk", "number", "title_ar", "title_en")


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


def filter_context(request, selected: dict) -> dict:
    """What a filtered list's template shows of its filters (`selected`: each filter's value
    read from the query string, None when unset): the values as its form shows them,
    whether any is set, and the filters' query string for the pager's links."""
    return {
        "selected": {key: str(value) if value else "" for key, value in selected.items()},
        "filtered": any(selected.values()),
        "query": query_without_page(request, list(selected)),
    }


def choice_list(choices) -> list[dict]:
    return [{"value": str(value), "label": label} for value, label in choices]


# --- plans ------------------------------------------------------------------------------


@require_safe
def plan_list(request):
    """Every public plan of the country, newest first."""
    plans = list(site_plans().order_by("-number"))
    return render(request, "plans/actionplan_list.html", {"plans": plans})


# --- commitments ------------------------------------------------------------------------


def lead_institutions():
    """The institutions that lead a published commitment, for the list's filter."""
    return (
        Organisation.objects.filter(led_commitments__in=Commitment.objects.published())
        .distinct()
        .order_by("name_ar")
        .only("pk", "name_ar", "name_en")
    )


def commitment_cards():
    """Published commitments with what a card shows (commitments/_card_grid.html) and only
    those columns (a commitment has some forty); read their `progress` through
    `with_progress`. The plan pages' query-count tests fail if a card reads another."""
    return (
        Commitment.objects.published()
        .select_related("plan", "lead_institution")
        .only(
            "number",
            "ogp_id",
            "title_ar",
            "title_en",
            "status",
            "plan__number",
            "plan__starts_on",
            "plan__ends_on",
            "lead_institution__name_ar",
            "lead_institution__name_en",
        )
    )


def commitment_links(commitments) -> list[tuple[Commitment, str]]:
    """The cards of commitments/_card_grid.html: each of `commitment_cards` with its page's
    URL, reversed once per plan."""
    return links_by_plan("commitments:detail", commitments)


@require_safe
def commitment_list(request):
    """Published commitments, filterable by plan, lead institution, OGP value and status."""
    selected = {
        "plan": query_int(request.GET.get("plan"), minimum=1, maximum=999),
        "institution": query_int(request.GET.get("institution"), minimum=1, maximum=10**9),
        "value": one_of(request.GET.get("value"), OGP_VALUE_FIELDS),
        "status": one_of(request.GET.get("status"), CommitmentStatus.values),
    }
    commitments = commitment_cards().order_by("-plan__number", "number")
    if selected["plan"]:
        commitments = commitments.filter(plan__number=selected["plan"])
    if selected["institution"]:
        commitments = commitments.filter(lead_institution_id=selected["institution"])
    if selected["value"]:
        commitments = commitments.filter(**{selected["value"]: True})
    if selected["status"]:
        commitments = commitments.filter(status=selected["status"])
    page = paginate(request, commitments)
    values = [(flag, Commitment._meta.get_field(flag).verbose_name) for flag in OGP_VALUE_FIELDS]
    context = {
        "page": page,
        "cards": commitment_links(with_progress(page.object_list)),
        "plans": list(plans_for_filter()),
        "institutions": list(lead_institutions()),
        "values": choice_list(values),
        "statuses": choice_list(CommitmentStatus.choices),
        **filter_context(request, selected),
    }
    return render(request, "commitments/commitment_list.html", context)


# --- meetings ---------------------------------------------------------------------------


@require_safe
def meeting_list(request):
    """Meetings whose minutes are published, newest first, filterable by plan."""
    plans = list(plans_for_filter())
    plan_number = query_int(request.GET.get("plan"), minimum=1, maximum=999)
    meetings = Meeting.objects.public().select_related("body", "plan").order_by("-starts_at")
    if plan_number:
        meetings = meetings.filter(plan__number=plan_number)
    page = paginate(request, meetings)
    context = {
        "page": page,
        "meetings": list(page.object_list),
        "plans": plans,
        **filter_context(request, {"plan": plan_number}),
    }
    return render(request, "meetings/meeting_list.html", context)


# --- the document repository -----------------------------------------------------------


@require_safe
def document_list(request):
    """The OGP document repository: every public document, newest first, by plan, stage
    and kind."""
    plans = list(plans_for_filter())
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
        **filter_context(request, selected),
    }
    return render(request, "plans/document_list.html", context)


# --- compliance -------------------------------------------------------------------------


@require_safe
def compliance(request, number: int):
    """The OGP minimum requirements of one plan: met, not met or not yet due, and who
    attended each forum meeting by sector."""
    # Only what the page and `compliance_report` read of the plan.
    plan = get_object_or_404(
        site_plans().only("number", "title_ar", "title_en", "starts_on", "ends_on"),
        number=number,
    )
    report = compliance_report(plan)
    context = {
        "plan": plan,
        "checks": report.checks,
        "met": report.met,
        "meetings": report.meetings,
        "bodies": report.bodies,
        "without_non_government": report.without_non_government,
        "calendar": report.calendar,
        "progress": progress_chart(plan),
    }
    return render(request, "plans/compliance.html", context)


def progress_chart(plan: ActionPlan) -> dict:
    """Bars of progress per published commitment and the milestones by status at each
    half-year end (their texts are in plans/compliance.html)."""
    commitments = (
        Commitment.objects.published()
        .filter(plan=plan)
        .order_by("number")
        .values_list("pk", "number")
    )
    by_commitment = {pk: (number, []) for pk, number in commitments}
    # The milestones of those commitments, each added to its commitment's list (what a
    # prefetch does, without its machinery); their order does not change a figure.
    rows = (
        Milestone.objects.filter(commitment_id__in=list(by_commitment))
        .order_by()
        .only("commitment_id", "weight", "status", "progress_percent", "ends_on")
    )
    for milestone in rows:
        by_commitment[milestone.commitment_id][1].append(milestone)
    # Commitment.get_absolute_url, reversed once for all the bars.
    url = UrlPattern("commitments:detail", "number", plan_number=plan.number)
    bars = [
        {
            "url": url(number),
            "number": number,
            "percent": int(weighted_completion(of_commitment)),
        }
        for number, of_commitment in by_commitment.values()
    ]
    milestones = [m for _number, of_commitment in by_commitment.values() for m in of_commitment]
    counts = Counter(m.status for m in milestones)
    by_status = []
    for status in MilestoneStatus:
        count = counts[status.value]
        if count:
            by_status.append({"status": status.value, "label": status.label, "count": count})
    total = len(milestones) or 1
    offset = 0.0
    for row in by_status:
        row["percent"] = round(100 * row["count"] / total)
        row["x"] = f"{offset:.2f}"
        row["width"] = f"{100 * row['count'] / total:.2f}"
        offset += 100 * row["count"] / total
    due = []
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
                }
            )
    return {"bars": bars, "by_status": by_status, "due_by_year": due}


# --- search -----------------------------------------------------------------------------


@require_safe
def search_page(request):
    """Search plans, commitments, meetings and documents in Arabic and English."""
    raw = str(request.GET.get("q", ""))[:MAX_QUERY_LENGTH].strip()
    results = search(raw, searched_rows()) if raw else {}
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
    for number in site_plans().values_list("number", flat=True):
        entries += [("plan", {"number": number}), ("public:compliance", {"number": number})]
    for plan_number, number in Commitment.objects.published().values_list("plan__number", "number"):
        entries.append(("commitments:detail", {"plan_number": plan_number, "number": number}))
    meetings = Meeting.objects.public().values_list("pk", flat=True)
    windows = CommentWindow.objects.public().values_list("pk", flat=True)
    entries += [("meetings:detail", {"pk": pk}) for pk in meetings]
    entries += [("consultations:detail", {"pk": pk}) for pk in windows]
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


# The day the accessibility statement was last checked against the site (its tests below).
ACCESSIBILITY_REVIEWED = datetime.date(2026, 12, 6)


@require_safe
def accessibility(request):
    """The accessibility statement: the standard aimed at, what was tested and how, what is
    checked by hand, and where to report a problem."""
    return render(
        request,
        "public/accessibility.html",
        {"reviewed": ACCESSIBILITY_REVIEWED, "contact": settings.DEFAULT_FROM_EMAIL},
    )
