from tests.operations.test_operations import pks  # noqa: F401
from tests.people_fixtures import organisations, people, regions, users  # noqa: F401
