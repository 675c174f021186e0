"""The access log (issue 12 §4): who viewed or downloaded whose personal data, append-only, with the
people as keyed hashes of their NIKs only."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.accounts import services
from ucjamsostek.accounts.models import AccessLog, AccessLogSubject, AppendOnlyError
from ucjamsostek.monitoring import services as monitoring

pytestmark = pytest.mark.django_db

NIK_RUN = re.compile(r"(?<!\d)\d{16}(?!\d)")


def _subjects(entry: AccessLog) -> set[str]:
    return set(AccessLogSubject.objects.filter(entry=entry).values_list("nik_hash", flat=True))


def assert_no_personal_data(names: list[str]) -> None:
    """Every column of every row of both tables: no 16-digit number, no person's name."""
    for model in (AccessLog, AccessLogSubject):
        for row in model.objects.values_list():
            for value in row:
                text = str(value)
                assert not NIK_RUN.search(text), (model.__name__, text)
                assert not any(name.lower() in text.lower() for name in names), (model.__name__, text)


def test_person_page_records_who_saw_whom(client, users, people):
    p = people["p_a"]
    client.force_login(users["dinas"])
    assert client.get(reverse("registry:detail", args=[p.pk])).status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.user, entry.username, entry.kind) == (users["dinas"], "u_dinas", "view")
    assert entry.what == "registry:detail"
    assert (entry.target, entry.rows, entry.people) == (f"pk={p.pk}", 1, 1)
    assert _subjects(entry) == {AccessLogSubject.hash_of(p.nik)}

    assert client.get(reverse("registry:edit", args=[p.pk])).status_code == 200  # the form shows it all
    assert AccessLog.objects.filter(what="registry:edit").count() == 1

    client.force_login(users["area"])  # another desa: 404, nothing shown, nothing recorded
    assert client.get(reverse("registry:detail", args=[people["p_b"].pk])).status_code == 404
    assert AccessLog.objects.count() == 2
    assert_no_personal_data([x.name for x in people.values()])


def test_nik_lookup_records_found_and_not_found(users, people):
    _, key = monitoring.create_api_token(users["area"], "uji")
    c, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    own, other = people["p_a"], people["p_b"]
    def lookup(nik: str) -> int:
        url = "/monev/api/registry/people/lookup"
        return c.post(url, {"nik": nik}, content_type="application/json", **auth).status_code

    assert lookup(own.nik) == 200
    assert lookup(other.nik) == 404  # outside the area
    found, missed = AccessLog.objects.order_by("id")
    assert (found.kind, found.what, found.rows, found.user) == ("lookup", "api:person_by_nik", 1, users["area"])
    assert _subjects(found) == {AccessLogSubject.hash_of(own.nik)}
    assert (missed.rows, _subjects(missed)) == (0, {AccessLogSubject.hash_of(other.nik)})
    assert lookup("123") == 404  # not a NIK: nobody to record
    assert AccessLog.objects.count() == 2
    assert_no_personal_data([x.name for x in people.values()])


def test_the_console_is_recorded_as_sistem_and_niks_are_cleaned(people):
    p = people["p_a"]
    entry = services.record_access(
        perm.SYSTEM, AccessLog.Kind.DOWNLOAD, "cli", niks=[p.nik, f"{p.nik[:6]} {p.nik[6:]}", ""],
        target=f"berkas-{p.nik}.xlsx",
    )  # fmt: skip
    assert (entry.user, entry.username, entry.people, entry.rows) == (None, "sistem", 1, 1)
    assert entry.target == "berkas-[NIK].xlsx"
    assert_no_personal_data([x.name for x in people.values()])


def test_the_hash_needs_the_key(settings, people):
    nik = people["p_a"].nik
    before = AccessLogSubject.hash_of(nik)
    settings.NIK_KEY = b"another key of at least 32 characters"
    assert AccessLogSubject.hash_of(nik) != before


def test_append_only_everywhere(users, people):
    entry = services.record_view(users["dinas"], "registry:detail", people["p_a"].nik, target="pk=1")
    subject = AccessLogSubject.objects.get(entry=entry)
    entry.what = "diubah"
    for attempt in (
        entry.save,
        entry.delete,
        subject.delete,
        lambda: AccessLog.objects.filter(pk=entry.pk).update(what="x"),
        lambda: AccessLog.objects.all().delete(),
        lambda: AccessLogSubject.objects.all().delete(),
        lambda: AccessLogSubject.objects.update(nik_hash="x"),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()
    # the database itself refuses a change (and on PostgreSQL a deletion) from any client
    statements = ["UPDATE accounts_accesslog SET what = 'x'", "UPDATE accounts_accesslogsubject SET nik_hash = 'x'"]
    if connection.vendor == "postgresql":
        statements += ["DELETE FROM accounts_accesslog", "DELETE FROM accounts_accesslogsubject"]
    for sql in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AccessLog.objects.get().what == "registry:detail"
    assert AccessLogSubject.objects.get().nik_hash == subject.nik_hash
    # a user with entries cannot be deleted (deactivate instead): the log keeps who it was
    with pytest.raises(Exception, match="protected"):
        users["dinas"].delete()


def test_admin_reads_but_never_changes(client, users, people):
    services.record_view(users["dinas"], "registry:detail", people["p_a"].nik, target="pk=1")
    client.force_login(users["admin"])
    listing = client.get("/admin/accounts/accesslog/")
    assert listing.status_code == 200 and "registry:detail" in listing.content.decode()
    entry = AccessLog.objects.get()
    page = client.get(f"/admin/accounts/accesslog/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # view only
    assert client.post(f"/admin/accounts/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk).exists()
    model_admin = site._registry[AccessLog]
    request = RequestFactory().get("/")
    request.user = users["admin"]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    request.user = users["dinas"]
    assert not model_admin.has_view_permission(request)


# --------------------------------------------------------------------------- downloads

CSV_BODY = "nik,nama\n{a},Satu\n{b},Dua\n{a},Satu lagi\n"


def _csv(request):
    return HttpResponse(request.csv, content_type="text/csv; charset=utf-8")


def _attachment(request):
    response = HttpResponse(request.csv, content_type="application/x-anything")
    response["Content-Disposition"] = 'attachment; filename="x.txt"'
    return response


def _file(request, pk):
    return FileResponse(io.BytesIO(request.csv.encode()), as_attachment=True, filename="x.csv")


class _Pipe(io.RawIOBase):
    """A file that can only be read once, front to back (no seek)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _pipe(request):
    return FileResponse(_Pipe(request.csv.encode()), as_attachment=True, filename="x.csv")


def _stream(request):
    return StreamingHttpResponse(iter([request.csv[:7].encode(), request.csv[7:].encode()]), content_type="text/csv")


def _page(request):
    return HttpResponse(f"<p>{request.csv}</p>")


class _WithCsv:
    """Hands the test's csv to the views above (a test urlconf has no state of its own)."""

    body = ""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csv = self.body
        return self.get_response(request)


urlpatterns = [
    path("csv/", _csv, name="csv"),
    path("lampiran/", _attachment, name="attachment"),
    path("berkas/<int:pk>/", _file, name="file"),
    path("aliran/", _stream, name="stream"),
    path("pipa/", _pipe, name="pipe"),
    path("halaman/", _page, name="page"),
]


@pytest.fixture
def download_client(settings, users, people):
    _WithCsv.body = CSV_BODY.format(a=people["p_a"].nik, b=people["p_b"].nik)
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}._WithCsv"]
    c = Client()
    c.force_login(users["dinas"])
    with override_settings(ROOT_URLCONF=__name__):
        yield c


@pytest.mark.parametrize("url", ["/csv/", "/lampiran/", "/berkas/7/", "/aliran/", "/pipa/"])
def test_every_kind_of_download_is_recorded_with_its_people(download_client, users, people, url):
    response = download_client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.decode() == _WithCsv.body  # the download itself is untouched
    entry = AccessLog.objects.get()
    assert (entry.kind, entry.user, entry.rows, entry.people) == ("download", users["dinas"], 3, 2)
    names = {"/csv/": "csv", "/lampiran/": "attachment", "/berkas/7/": "file", "/aliran/": "stream", "/pipa/": "pipe"}
    assert entry.what == names[url]
    assert entry.target == ("pk=7" if url == "/berkas/7/" else "")
    assert _subjects(entry) == {AccessLogSubject.hash_of(people[k].nik) for k in ("p_a", "p_b")}
    assert_no_personal_data([x.name for x in people.values()])


def test_pages_and_failed_downloads_are_not_downloads(download_client):
    assert download_client.get("/halaman/").status_code == 200
    assert download_client.get("/tidak-ada/").status_code == 404
    assert download_client.head("/csv/").status_code == 200  # headers only: nothing left
    assert not AccessLog.objects.exists()
