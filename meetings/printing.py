"""What the plan document prints of the forum (registered in `MeetingsConfig.ready`; light,
so that start-up loads no PDF machinery)."""

from django.db.models import Prefetch, Q
from django.utils import timezone

from .models import Body, Meeting, Membership


def plan_forum(plan) -> list[Body]:
    """The forum the plan document prints (the plan's own, else the shared one), with its
    current members."""
    today = timezone.localdate()
    return list(
        Body.objects.filter(kind="forum")
        .filter(Q(plan=plan) | Q(plan__isnull=True))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
                .select_related("person", "organisation")
                .order_by("organisation__sector", "role", "person__name_ar"),
            )
        )
        .order_by("-plan_id", "pk")[:1]
    )


def plan_meetings(plan) -> list[Meeting]:
    """The plan's meetings with published minutes, for annex A."""
    return list(Meeting.objects.published().filter(plan=plan).for_detail().order_by("starts_at"))
