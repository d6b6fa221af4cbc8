import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are read in English here; pages pick their language from the URL."""
    with translation.override("en"):
        yield
