"""Payments, credit, arrears and lapse (issue 9 §3), through the services, the commands, the pages
and the monitoring figure, from real csv and xlsx bill files.

Bills are for months relative to today (the SP2D date rule and the monitoring "Tunggakan" read
today's date), under a PKS that covers two years either side."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.people_fixtures import PASSWORD
from ucjamsostek.agreements import services as agr
from ucjamsostek.billing import accounts
from ucjamsostek.billing import selectors as bsel
from ucjamsostek.billing import services as bil
from ucjamsostek.billing.models import CreditTransfer, Invoice, Lapse, Payment
from ucjamsostek.core.rates import add_months, month_start
from ucjamsostek.core.xlsxout import new_workbook
from ucjamsostek.monitoring import queries
from ucjamsostek.monitoring import services as monev
from ucjamsostek.monitoring.models import IndicatorValue
from ucjamsostek.registry.models import Enrollment
from ucjamsostek.registry.services import seed_master_data

RATE = 16_800
TODAY = timezone.localdate()
THIS_MONTH = month_start(TODAY)


def _month(offset: int) -> date:
    return add_months(THIS_MONTH, offset)


@pytest.fixture
def pks(people, users):
    """One PKS from two years ago to two years ahead: p_a, p_a2, p_b are BPU (pekerja rentan),
    p_opd is a non-ASN wage earner (PU) — a bill that stays unpaid ends BPU memberships only."""
    seed_master_data()  # a transactional test before this one may have flushed the migrated lists
    admin = users["admin"]
    agreement = agr.create_agreement(
        admin,
        {
            "number": "PKS/UJI/001",
            "signed_on": _month(-25),
            "parties": "Pemkab Muna Barat; BPJS TK Raha",
            "start": _month(-24),
            "end": _month(24),
            "funder": "apbd_kab",
            "programmes": "JKK+JKM",
            "value": 2_016_000_000,
            "quota": 10,
            "wage_base": 2_552_000,
        },
    )
    agr.set_status(admin, agreement, "signed")
    agr.set_status(admin, agreement, "active")
    rentan = [(people[k].pk, "pekerja_rentan") for k in ("p_a", "p_a2", "p_b")]
    agr.enroll_people(admin, agreement, rentan, status=Enrollment.Status.ACTIVE)
    agr.enroll_people(admin, agreement, [(people["p_opd"].pk, "non_asn")], status=Enrollment.Status.ACTIVE)
    return agreement


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _bill_csv(path: Path, period: date, niks: list[str], amounts: list[str], total: str | None = None) -> Path:
    lines = ["No;NIK;Nama;Periode;Program;Iuran"]
    lines += [
        f"{i};{n};Nama {i};{period:%m/%Y};JKK+JKM;{a}" for i, (n, a) in enumerate(zip(niks, amounts, strict=True), 1)
    ]
    if total is not None:
        lines.append(f"Jumlah;;;;;{total}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _bill_xlsx(path: Path, period: date, niks: list[str], total: int | None = None) -> Path:
    wb = new_workbook(path)
    ws = wb.add_worksheet("Tagihan")
    for j, h in enumerate(["NIK", "Nama", "Periode", "Iuran"]):
        ws.write_string(1, j, h)
    ws.write_string(0, 0, f"TAGIHAN IURAN BPJS KETENAGAKERJAAN {period:%m/%Y}")
    for i, nik in enumerate(niks, start=2):
        ws.write_string(i, 0, nik)
        ws.write_string(i, 1, f"Nama {i}")
        ws.write_string(i, 2, f"{period:%Y-%m}")
        ws.write_number(i, 3, RATE)
    if total is not None:
        ws.write_string(len(niks) + 2, 0, "TOTAL")
        ws.write_number(len(niks) + 2, 3, total)
    wb.close()
    return path


def _nik(people, *keys: str) -> list[str]:
    return [people[k].nik for k in keys]


def _import_and_reconcile(path: Path, period: date, tmp_path: Path) -> Invoice:
    _run("billing", "import", str(path))
    _run("billing", "reconcile", "--period", f"{period:%Y-%m}", "--out", str(tmp_path / f"rek-{period:%Y-%m}"))
    return Invoice.objects.get(period=period)


# --------------------------------------------------------------------------------------- SP2D date
def test_sp2d_dated_in_the_future_or_before_the_bill_month_is_refused_and_nothing_written(pks, people, users, tmp_path):
    period = _month(-1)
    inv = _import_and_reconcile(
        _bill_csv(tmp_path / "t.csv", period, _nik(people, "p_a"), ["16.800"]), period, tmp_path
    )
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(ValidationError, match=r"Tanggal SP2D .* belum terjadi"):
        bil.record_payment(users["dinas"], inv, sp2d_number="SP2D/F", paid_on=tomorrow, amount=RATE)
    with pytest.raises(CommandError, match=rf"Tanggal SP2D {tomorrow:%d-%m-%Y} belum terjadi"):
        _run(
            "billing",
            "pay",
            "--period",
            f"{period:%Y-%m}",
            "--sp2d",
            "SP2D/F",
            "--date",
            f"{tomorrow}",
            "--amount",
            "16.800",
        )
    early = period - timedelta(days=1)
    with pytest.raises(CommandError, match=rf"sebelum periode tagihan {period:%m/%Y}"):
        _run(
            "billing",
            "pay",
            "--period",
            f"{period:%Y-%m}",
            "--sp2d",
            "SP2D/E",
            "--date",
            f"{early}",
            "--amount",
            "16.800",
        )
    assert Payment.objects.count() == 0
    bil.record_payment(users["dinas"], inv, sp2d_number="SP2D/OK", paid_on=period, amount=RATE)
    assert accounts.account_of(inv)["status"] == "paid"


def test_an_amount_with_a_thousands_comma_is_refused_on_the_command_line(pks, people, tmp_path):
    period = _month(-1)
    _import_and_reconcile(_bill_csv(tmp_path / "t.csv", period, _nik(people, "p_a"), ["16.800"]), period, tmp_path)
    with pytest.raises(CommandError, match="--amount: .*koma adalah tanda desimal"):
        _run(
            "billing", "pay", "--period", f"{period:%Y-%m}", "--sp2d", "S", "--date", f"{period}", "--amount", "16,800"
        )
    assert Payment.objects.count() == 0


# ------------------------------------------------------------------------- over-payment and credit
def test_over_payment_is_a_flagged_credit_set_against_the_next_bill_and_every_figure_agrees(
    pks, people, users, tmp_path
):
    first, second = _month(-2), _month(-1)
    # January-like bill: p_a billed twice (the repeat is never payable), a trailing total row
    niks = _nik(people, "p_a", "p_a", "p_a2", "p_b")
    bill1 = _bill_csv(tmp_path / "tagihan-1.csv", first, niks, ["Rp16.800", "16.800,-", "16.800", "16800"], "67.200")
    inv1 = _import_and_reconcile(bill1, first, tmp_path)
    assert (inv1.billed_total, inv1.payable) == (4 * RATE, 3 * RATE)
    paid_on = first + timedelta(days=9)
    out = _run(
        "billing",
        "pay",
        "--period",
        f"{first:%Y-%m}",
        "--sp2d",
        "SP2D/001",
        "--date",
        f"{paid_on}",
        "--amount",
        "60.000",
    )
    assert "Kelebihan bayar Rp9.600 dicatat sebagai kredit" in out
    account = bsel.account(users["dinas"], inv1)
    assert (account["outstanding"], account["credit"], account["status"]) == (0, 9_600, "overpaid")
    assert account["label"] == "Lebih bayar (kredit)"
    # the page flags it, never "Lunas"
    client = Client()
    client.force_login(users["dinas"])
    page = client.get(reverse("billing:invoice", args=[inv1.pk])).content.decode()
    assert "Lebih bayar (kredit)" in page and "Rp9.600" in page and ">Lunas<" not in page
    # the next bill, an xlsx with a title row and a total row
    inv2 = _import_and_reconcile(
        _bill_xlsx(tmp_path / "tagihan-2.xlsx", second, _nik(people, "p_a", "p_a2", "p_b"), total=3 * RATE),
        second,
        tmp_path,
    )
    assert inv2.payable == 3 * RATE
    out = _run("billing", "pay", "--period", f"{second:%Y-%m}", "--credit-from", f"{first:%Y-%m}")
    assert f"Kelebihan bayar tagihan {first:%m/%Y} Rp9.600 diperhitungkan ke tagihan {second:%m/%Y}" in out
    assert CreditTransfer.objects.get().amount == 9_600
    # a credit used up cannot be used again
    with pytest.raises(CommandError, match="tidak punya kelebihan bayar yang tersisa"):
        _run("billing", "pay", "--period", f"{second:%Y-%m}", "--credit-from", f"{first:%Y-%m}")
    # billing arrears --json: integer rupiah, the total is the sum of the bills' arrears
    report = json.loads(_run("billing", "arrears", "--json"))
    assert report["total"] == 3 * RATE - 9_600 == 40_800 and report["credit"] == 0
    assert [
        (b["period"], b["paid"], b["credit_in"], b["credit_out"], b["outstanding"], b["status"])
        for b in report["bills"]
    ] == [
        (f"{first:%Y-%m}", 60_000, 0, 9_600, 0, "paid"),
        (f"{second:%Y-%m}", 0, 9_600, 0, 40_800, "outstanding"),
    ]
    # the monitoring "Tunggakan" of each month, the dashboard page and the API say the same
    for period, expected in ((first, 0), (second, 40_800)):
        code = f"{period:%Y-%m}"
        snap = monev.refresh(code)
        value = IndicatorValue.objects.get(snapshot=snap, indicator_id="ARREARS", period=code, area_code="74.13")
        assert value.numerator == expected == accounts.arrears_total(period, add_months(period, 1))
    client.force_login(users["leadership"])
    assert "Rp40.800" in client.get(reverse("monitoring:index"), {"period": f"{second:%Y-%m}"}).content.decode()
    _, key = monev.create_api_token(users["leadership"], "uji")
    api = Client().get("/monev/api/dashboard", {"period": f"{second:%Y-%m}"}, HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert api["arrears"] == 40_800
    # paying the rest settles it exactly
    _run(
        "billing",
        "pay",
        "--period",
        f"{second:%Y-%m}",
        "--sp2d",
        "SP2D/002",
        "--date",
        f"{TODAY}",
        "--amount",
        "40.800",
    )
    assert json.loads(_run("billing", "arrears", "--json"))["total"] == 0
    assert accounts.account_of(inv2)["status"] == "paid"


def test_a_credit_goes_only_forward_and_never_beyond_what_is_left(pks, people, users, tmp_path):
    first, second = _month(-2), _month(-1)
    inv1 = _import_and_reconcile(_bill_csv(tmp_path / "a.csv", first, _nik(people, "p_a"), ["16.800"]), first, tmp_path)
    inv2 = _import_and_reconcile(
        _bill_csv(tmp_path / "b.csv", second, _nik(people, "p_a"), ["16.800"]), second, tmp_path
    )
    bil.record_payment(users["dinas"], inv2, sp2d_number="S2", paid_on=second, amount=RATE + 1_000)
    with pytest.raises(ValidationError, match="hanya dapat diperhitungkan ke tagihan bulan sesudahnya"):
        bil.apply_credit(users["dinas"], inv2, inv1)
    bil.record_payment(users["dinas"], inv1, sp2d_number="S1", paid_on=first, amount=RATE + 5_000)
    bil.record_payment(users["dinas"], inv2, sp2d_number="S3", paid_on=second, amount=1)  # inv2 over-paid
    with pytest.raises(ValidationError, match="tidak punya tunggakan"):
        bil.apply_credit(users["dinas"], inv1, inv2)
    assert CreditTransfer.objects.count() == 0


def test_credit_page_form_applies_the_credit(pks, people, users, tmp_path):
    first, second = _month(-2), _month(-1)
    inv1 = _import_and_reconcile(_bill_csv(tmp_path / "a.csv", first, _nik(people, "p_a"), ["16.800"]), first, tmp_path)
    inv2 = _import_and_reconcile(
        _bill_csv(tmp_path / "b.csv", second, _nik(people, "p_a"), ["16.800"]), second, tmp_path
    )
    client = Client()
    client.force_login(users["dinas"])
    r = client.post(
        reverse("billing:pay", args=[inv1.pk]),
        {"sp2d_number": "SP2D/9", "paid_on": f"{first:%Y-%m-%d}", "amount": "20.000,-"},
        follow=True,
    )
    assert "Kelebihan bayar Rp3.200 dicatat sebagai kredit" in r.content.decode()
    r = client.post(
        reverse("billing:apply_credit", args=[inv1.pk]), {"target": inv2.pk, "amount": "5.000"}, follow=True
    )
    assert "kurang dari Rp5.000" in r.content.decode()
    r = client.post(reverse("billing:apply_credit", args=[inv1.pk]), {"target": inv2.pk, "amount": ""}, follow=True)
    assert f"Kelebihan bayar Rp3.200 diperhitungkan ke tagihan {second:%m/%Y}" in r.content.decode()
    assert accounts.account_of(inv2)["outstanding"] == RATE - 3_200
    client.force_login(users["leadership"])
    r = client.post(reverse("billing:apply_credit", args=[inv1.pk]), {"target": inv2.pk}, follow=True)
    assert "tidak berwenang" in r.content.decode()


# --------------------------------------------------------------------------------------------- lapse
def _unpaid_bill_at_the_limit(people, tmp_path) -> tuple[Invoice, date]:
    """A bill three months old, unpaid: this is its last month; it lapses on the first of next month."""
    period = _month(-3)
    inv = _import_and_reconcile(
        _bill_csv(tmp_path / "t.csv", period, _nik(people, "p_a", "p_a2"), ["16.800", "16.800"]), period, tmp_path
    )
    return inv, _month(1)


def _bpu_ends(people) -> dict[str, date | None]:
    return {k: Enrollment.objects.get(person=people[k]).coverage_end for k in ("p_a", "p_a2", "p_b", "p_opd")}


def test_a_bill_unpaid_past_the_limit_ends_the_bpu_memberships_billed_on_it(pks, people, users, tmp_path):
    inv, deadline = _unpaid_bill_at_the_limit(people, tmp_path)
    # a month before: the warning, on the bills page and the dashboard; nothing ends yet
    assert [(w["bill"], w["status"], w["deadline"]) for w in bsel.warnings(users["leadership"])] == [
        (inv.pk, "warning", deadline)
    ]
    client = Client()
    client.force_login(users["leadership"])
    for name in ("billing:index", "monitoring:index"):
        text = client.get(reverse(name)).content.decode()
        assert f"Tagihan {inv.period:%m/%Y} belum lunas (Rp33.600): bulan ini batas terakhir" in text, name
        assert f"berakhir pada {deadline:%d-%m-%Y}" in text, name
    assert "0 baru" in _run("billing", "lapse") and Lapse.objects.count() == 0
    before = sum(queries.active_on(deadline - timedelta(days=1)).values())
    # on the deadline: p_a and p_a2 (BPU, billed) end on it; p_b (not billed) and p_opd (PU) go on
    out = _run("billing", "lapse", "--today", f"{deadline}")
    assert "2 baru" in out and f"{inv.period:%m/%Y}\tberakhir {deadline:%d-%m-%Y}\t2 kepesertaan" in out
    ends = _bpu_ends(people)
    assert ends == {"p_a": deadline, "p_a2": deadline, "p_b": pks.end, "p_opd": pks.end}
    assert Enrollment.objects.get(person=people["p_a"]).status == Enrollment.Status.ENDED
    assert sum(queries.active_on(deadline).values()) == before - 2
    assert "0 baru" in _run("billing", "lapse", "--today", f"{deadline}")  # idempotent
    # an SP2D dated within the limit, recorded late, gives the memberships back
    bil.record_payment(users["dinas"], inv, sp2d_number="SP2D/L", paid_on=TODAY, amount=2 * RATE)
    assert "2 dipulihkan" in _run("billing", "lapse", "--today", f"{deadline}")
    assert _bpu_ends(people) == {"p_a": pks.end, "p_a2": pks.end, "p_b": pks.end, "p_opd": pks.end}
    assert Enrollment.objects.get(person=people["p_a"]).status == Enrollment.Status.ACTIVE
    assert Lapse.objects.count() == 0


def test_paying_the_arrears_within_the_limit_prevents_the_lapse(pks, people, users, tmp_path):
    inv, deadline = _unpaid_bill_at_the_limit(people, tmp_path)
    _run(
        "billing",
        "pay",
        "--period",
        f"{inv.period:%Y-%m}",
        "--sp2d",
        "SP2D/T",
        "--date",
        f"{TODAY}",
        "--amount",
        "33.600",
    )
    assert bsel.warnings(users["leadership"]) == []
    assert "0 baru" in _run("billing", "lapse", "--today", f"{deadline}")
    assert _bpu_ends(people)["p_a"] == pks.end


def test_the_monitoring_refresh_applies_the_lapse_before_counting(pks, people, users, tmp_path):
    period = _month(-5)  # unpaid five months: lapsed on the first day of this month
    _import_and_reconcile(_bill_csv(tmp_path / "t.csv", period, _nik(people, "p_a"), ["16.800"]), period, tmp_path)
    monev.refresh(f"{THIS_MONTH:%Y-%m}")
    assert Enrollment.objects.get(person=people["p_a"]).coverage_end == add_months(period, 4) == _month(-1)
    assert Lapse.objects.count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_over_payment_and_credit_in_a_real_browser(live_server, pks, people, users, tmp_path, browser_page):
    first, second = _month(-2), _month(-1)
    inv1 = _import_and_reconcile(_bill_csv(tmp_path / "a.csv", first, _nik(people, "p_a"), ["16.800"]), first, tmp_path)
    inv2 = _import_and_reconcile(
        _bill_csv(tmp_path / "b.csv", second, _nik(people, "p_a"), ["16.800"]), second, tmp_path
    )
    page = browser_page
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_dinas")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('billing:invoice', args=[inv1.pk])}")
    page.fill("#pay input[name=sp2d_number]", "SP2D/BR")
    page.fill("#pay input[name=paid_on]", f"{first:%Y-%m-%d}")
    page.fill("#pay input[name=amount]", "Rp 20.000,00")
    page.click("#pay button[type=submit]")
    page.get_by_text("Kelebihan bayar Rp3.200 dicatat sebagai kredit").wait_for()
    assert page.locator("#account").inner_text().count("Lebih bayar (kredit)") == 1
    page.select_option("#apply-credit select[name=target]", str(inv2.pk))
    page.click("#apply-credit button[type=submit]")
    page.get_by_text(f"Kelebihan bayar Rp3.200 diperhitungkan ke tagihan {second:%m/%Y}").wait_for()
    assert "Lunas" in page.locator("#account").inner_text()
    page.goto(f"{live_server.url}{reverse('billing:index')}")
    row = page.locator("#arrears tbody tr", has_text=f"{second:%m/%Y}")
    assert "Rp13.600" in row.inner_text()
