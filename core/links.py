"""Links to many objects of one view, built without a reverse() each."""

from django.urls import reverse


class UrlPattern:
    """The URLs of one view for many objects, reversed once: each is the URL reversed for a
    placeholder key, with the object's key in its place. reverse() costs ~16 us a call, and
    the public pages link dozens of commitments, meetings and windows. For a key that an int
    path converter writes as the number itself."""

    PLACEHOLDER = 2_147_483_647

    def __init__(self, viewname: str, key: str, **kwargs):
        url = reverse(viewname, kwargs={**kwargs, key: self.PLACEHOLDER})
        self.head, _placeholder, self.tail = url.rpartition(str(self.PLACEHOLDER))

    def __call__(self, key: int) -> str:
        return f"{self.head}{key}{self.tail}"


def links_by_plan(viewname: str, objects, key: str = "number") -> list[tuple[object, str]]:
    """Each of `objects` (rows of one or a few plans, each with `plan.number` read) with its
    URL of `viewname`, reversed once per plan (`UrlPattern`): the pages that list dozens of
    a plan's commitments."""
    patterns: dict[int, UrlPattern] = {}
    linked = []
    for obj in objects:
        number = obj.plan.number
        if number not in patterns:
            patterns[number] = UrlPattern(viewname, key, plan_number=number)
        linked.append((obj, patterns[number](getattr(obj, key))))
    return linked
