import pytest
from django.utils import translation

from tests.people_fixtures import organisations, people, regions, users  # noqa: F401


@pytest.fixture(autouse=True)
def _indonesian():
    """The test client's requests activate a language in this thread; start each test in Indonesian."""
    translation.activate("id")
    yield
    translation.activate("id")
