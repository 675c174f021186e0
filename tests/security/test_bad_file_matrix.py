"""Every bad-file class through every import path, CLI and web (issue 15).

The import paths are not listed by hand and hoped complete: :func:`derived_import_paths` reads the
source (a call graph over ``src/ucjamsostek``) and finds every management command and every view
or API operation that reaches a table reader (``core.intake`` readers, the upload check).
``test_the_matrix_covers_every_import_path`` fails until a new path is in :data:`PATHS` (or, with
its reason, in :data:`NOT_IMPORT_PATHS`): a new import path is added to the matrix, not tested
apart.

Each class of :data:`BAD` goes through each path of :data:`PATHS`:

* a class that is *refused* must answer exit 2 (CLI) or a 4xx page/answer (web, API), with one
  line in Bahasa Indonesia that names the file (located), no traceback, and every table's row
  count unchanged (nothing half written);
* a class that must be *read* (cp1252, UTF-16, lone CR line ends, formula text, a path in the
  file name) must be imported with every row: rows in = rows out (counted where the path stores
  or writes its rows; the quota file, the cross-funder comparison and the registration page are
  checked for acceptance only). The roster export is a machine format (UTF-8 csv only): there the
  other encodings and line ends may be refused, with the located line, never read short.

The nomination upload (page and API) screens its file in a background job, but checks the head of
the file first (``core.intake.check_nominations``): every refused class is refused at upload with
a 4xx, like every other path, and no job is queued for it (a job that ends failed answers its
request's own status, 302 or 202, and fails the matrix). Time and memory of the zip bomb:
``benchmarks/bench_bad_files.py``; of refusing a big file's wrong columns: ``benchmarks/bench_upload_check.py``.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import re
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import get_commands
from django.db import connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.core.nomination_files import write_encrypted_office
from tests.people_fixtures import DESA_A
from tests.security.badfiles import table_rows, write_bomb, write_sheet_xlsx
from ucjamsostek import cli

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "ucjamsostek"

# --------------------------------------------------------------------------- the paths, derived
#: The functions every table import goes through: a command, view or API operation that reaches
#: one of them reads a file from outside.
READERS = {
    "ucjamsostek.core.intake:read_cells",
    "ucjamsostek.core.intake:read_cell_columns",
    "ucjamsostek.core.intake:read_nominations",
    "ucjamsostek.core.intake:read_records",
    "ucjamsostek.core.intake:check_file",
    "ucjamsostek.core.intake:check_nominations",
    "ucjamsostek.uploads:check_upload",
}

#: Reached paths that take no file from a user, with the reason.
NOT_IMPORT_PATHS = {
    "cli:demo": "reads only the files it generates itself",
    "web:ucjamsostek.screening.views:column_mapping": "re-reads an upload that already passed the upload path",
}


def _call_graph() -> dict[str, set[str]]:
    """``module:function`` → the ``module:function`` it calls, resolved through the module's
    imports (``from x import f``, ``from pkg import mod`` then ``mod.f``) and ``self.f``; calls in
    nested functions count for the enclosing one."""
    graph: dict[str, set[str]] = {}
    for file in SRC.rglob("*.py"):
        if "migrations" in file.parts:
            continue
        parts = file.relative_to(SRC.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        tree = ast.parse(file.read_text(encoding="utf-8"))
        names: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.update({a.asname or a.name: f"{node.module}:{a.name}" for a in node.names})
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            functions += [n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        local = {f.name for f in functions}
        for fn in functions:
            calls = graph.setdefault(f"{module}:{fn.name}", set())
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                target = call.func
                if isinstance(target, ast.Name):
                    if target.id in local:
                        calls.add(f"{module}:{target.id}")
                    elif target.id in names:
                        calls.add(names[target.id])
                elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                    base = target.value.id
                    if base in ("self", "cls"):
                        calls.add(f"{module}:{target.attr}")
                    elif base in names:
                        calls.add(f"{names[base].replace(':', '.')}:{target.attr}")
    return graph


def _reaching_readers() -> set[str]:
    graph = _call_graph()
    reached = set(READERS)
    grew = True
    while grew:
        grew = False
        for fn, calls in graph.items():
            if fn not in reached and calls & reached:
                reached.add(fn)
                grew = True
    return reached


def _url_callbacks(resolver: URLResolver) -> list[Any]:
    out = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            out += _url_callbacks(entry)
        elif isinstance(entry, URLPattern):
            out.append(entry.callback)
    return out


def derived_import_paths() -> set[str]:
    """``cli:COMMAND``, ``web:module:view`` and ``api:operation`` of every path that reads a file."""
    reached = _reaching_readers()
    found = set()
    for command, app in get_commands().items():
        if app.startswith("ucjamsostek") and f"{app}.management.commands.{command}:handle" in reached:
            found.add(f"cli:{command}")
    for callback in _url_callbacks(get_resolver()):
        view = getattr(callback, "view_class", callback)
        name = f"{getattr(view, '__module__', '')}:{getattr(view, '__name__', '')}"
        if name in reached:
            found.add(f"web:{name}")
    found |= {f"api:{fn.split(':')[1]}" for fn in reached if fn.startswith("ucjamsostek.api.api:")}
    return found


# --------------------------------------------------------------------------- one path
@dataclass
class Answer:
    refused: bool
    status: int  # exit code (CLI) or HTTP status
    message: str  # what the user reads: stderr, the page's error messages, the API's detail, the job's
    output: str = ""  # a successful import's own summary


@dataclass
class Ctx:
    tmp: Path
    users: dict[str, Any]
    people: dict[str, Any]
    capsys: Any
    token: str = ""
    regions: list[str] = field(default_factory=list)


def run_cli(ctx: Ctx, *argv: str) -> Answer:
    ctx.capsys.readouterr()
    # The console script in this process: its commands close the database connections when they
    # end (``BaseCommand.run_from_argv``), which would end the test's transaction too.
    with mock.patch.object(connections, "close_all"):
        code = cli.main(["ucjamsostek", *argv])
    out = ctx.capsys.readouterr()
    return Answer(code != 0, code, out.err.strip(), out.out)


_ERRORS = re.compile(r'<li class="error">(.*?)</li>|<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)


def page_answer(response: Any) -> Answer:
    text = response.content.decode()
    found = [html.unescape(re.sub(r"<[^>]+>", " ", a or b)) for a, b in _ERRORS.findall(text)]
    message = " ".join(" ".join(found).split())
    return Answer(400 <= response.status_code < 500, response.status_code, message, text)


def post_page(ctx: Ctx, user: str, url: str, file: Path, name: str, data: dict[str, str] | None = None) -> Answer:
    client = Client()
    client.force_login(ctx.users[user])
    upload = SimpleUploadedFile(name, file.read_bytes())
    return page_answer(client.post(url, {**(data or {}), "file": upload}))


def job_answer(job_id: int, status: int) -> Answer:
    from ucjamsostek.jobs.models import Job

    job = Job.objects.get(pk=job_id)
    return Answer(job.status != "done", status, job.message or "", str(job.result))


def nominations_page(ctx: Ctx, file: Path, name: str) -> Answer:
    client = Client()
    client.force_login(ctx.users["dinas"])
    data = {"source_kind": "desa", "source_name": "Desa Uji", "segment": "", "as_of": "2026-01-01"}
    response = client.post(reverse("screening:upload"), {**data, "file": SimpleUploadedFile(name, file.read_bytes())})
    if response.status_code != 302:
        return page_answer(response)
    return job_answer(int(response["Location"].rstrip("/").split("/")[-1]), 302)


def nominations_api(ctx: Ctx, file: Path, name: str) -> Answer:
    response = Client().post(
        "/monev/api/screening/batches",
        {"file": SimpleUploadedFile(name, file.read_bytes()), "source_name": "Desa Uji", "as_of": "2026-01-01"},
        HTTP_AUTHORIZATION=f"Bearer {ctx.token}",
    )
    if response.status_code != 202:
        return Answer(True, response.status_code, str(response.json().get("detail", "")))
    return job_answer(response.json()["id"], 202)


def count_of(model: str) -> Callable[[Ctx, Answer], int]:
    return lambda ctx, answer: apps.get_model(model).objects.count()


def screened_rows(ctx: Ctx, answer: Answer) -> int:
    with (ctx.tmp / "keluaran" / "rows.csv").open(encoding="utf-8") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def registration_rows(ctx: Ctx, answer: Answer) -> int:
    numbers = re.search(r"diterima (\d+)\D+(\d+)\D+(\d+)", html.unescape(answer.output), re.I)
    assert numbers, answer.output[-500:]
    return sum(int(n) for n in numbers.groups())


def active_reference_entries(ctx: Ctx, answer: Answer) -> int:
    from ucjamsostek.screening.models import ReferenceList

    active = ReferenceList.objects.filter(active=True).first()
    return active.entry_count if active else 0


def nik(i: int) -> str:
    """A NIK of DESA_A's kecamatan (born 12-04-1996), serial ``i``."""
    return f"741301120496{i + 1:04d}"


@dataclass(frozen=True)
class ImportPath:
    id: str  # as derived: cli:COMMAND, web:module:view, api:operation
    label: str
    header: tuple[str, ...]
    row: Callable[[Ctx, int], list[str]]
    text_column: int  # a free-text column: where the formula and the cp1252 text go
    send: Callable[[Ctx, Path, str], Answer]
    rows_out: Callable[[Ctx, Answer], int] | None
    #: a file that replaces a whole list (reference lists): one much smaller or mostly repeats needs
    #: a confirmation. A BSU list is added as the programme's next stage; replacing is --replace.
    replaces_list: bool = False
    #: a machine-written format (the roster export: UTF-8 csv only) may refuse what another
    #: encoding or line end would need guessing, with a located message, but never drop a row
    strict_format: bool = False


NOM_HEADER = ("NIK", "Nama", "Tanggal Lahir", "Desa", "Kecamatan")
REF_HEADER = ("nik", "nama", "tanggal_lahir")
BILL_HEADER = ("NIK", "No KPJ", "Nama", "Periode", "Program", "Iuran")
CLAIM_HEADER = ("NIK", "No KPJ", "Jenis", "Tgl Kejadian", "Tgl Pengajuan", "Tgl Bayar", "Nominal", "Status",
                "Nama Ahli Waris")  # fmt: skip
BSU_HEADER = ("NIK", "Nama", "Program", "Nominal", "Tgl Salur", "Status")
REG_HEADER = ("NIK", "No KPJ", "Status", "Keterangan")
WORKFORCE_HEADER = ("kode_wilayah", "tahun", "jumlah_pekerja", "sumber")
QUOTA_HEADER = ("kode", "kuota")


def nom_row(ctx: Ctx, i: int) -> list[str]:
    return [nik(i), f"La Ode Uji {i}", "12-04-1996", "Desa Uji", "Kecamatan Uji"]


def ref_row(ctx: Ctx, i: int) -> list[str]:
    return [nik(i), f"La Ode Uji {i}", "1996-04-12"]


def bill_row(ctx: Ctx, i: int) -> list[str]:
    return [nik(i), str(1000 + i), f"La Ode Uji {i}", "01/2026", "JKK+JKM", "16.800"]


def claim_row(ctx: Ctx, i: int) -> list[str]:
    return [nik(i), str(1000 + i), "JKK", "15-03-2025", "20-03-2025", "", "1.000.000", "Proses", f"Wa Ode {i}"]


def bsu_row(ctx: Ctx, i: int) -> list[str]:
    return [nik(i), f"La Ode Uji {i}", "BSU 2025", "600.000", "01-07-2025", "Tersalur"]


def reg_row(ctx: Ctx, i: int) -> list[str]:
    return [nik(i), str(1000 + i), "Diterima", f"catatan {i}"]


def workforce_row(ctx: Ctx, i: int) -> list[str]:
    return [ctx.regions[i % len(ctx.regions)], str(2025 + i // len(ctx.regions)), "1.000", f"BPS {i}"]


def quota_row(ctx: Ctx, i: int) -> list[str]:
    return [ctx.regions[i % len(ctx.regions)], str(10 + i)]


ROSTER_HEADER = ("funder", "nik", "name", "birth_date", "village_code", "segment", "coverage_start", "coverage_end",
                 "monthly_contribution")  # fmt: skip


def roster_row(ctx: Ctx, i: int) -> list[str]:
    return ["apbd_kab@74.13", nik(i), f"La Ode Uji {i}", "1996-04-12", DESA_A, "pekerja_rentan", "2025-01-01", "",
            "16800"]  # fmt: skip


def other_roster(ctx: Ctx) -> Path:
    """The second funder's roster a comparison needs beside the file under test."""
    rows = [list(ROSTER_HEADER), *(["apbd_prov@74", *roster_row(ctx, i)[1:]] for i in range(3))]
    path = ctx.tmp / "provinsi.csv"
    path.write_bytes(csv_bytes(rows))
    return path


def crossfund_cli(ctx: Ctx, file: Path, name: str) -> Answer:
    out = ctx.tmp / "keluaran"
    return run_cli(ctx, "crossfund", str(file), str(other_roster(ctx)), "--out", str(out), "--as-of", "2026-01-01",
                   "--no-progress")  # fmt: skip


def crossfund_page(ctx: Ctx, file: Path, name: str) -> Answer:
    client = Client()
    client.force_login(ctx.users["admin"])
    files = [
        SimpleUploadedFile(name, file.read_bytes()),
        SimpleUploadedFile("provinsi.csv", other_roster(ctx).read_bytes()),
    ]
    response = client.post(reverse("crossfund:index"), {"files": files, "as_of": "2026-01-01"})
    if response.status_code != 302:
        return page_answer(response)
    return job_answer(int(response["Location"].rstrip("/").split("/")[-1]), 302)


def _cli(*argv: str) -> Callable[[Ctx, Path, str], Answer]:
    def send(ctx: Ctx, file: Path, name: str) -> Answer:
        (ctx.tmp / "keluaran").mkdir(exist_ok=True)
        return run_cli(ctx, *[a.replace("FILE", str(file)).replace("OUT", str(ctx.tmp / "keluaran")) for a in argv])

    return send


def _page(url_name: str, user: str, **data: str) -> Callable[[Ctx, Path, str], Answer]:
    return lambda ctx, file, name: post_page(ctx, user, reverse(url_name), file, name, data)


PATHS: tuple[ImportPath, ...] = (
    ImportPath("cli:screen", "screen", NOM_HEADER, nom_row, 1,
               _cli("screen", "FILE", "--out", "OUT", "--as-of", "2026-01-01", "--no-progress"), screened_rows),
    ImportPath("cli:reference", "reference load", REF_HEADER, ref_row, 1,
               _cli("reference", "load", "asn", "FILE", "--no-progress"), active_reference_entries, True),
    ImportPath("cli:billing", "billing import", BILL_HEADER, bill_row, 2,
               _cli("billing", "import", "FILE"), count_of("billing.InvoiceLine")),
    ImportPath("cli:claims", "claims import", CLAIM_HEADER, claim_row, 8,
               _cli("claims", "import", "FILE"), count_of("claims.Claim")),
    ImportPath("cli:assistance", "assistance import", BSU_HEADER, bsu_row, 1,
               _cli("assistance", "import", "FILE", "--programme", "BSU2025"), count_of("assistance.Recipient")),
    ImportPath("cli:agreement", "agreement registration-import", REG_HEADER, reg_row, 3,
               _cli("agreement", "registration-import", "FILE"), registration_rows),
    ImportPath("cli:monev", "monev workforce", WORKFORCE_HEADER, workforce_row, 3,
               _cli("monev", "workforce", "FILE"), count_of("monitoring.WorkforceDenominator")),
    ImportPath("cli:budget", "budget --quotas", QUOTA_HEADER, quota_row, 0,
               _cli("budget", "--year", "2026", "--ceiling", "1000000000", "--quota-by", "kecamatan",
                    "--quotas", "FILE", "--out", "OUT/seleksi.xlsx"), None),
    ImportPath("web:ucjamsostek.screening.views:upload", "usulan (halaman)", NOM_HEADER, nom_row, 1,
               nominations_page, count_of("screening.Nomination")),
    ImportPath("api:submit_batch", "usulan (API)", NOM_HEADER, nom_row, 1,
               nominations_api, count_of("screening.Nomination")),
    ImportPath("web:ucjamsostek.screening.views:references", "daftar rujukan (halaman)", REF_HEADER, ref_row, 1,
               _page("screening:references", "dinas", kind="asn"), active_reference_entries, True),
    ImportPath("web:ucjamsostek.billing.views:upload", "tagihan (halaman)", BILL_HEADER, bill_row, 2,
               _page("billing:upload", "bpjs"), count_of("billing.InvoiceLine")),
    ImportPath("web:ucjamsostek.claims.views:upload", "klaim (halaman)", CLAIM_HEADER, claim_row, 8,
               _page("claims:upload", "bpjs"), count_of("claims.Claim")),
    ImportPath("web:ucjamsostek.assistance.views:upload", "bantuan (halaman)", BSU_HEADER, bsu_row, 1,
               _page("assistance:upload", "bpjs", programme="BSU2025"), count_of("assistance.Recipient")),
    ImportPath("cli:crossfund", "crossfund", ROSTER_HEADER, roster_row, 2, crossfund_cli, None, strict_format=True),
    ImportPath("web:ucjamsostek.crossfund.views:index", "dana ganda (halaman)", ROSTER_HEADER, roster_row, 2,
               crossfund_page, None, strict_format=True),
    ImportPath("web:ucjamsostek.agreements.views:registration_import", "jawaban pendaftaran (halaman)", REG_HEADER,
               reg_row, 3, _page("agreements:registration_import", "bpjs"), None),
)  # fmt: skip


# --------------------------------------------------------------------------- the bad files
def csv_bytes(rows: list[list[str]] | list[tuple[str, ...]], encoding: str = "utf-8", newline: str = "\n") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    return buf.getvalue().encode(encoding)


def good_rows(p: ImportPath, ctx: Ctx, n: int = 3) -> list[list[str]]:
    return [list(p.header), *(p.row(ctx, i) for i in range(n))]


@dataclass(frozen=True)
class BadFile:
    name: str
    read: bool  # True: must be read whole (rows in = rows out); False: refused
    build: Callable[[ImportPath, Ctx, Path], tuple[Path, str, int]]  # → file, display name, data rows


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _simple(name: str, data: Callable[[ImportPath, Ctx], bytes], rows: int = 0):  # type: ignore[no-untyped-def]
    return lambda p, ctx, folder: (_write(folder, name, data(p, ctx)), name, rows)


def _long_cell(chars: int):  # type: ignore[no-untyped-def]
    def build(p: ImportPath, ctx: Ctx) -> bytes:
        rows = good_rows(p, ctx)
        rows[2][p.text_column] = "x" * chars
        return csv_bytes(rows)

    return _simple(f"sel-{chars}.csv", build)


def _duplicate_headers(p: ImportPath, ctx: Ctx) -> bytes:
    rows = good_rows(p, ctx)
    return csv_bytes([[*r, r[0]] for r in rows])


def _fifty_thousand_columns(p: ImportPath, ctx: Ctx, folder: Path) -> tuple[Path, str, int]:
    rows = good_rows(p, ctx)
    rows[1] = rows[1] + [f"k{j}" for j in range(50_000)]
    return write_sheet_xlsx(folder / "lebar.xlsx", table_rows(rows[0], rows[1:])), "lebar.xlsx", 0


def _encoded(name: str, encoding: str, newline: str = "\n", text: str = "Nurâini Ç"):  # type: ignore[no-untyped-def]
    def build(p: ImportPath, ctx: Ctx, folder: Path) -> tuple[Path, str, int]:
        rows = good_rows(p, ctx)
        if p.text_column:
            rows[1][p.text_column] = text
        data = csv_bytes(rows, newline=newline).decode()
        raw = ("\ufeff" + data).encode("utf-16-le") if encoding == "utf-16" else data.encode(encoding)
        return _write(folder, name, raw), name, len(rows) - 1

    return build


def _formula(p: ImportPath, ctx: Ctx, folder: Path) -> tuple[Path, str, int]:
    rows = good_rows(p, ctx)
    if p.text_column:
        rows[1][p.text_column] = '=HYPERLINK("http://contoh.invalid","klik")'
        rows[2][p.text_column] = "@SUM(1+1)"
    return _write(folder, "rumus.csv", csv_bytes(rows)), "rumus.csv", len(rows) - 1


def _traversal(p: ImportPath, ctx: Ctx, folder: Path) -> tuple[Path, str, int]:
    rows = good_rows(p, ctx)
    return _write(folder, "jalur.csv", csv_bytes(rows)), "..\\..\\..\\etc\\jalur.csv", len(rows) - 1


def _bomb(p: ImportPath, ctx: Ctx, folder: Path) -> tuple[Path, str, int]:
    cached = BOMBS.get(p.header)
    if cached is None or not cached.exists():
        cached = write_bomb(folder / "bom.xlsx", p.header, p.row(ctx, 0), rows=3_000_000)
        BOMBS[p.header] = cached
    return cached, "bom.xlsx", 0


BOMBS: dict[tuple[str, ...], Path] = {}

BAD: tuple[BadFile, ...] = (
    BadFile("empty", False, _simple("kosong.csv", lambda p, ctx: b"")),
    BadFile("header-only", False, _simple("judul.csv", lambda p, ctx: csv_bytes([p.header]))),
    BadFile("wrong-extension", False, _simple("usulan.pdf", lambda p, ctx: csv_bytes(good_rows(p, ctx)))),
    BadFile("csv-named-xlsx", False, _simple("teks.xlsx", lambda p, ctx: csv_bytes(good_rows(p, ctx)))),
    BadFile("corrupt-zip", False, _simple("rusak.xlsx", lambda p, ctx: b"PK\x03\x04" + b"\x00rusak" * 200)),
    BadFile("password", False, lambda p, ctx, folder: (write_encrypted_office(folder / "sandi.xlsx"), "sandi.xlsx", 0)),
    BadFile("zip-bomb", False, _bomb),
    BadFile("50k-columns", False, _fifty_thousand_columns),
    BadFile("10mb-cell", False, _long_cell(10 * 1024 * 1024)),
    BadFile("200k-cell", False, _long_cell(200_000)),
    BadFile("duplicate-headers", False, _simple("ganda.csv", _duplicate_headers)),
    BadFile("cp1252", True, _encoded("ansi.csv", "cp1252")),
    BadFile("utf-16", True, _encoded("unicode.csv", "utf-16")),
    BadFile("lone-cr", True, _encoded("mac.csv", "utf-8", newline="\r")),
    BadFile("formula", True, _formula),
    BadFile("path-traversal", True, _traversal),
)


# --------------------------------------------------------------------------- fixtures, checks
@pytest.fixture
def ctx(tmp_path, users, people, pks, capsys, settings, inline_jobs) -> Ctx:  # noqa: F811
    from ucjamsostek.assistance.services import seed_programmes
    from ucjamsostek.monitoring import services as monitoring
    from ucjamsostek.regions.models import Region

    settings.MEDIA_ROOT = tmp_path / "media"
    seed_programmes()
    _, key = monitoring.create_api_token(users["dinas"], "uji")
    regions = list(
        Region.objects.filter(code__startswith="74.13.", level=3).order_by("code").values_list("code", flat=True)
    )
    return Ctx(tmp_path, users, people, capsys, key, regions or [DESA_A])


def row_counts() -> dict[str, int]:
    """Every table the app writes, but the queue (a nomination upload is a job), the access logs and
    the sessions and login records of the test's own logins."""
    skip = {"jobs.job", "django_tasks_database.dbtaskresult", "accounts.accesslog", "accounts.accesslogsubject"}
    return {
        m._meta.label_lower: m.objects.count()
        for m in apps.get_models()
        if m._meta.managed and m._meta.label_lower not in skip and m._meta.app_label not in ("sessions", "axes")
    }


INDONESIAN = re.compile(r"\b(berkas|baris|kolom|sel|lembar|daftar|tidak|harus|kosong|terlalu|rusak|kata sandi)\b", re.I)


def assert_one_located_bahasa_line(answer: Answer, name: str) -> None:
    message = answer.message
    assert message, answer
    assert "Traceback" not in message and "Error:" not in message and "\n" not in message.strip(), message
    assert INDONESIAN.search(message), message
    shown = Path(name.replace("\\", "/")).name
    assert shown in message or re.search(r"\bbaris \d", message), message  # located: the file, or its row


CASES = [pytest.param(p, b, id=f"{p.id}|{b.name}") for p in PATHS for b in BAD]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "bad"), CASES)
def test_bad_file_through_import_path(ctx, path: ImportPath, bad: BadFile):
    folder = ctx.tmp / "masuk"
    folder.mkdir(exist_ok=True)
    file, name, rows_in = bad.build(path, ctx, folder)
    before = row_counts()
    traced = bad.name == "zip-bomb"
    if traced:
        tracemalloc.start()
    try:
        answer = path.send(ctx, file, name)
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
    finally:
        if traced:
            tracemalloc.stop()
    assert peak <= 500 * 1024 * 1024, f"{peak / 2**20:.0f} MB"
    if not bad.read:
        assert answer.refused, answer
        assert answer.status == 2 if path.id.startswith("cli:") else 400 <= answer.status < 500, answer
        assert_one_located_bahasa_line(answer, name)
        assert row_counts() == before
        return
    if path.strict_format and answer.refused and bad.name in ("cp1252", "utf-16", "lone-cr"):
        assert_one_located_bahasa_line(answer, name)
        assert row_counts() == before
        return
    assert not answer.refused, answer
    assert ".." not in answer.message and "etc" not in answer.message.split(), answer.message
    if path.rows_out is not None:
        assert path.rows_out(ctx, answer) == rows_in


@pytest.mark.parametrize("path", [p for p in PATHS if p.replaces_list], ids=lambda p: p.id)
def test_a_destructive_small_list_needs_a_confirmation(ctx, path: ImportPath):
    folder = ctx.tmp / "masuk"
    folder.mkdir(exist_ok=True)
    full = _write(folder, "lengkap.csv", csv_bytes(good_rows(path, ctx, 20)))
    assert not path.send(ctx, full, "lengkap.csv").refused
    before = row_counts()
    for rows, name in (
        (good_rows(path, ctx, 1), "satu.csv"),
        ([list(path.header)] + [path.row(ctx, 0)] * 30, "ulang.csv"),
    ):
        answer = path.send(ctx, _write(folder, name, csv_bytes(rows)), name)
        assert answer.refused, answer
        assert_one_located_bahasa_line(answer, name)
        assert row_counts() == before


def test_the_matrix_covers_every_import_path():
    derived = derived_import_paths()
    in_matrix = {p.id for p in PATHS}
    assert derived - set(NOT_IMPORT_PATHS) == in_matrix, (
        f"not in the matrix: {sorted(derived - set(NOT_IMPORT_PATHS) - in_matrix)}; "
        f"in the matrix but reading nothing: {sorted(in_matrix - derived)}"
    )
    assert set(NOT_IMPORT_PATHS) <= derived  # an exemption that no longer applies goes
