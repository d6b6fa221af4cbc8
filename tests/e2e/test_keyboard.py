"""Keyboard only: a citizen sends a comment, and a staff member adds agenda items, with Tab,
typing and Enter, never the mouse. At each stop the focused element is visible, inside
the window and not hidden under a sticky bar (WCAG 2.2: 2.1.1, 2.4.7, 2.4.11)."""

import pytest

from consultations.models import Comment
from meetings.models import AgendaItem
from tests.factories import make_meeting, make_plan, make_user
from tests.helpers import FAST_HASHER, make_open_window

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PASSWORD = "correct-horse-battery"
# Where the focus is, and whether a person can see it: inside the window, and the element
# at its centre is the focused one (not a sticky bar drawn over it).
FOCUS = """() => {
    const element = document.activeElement;
    const box = element.getClientRects()[0] || element.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const top = document.elementFromPoint(x, y);
    return {
        tag: element.tagName.toLowerCase(),
        name: element.getAttribute("name") || "",
        type: element.getAttribute("type") || "",
        text: (element.innerText || "").trim().slice(0, 40),
        inside: box.bottom > 0 && box.top < window.innerHeight,
        seen: top !== null && (top === element || element.contains(top) || top.contains(element)),
        over: top === null ? "" : top.outerHTML.slice(0, 60),
    };
}"""


def tab_to(page, wanted, *, most: int = 120) -> list[dict]:
    """Press Tab until `wanted(focus)` holds; every stop on the way is returned."""
    stops = []
    for _ in range(most):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        stops.append(focus)
        if wanted(focus):
            return stops
    raise AssertionError(f"never reached: last stops {stops[-5:]}")


def hidden_stops(stops: list[dict]) -> list[str]:
    return [
        f"{stop['tag']} {stop['name'] or stop['text']}: under {stop['over']}"
        for stop in stops
        if stop["tag"] != "body" and not (stop["inside"] and stop["seen"])
    ]


@pytest.mark.django_db(transaction=True)
def test_a_citizen_comments_with_the_keyboard_only(page, live_server, settings):
    settings.COMMENT_MIN_FILL_SECONDS = 0
    window, _first, _second = make_open_window()
    page.set_viewport_size(PHONE)
    # No smooth scrolling: the focused element is where it ends up when it is read.
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/ar/consultations/{window.pk}/")

    first = tab_to(page, lambda focus: True)
    assert first[0]["text"] == "انتقل إلى المحتوى"  # the skip link comes first
    stops = tab_to(page, lambda focus: focus["name"] == "body")
    page.keyboard.type("أقترح نشر الموازنة شهريًا: +962 6 4644466")
    stops += tab_to(page, lambda focus: focus["tag"] == "button" and focus["type"] == "submit")
    assert hidden_stops(stops) == []
    page.keyboard.press("Enter")
    page.wait_for_url("**/consultations/receipt/**")
    assert Comment.objects.get().body == "أقترح نشر الموازنة شهريًا: +962 6 4644466"


@pytest.mark.django_db(transaction=True)
def test_staff_add_agenda_items_with_the_keyboard_only(page, live_server, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    make_user(username="coordinator", password=PASSWORD, role="coordinator")
    meeting = make_meeting(plan=make_plan(number=5))
    page.set_viewport_size(DESKTOP)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/ar/manage/login/")
    tab_to(page, lambda focus: focus["name"] == "username")
    page.keyboard.type("coordinator")
    tab_to(page, lambda focus: focus["name"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/ar/manage/")

    page.goto(f"{live_server.url}/ar/manage/meetings/{meeting.pk}/agenda/")
    stops = tab_to(page, lambda focus: focus["name"] == "agenda_items-0-title_ar")
    page.keyboard.type("افتتاح الاجتماع")
    stops += tab_to(page, lambda focus: focus["name"] == "agenda_items-1-title_ar")
    page.keyboard.type("عرض مسودة الالتزامات")
    stops += tab_to(page, lambda focus: focus["tag"] == "button" and focus["type"] == "submit")
    # The sticky save bar never covers the field being typed in.
    assert hidden_stops(stops) == []
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/ar/manage/meetings/{meeting.pk}/")
    items = AgendaItem.objects.filter(meeting=meeting).order_by("number")
    assert [(item.number, item.title_ar) for item in items] == [
        (1, "افتتاح الاجتماع"),
        (2, "عرض مسودة الالتزامات"),
    ]
