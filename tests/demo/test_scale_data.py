"""`manage.py load_scale_data`, as the README says: refused with DEBUG off unless forced (it
adds rows to the database it is pointed at); forced, it builds the plans, the commitments,
one open window with comments (campaign copies among them, grouped), and the meetings with
their attendees, at the sizes asked for."""

import io

import pytest
from django.core.management import CommandError, call_command

from commitments.models import Commitment
from consultations.models import Comment, CommentGroup, CommentWindow
from meetings.models import Attendance, Meeting
from plans.models import ActionPlan


@pytest.mark.django_db
def test_refused_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_scale_data", comments=20, commitments=6, meetings=1, attendees=2)
    assert not ActionPlan.objects.exists()
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_forced_it_builds_the_sizes_asked_for_with_campaigns_grouped(settings):
    settings.DEBUG = False
    call_command(
        "load_scale_data",
        force=True,
        comments=120,
        commitments=9,
        meetings=2,
        attendees=4,
        stdout=io.StringIO(),
    )
    assert ActionPlan.objects.count() == 3
    assert Commitment.objects.count() == 9
    window = CommentWindow.objects.get()
    assert window.is_open()
    assert window.comments.count() == 120
    assert CommentGroup.objects.filter(window=window).exists()
    assert Comment.objects.filter(window=window, group__isnull=False).count() > 1
    assert Meeting.objects.count() == 2
    assert Attendance.objects.count() == 2 * 4
