"""Shared helpers of the consultations tests: a window with commitments, a form's POST."""

import time
import uuid

from django.core import signing

from consultations.forms import TOKEN_SALT
from tests.factories import make_commitment, make_milestone, make_plan, make_window


def make_open_window(**fields):
    """A public window open now, covering two published commitments (one with a milestone)."""
    plan = fields.pop("plan", None) or make_plan()
    window = make_window(plan=plan, **fields)
    first = make_commitment(plan=plan)
    second = make_commitment(plan=plan)
    make_milestone(commitment=first, number=1)
    window.commitments.add(first, second)
    return window, first, second


def form_token(window, *, token: uuid.UUID | None = None, age: int = 60) -> str:
    """A signed form token as the page renders it, `age` seconds ago."""
    return signing.dumps(
        {"t": (token or uuid.uuid4()).hex, "w": window.pk, "i": int(time.time()) - age},
        salt=TOKEN_SALT,
    )


def comment_post(window, **overrides) -> dict:
    data = {
        "form_token": form_token(window),
        "website": "",
        "commitment": "",
        "part": "general",
        "milestone": "",
        "body": "أقترح نشر البيانات بصيغة مفتوحة",
        "author_name": "",
        "author_email": "",
        "sector": "",
        "region": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
