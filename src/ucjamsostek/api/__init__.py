"""REST API (Django Ninja) with an OpenAPI schema; see :mod:`ucjamsostek.api.api`."""
