from tests.people_fixtures import organisations, regions, users  # noqa: F401
