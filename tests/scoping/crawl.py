"""The crawler of the scoping test: every route of the URL conf and every operation of the API
schema, derived (not listed), each filled with object ids of every area, and a body reader that
finds NIKs and names in html, json, csv, xlsx and pdf answers."""

from __future__ import annotations

import inspect
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

#: Ids tried per model for a path parameter (the world is small: this is every object).
IDS_PER_MODEL = 8

_ROUTE_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


@dataclass(frozen=True)
class Param:
    name: str
    converter: str  # int, str, path, slug, re
    choices: tuple[str, ...] = ()  # a regex group of literal alternatives


@dataclass(frozen=True)
class Route:
    template: str  # "tagihan/<int:pk>/" (placeholders as ``<name>``)
    name: str  # namespaced URL name ("billing:invoice"), "" when unnamed
    callback: Callable[..., Any]
    params: tuple[Param, ...]

    @property
    def view(self) -> Callable[..., Any]:
        return inspect.unwrap(self.callback)

    def url(self, values: dict[str, str]) -> str:
        out = self.template
        for p in self.params:
            out = out.replace(f"<{p.name}>", values[p.name])
        return "/" + out

    @property
    def is_admin(self) -> bool:
        """A page of Django's admin site (staff only: the administrator's, a regency-wide role)."""
        return self.template.startswith("admin/")


def _pattern_text(pattern: Any) -> tuple[str, list[Param]]:
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix, []
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        params = [Param(m["name"], m["conv"] or "str") for m in _ROUTE_PARAM.finditer(route)]
        return _ROUTE_PARAM.sub(lambda m: f"<{m['name']}>", route), params
    if isinstance(pattern, RegexPattern):
        text = str(pattern._regex).removeprefix("^").removesuffix("$").replace("\\", "")
        params = []
        for m in _REGEX_GROUP.finditer(text):
            body = m["body"]
            literal = all(re.fullmatch(r"[\w-]+", alt) for alt in body.split("|"))
            params.append(Param(m["name"], "re", tuple(body.split("|")) if literal else ()))
        return _REGEX_GROUP.sub(lambda m: f"<{m['name']}>", text), params
    raise TypeError(f"unknown URL pattern {pattern!r}")


def routes() -> list[Route]:
    """Every URL pattern of the project (admin included), walked from the root resolver; the
    REST API's patterns are left to :func:`api_operations` (its schema says more)."""
    out: list[Route] = []

    def walk(patterns: list[Any], prefix: str, params: list[Param], namespace: list[str]) -> None:
        for p in patterns:
            text, own = _pattern_text(p.pattern)
            if isinstance(p, URLResolver):
                ns = [*namespace, p.namespace] if p.namespace else namespace
                walk(p.url_patterns, prefix + text, params + own, ns)
            elif isinstance(p, URLPattern):
                if getattr(p.callback, "__module__", "").startswith("ninja"):
                    continue
                name = ":".join([*namespace, p.name]) if p.name else ""
                out.append(Route(prefix + text, name, p.callback, tuple(params + own)))

    walk(get_resolver().url_patterns, "", [], [])
    return out


# ---------------------------------------------------------------------------------------- values
def _project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("ucjamsostek.")]


def _ids(model: type[models.Model]) -> list[str]:
    return [str(pk) for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)[:IDS_PER_MODEL]]


def models_for(route: Route, param: Param) -> list[type[models.Model]]:
    """The models whose ids fill ``param``: the admin page's own model; for ``<thing>_id`` the
    models named like the thing (``job_id`` → Job, ``batch_id`` → NominationBatch); else every
    model of the view's app (the page of a bill may take a bill, a line or a payment id)."""
    admin = getattr(route.callback, "model_admin", None)
    if admin is not None:
        return [admin.model]
    if param.name.endswith("_id") and param.name != "object_id":
        stem = param.name.removesuffix("_id").replace("_", "")
        found = [m for m in _project_models() if m.__name__.lower().endswith(stem)]
        if found:
            return found
    config = apps.get_containing_app_config(route.view.__module__)
    return list(config.get_models()) if config is not None else []


def query_names(route: Route) -> list[str]:
    """The query parameters the view reads: ``request.GET.get("x")``, ``request.GET["x"]``,
    ``.getlist("x")``, also through an alias (``g = request.GET``) — read from its source."""
    try:
        source = inspect.getsource(route.view)
    except (OSError, TypeError):
        return []
    aliases = ["GET", *re.findall(r"(\w+)\s*=\s*request\.GET\b", source)]
    names: list[str] = []
    for alias in aliases:
        for m in re.finditer(rf"\b{alias}(?:\.get|\.getlist)?\s*[\(\[]\s*[\"'](\w+)[\"']", source):
            if m[1] not in names:
                names.append(m[1])
    return names


def query_sets(names: list[str], pool: Callable[[str], list[str]]) -> list[dict[str, str]]:
    """No parameters; all of them at their first value; then each further value of each one."""
    if not names:
        return [{}]
    first = {n: pool(n)[0] for n in names}
    out: list[dict[str, str]] = [{}, first]
    for n in names:
        for v in pool(n)[1:]:
            out.append(first | {n: v})
    return out


# ------------------------------------------------------------------------------------------- API
@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # "/monev/api/registry/people/{nik}"
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    multipart: bool = False
    json_fields: tuple[str, ...] = ()  # the properties of a JSON request body


    def url(self, values: dict[str, str]) -> str:
        out = self.path
        for name in self.path_params:
            out = out.replace("{" + name + "}", values[name])
        return out


def api_operations(schema: dict[str, Any]) -> list[Operation]:
    """Every operation of the OpenAPI schema (as ``/monev/api/openapi.json`` serves it)."""
    out = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = op.get("parameters", [])
            body = op.get("requestBody", {}).get("content", {})
            json_schema = _resolve(schema, body.get("application/json", {}).get("schema", {}))
            out.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                    query_params=tuple(p["name"] for p in params if p["in"] == "query"),
                    multipart="multipart/form-data" in body,
                    json_fields=tuple(json_schema.get("properties", {})),
                )
            )
    return out


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its ``$ref`` (``#/components/schemas/X``) followed."""
    while "$ref" in node:
        target: Any = schema
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


# ----------------------------------------------------------------------------------------- bodies
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body_text(response: Any) -> str:
    """The answer as text, whatever it is: html/json/csv decoded, every cell of an xlsx, the
    (inflated) content streams of a pdf."""
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)  # the test client closes it (and keeps the database open)
    else:
        data = response.content
    kind = response.get("Content-Type", "")
    if data[:2] == b"PK" or XLSX in kind:
        return _xlsx_text(data)
    if data[:5] == b"%PDF-":
        return _pdf_text(data)
    text = data.decode("utf-8", errors="replace")
    if "json" in kind:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
    book.close()
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    parts = [data.decode("latin-1")]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(m[1]).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(parts)


@dataclass
class Finding:
    role: str
    request: str
    problem: str

    def __str__(self) -> str:
        return f"{self.role:10} {self.request}: {self.problem}"


@dataclass
class Crawl:
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    post_only: dict[str, set[str]] = field(default_factory=dict)  # route name → roles that got 405 on GET

    def add(self, role: str, request: str, problem: str) -> None:
        self.findings.append(Finding(role, request, problem))


def iter_values(
    route: Route, pool: Callable[[Route, Param], list[str]], *, first_only: bool
) -> Iterator[dict[str, str]]:
    """Path values for ``route``: every candidate of each parameter (the others at their first)."""
    choices = {p.name: pool(route, p) for p in route.params}
    if any(not c for c in choices.values()):
        return
    first = {n: c[0] for n, c in choices.items()}
    yield first
    if first_only:
        return
    for n, c in choices.items():
        for v in c[1:]:
            yield first | {n: v}
