from tests.people_fixtures import organisations, people, regions, users  # noqa: F401
