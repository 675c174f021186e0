"""Operations part of the demo: agreements, the 2025 gap, bills, payments, claims and BSU.

:func:`build_operations_demo` runs on a database that already holds the demo registry (people
and their 2022–2024 enrollments, as the demo command loads them) and adds, deterministically for
a seed:

* the PKS 2022–2024 with two addenda (quota and value in February 2023; extension to 31 December
  2024), linked to every enrollment of those years; it ends, and nothing covers 1 January 2025 …
* a PKS for non-ASN staff (wage earners, Pemda as employer) from 1 March 2025, and the renewal
  PKS for pekerja rentan from 14 July 2025: the gap is 1 January – 13 July 2025 (194 days) for
  pekerja rentan; about 8% of them are not renewed at all;
* claims (default 120, Rp4.960.000.000 in total, all paid: "Rp4,96 miliar returned to residents
  through 120 claims"): JKM for registry deaths, JKK and scholarships, a few with the incident in
  the gap (paid once the arrears were settled, and flagged as without an agreement in force);
* twelve monthly bills (December 2025 – November 2026) with realistic discrepancies — people
  billed after their death, twice, not on the roster, outside their coverage, the PP 50/2025
  discount wrongly applied to APBD-paid participants, people not billed — each imported and
  reconciled through the same services as a real file, and SP2D payments for the first eight
  months (the ninth half paid, the last three unpaid: the arrears warning shows);
* the BSU 2025 recipient lists, tahap 1 and tahap 2 (default 390 people paid, 4 of them paid
  again in tahap 2; plus a few lines that failed to pay out), checked against the registry.

Everything goes through the apps' services (files are written and read back), as the console
operator (``actor=SYSTEM``). The files are kept in ``folder`` when one is given (the demo command
puts them beside its other files, so they can be opened), else in a temporary folder.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements import services as agr
from ucjamsostek.agreements.models import Agreement, Coverage
from ucjamsostek.assistance import services as assistance
from ucjamsostek.assistance.models import AssistanceProgramme
from ucjamsostek.billing import services as billing
from ucjamsostek.billing.models import Invoice
from ucjamsostek.claims import services as claims
from ucjamsostek.core.indicators import MONTHS_ID
from ucjamsostek.core.money import format_rupiah, split_evenly
from ucjamsostek.core.nik import make_nik
from ucjamsostek.core.rates import add_months
from ucjamsostek.demo.generator import DemoData
from ucjamsostek.registry.models import Enrollment, Person

OLD_NUMBER = "560/01/PKS-UCJ/X/2022"
NON_ASN_NUMBER = "560/02/PKS-NONASN/II/2025"
NEW_NUMBER = "560/03/PKS-UCJ/VII/2025"
OLD_END = date(2025, 1, 1)
NON_ASN_START = date(2025, 3, 1)
NEW_START = date(2025, 7, 14)
NEW_END = date(2027, 1, 1)
WAGE_BASE_NON_ASN = 2_552_000  # DOMAIN.md §1: PU 0,24% + 0,30% of this = Rp13.780
FIRST_BILL = date(2025, 12, 1)
RENTAN, NON_ASN = "pekerja_rentan", "non_asn"


@dataclass
class OperationsDemo:
    agreements: list[str] = field(default_factory=list)
    enrolled: dict[str, int] = field(default_factory=dict)
    bills: int = 0
    bill_lines: int = 0
    payments: int = 0
    claims: int = 0
    claims_total: int = 0
    claims_uncovered: int = 0
    bsu_lines: int = 0
    bsu_disbursed: int = 0  # payments (disbursed lines)
    bsu_people: int = 0  # distinct people paid
    bsu_eligible: int = 0

    def summary(self) -> str:
        return (
            f"PKS: {', '.join(self.agreements)}; kepesertaan baru {self.enrolled}; {self.bills} tagihan "
            f"({self.bill_lines} baris), {self.payments} SP2D; {self.claims} klaim "
            f"({format_rupiah(self.claims_total)}), {self.claims_uncovered} tanpa perlindungan; "
            f"BSU {self.bsu_lines} baris ({self.bsu_disbursed} pembayaran kepada {self.bsu_people} orang), "
            f"{self.bsu_eligible} memenuhi syarat."
        )


def _write_csv(path: Path, header: list[str], rows: list[list[Any]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


def _dmy(d: date | None) -> str:
    return "" if d is None else f"{d:%d-%m-%Y}"


def _rp(amount: int, style: int) -> str:
    text = f"{amount:,}".replace(",", ".")
    return ("Rp" + text, text, str(amount))[style % 3]


def _period_text(d: date, style: int) -> str:
    return (f"{MONTHS_ID[d.month - 1]} {d.year}", f"{d:%m/%Y}", f"{d:%Y-%m}")[style % 3]


def _outside_niks(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    """Valid-looking NIKs of people not in the registry (e.g. Muna, 74.03)."""
    out: list[str] = []
    while len(out) < n:
        born = date(1960, 1, 1) + timedelta(days=int(rng.integers(0, 15000)))
        nik = make_nik(
            "74.03.0" + str(int(rng.integers(1, 9))),
            born,
            "L" if rng.random() < 0.5 else "P",
            int(rng.integers(1, 9999)),
        )
        if nik not in taken:
            taken.add(nik)
            out.append(nik)
    return out


def build_operations_demo(
    seed: int = 2026,
    *,
    n_claims: int = 120,
    claims_total: int = 4_960_000_000,
    n_bsu: int = 390,
    bill_months: int = 12,
    folder: Path | None = None,
) -> OperationsDemo:
    """Add the operations demo to a database holding the demo registry; see the module doc."""
    if Agreement.objects.filter(number__in=(NEW_NUMBER, NON_ASN_NUMBER)).exists():
        raise ValidationError("Data demo operasional sudah ada (PKS 2025 ditemukan).")
    old = list(
        Enrollment.objects.filter(coverage_start__lt=OLD_END)
        .exclude(status__in=(Enrollment.Status.REJECTED, Enrollment.Status.PROPOSED))
        .order_by("coverage_start", "pk")
        .values_list("pk", "person_id", "segment_id", "coverage_start", "coverage_end", "kpj_number")
    )
    if not old:
        raise ValidationError("Data penduduk demo (kepesertaan 2022–2024) belum dimuat.")
    rng = np.random.default_rng(seed)
    out = OperationsDemo()
    with ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ucj-demo-ops-")))
        folder.mkdir(parents=True, exist_ok=True)
        with transaction.atomic():
            claimants = _choose_claimants(rng, old, n_claims)
            _agreements(rng, old, claimants, out)
            _claims(rng, folder, claimants, claims_total, out)
            _bills(rng, folder, bill_months, out)
            _bsu(rng, folder, n_bsu, out)
    return out


# ------------------------------------------------------------------------------------ claims plan
@dataclass
class _Claim:
    person_id: int
    type: str
    incident: date
    in_gap: bool = False


def _choose_claimants(rng: np.random.Generator, old: list[tuple[Any, ...]], n_claims: int) -> list[_Claim]:
    """Who claims what; JKM claimants die on the incident date (before the renewal is decided)."""
    n_jkm = round(n_claims * 95 / 120)
    n_sch = round(n_claims * 10 / 120)
    n_jkk = n_claims - n_jkm - n_sch
    by_person = {r[1]: r for r in old}
    deaths: dict[int, date] = {
        pk: died
        for pk, died in Person.objects.filter(pk__in=list(by_person), death_date__isnull=False).values_list(
            "pk", "death_date"
        )
        if died is not None
    }
    plan: list[_Claim] = []
    # registry deaths inside their coverage → JKM
    for pid, died in sorted(deaths.items()):
        start, end = by_person[pid][3], by_person[pid][4] or OLD_END
        if start <= died < end and len(plan) < n_jkm - 2:
            plan.append(_Claim(pid, "JKM", died))
    alive = [pid for pid in sorted(by_person) if pid not in deaths]
    order = list(rng.permutation(len(alive)))
    picks = iter(alive[i] for i in order)
    new_deaths: dict[int, date] = {}
    while len(plan) < n_jkm:
        pid = next(picks)
        start = by_person[pid][3]
        gap = len(plan) >= n_jkm - 2  # the last two die in the 2025 gap
        lo, hi = (OLD_END, NEW_START) if gap else (max(start, date(2022, 11, 1)), OLD_END)
        day = lo + timedelta(days=int(rng.integers(0, max((hi - lo).days, 1))))
        plan.append(_Claim(pid, "JKM", day, gap))
        new_deaths[pid] = day
    rentan = {r[1] for r in old if r[2] == RENTAN}
    for i in range(n_jkk):
        gap = i < min(3, n_jkk // 2)
        pid = next(picks)
        while gap and pid not in rentan:
            pid = next(picks)
        start = by_person[pid][3]
        lo, hi = (OLD_END, NEW_START) if gap else (max(start, date(2022, 11, 1)), OLD_END)
        plan.append(_Claim(pid, "JKK", lo + timedelta(days=int(rng.integers(0, max((hi - lo).days, 1)))), gap))
    jkm = [c for c in plan if c.type == "JKM" and not c.in_gap]
    for c in jkm[:n_sch]:
        plan.append(_Claim(c.person_id, "BEASISWA", c.incident))
    for pid, day in new_deaths.items():
        Person.objects.filter(pk=pid).update(is_deceased=True, death_date=day)
        Enrollment.objects.filter(person_id=pid, coverage_start__lte=day, coverage_end__gt=day).update(
            coverage_end=date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        )
    return plan


# ------------------------------------------------------------------------------------ agreements
def _agreements(rng: np.random.Generator, old: list[tuple[Any, ...]], plan: list[_Claim], out: OperationsDemo) -> None:
    rates = billing.rate_table()
    bpu = rates.monthly_contribution("BPU", "public", date(2023, 1, 1))
    pu = rates.monthly_contribution("PU", "public", date(2023, 1, 1), wage=WAGE_BASE_NON_ASN)
    n_non = len({r[1] for r in old if r[2] == NON_ASN})
    n_all = len({r[1] for r in old})
    a = Agreement.objects.filter(end=OLD_END).order_by("start").first()  # the demo command may have made it
    if a is None:
        a = _old_agreement(old, n_non, n_all, pu, bpu)
    linked = set(
        Coverage.objects.filter(enrollment__coverage_start__lt=OLD_END).values_list("enrollment_id", flat=True)
    )
    inside = [r[0] for r in old if r[0] not in linked and r[3] >= a.start and (r[4] or OLD_END) <= a.end]
    Coverage.objects.bulk_create([Coverage(agreement=a, enrollment_id=pk) for pk in inside], batch_size=5000)
    Enrollment.objects.filter(coverage_start__lt=OLD_END, coverage_end__lte=OLD_END).exclude(
        status__in=(Enrollment.Status.REJECTED, Enrollment.Status.PROPOSED)
    ).update(status=Enrollment.Status.ENDED)
    for status in (Agreement.Status.SIGNED, Agreement.Status.ACTIVE, Agreement.Status.ENDED):
        if status in agr.TRANSITIONS.get(a.status, ()):
            if status == Agreement.Status.SIGNED and a.signed_on is None:
                Agreement.objects.filter(pk=a.pk).update(signed_on=a.start)
                a.refresh_from_db()
            a = agr.set_status(SYSTEM, a, status)
    _old_payments(old, a, bpu, pu)
    dead = set(Person.objects.filter(death_date__lt=NEW_START).values_list("pk", flat=True))
    kpj = {r[1]: r[5] for r in old}
    non_asn = sorted({r[1] for r in old if r[2] == NON_ASN and r[1] not in dead})
    gap_jkk = {c.person_id for c in plan if c.type == "JKK" and c.in_gap}
    rentan = sorted({r[1] for r in old if r[2] == RENTAN and r[1] not in dead})
    keep = rng.random(len(rentan)) >= 0.08
    for i in [i for i, p in enumerate(rentan) if p not in gap_jkk][:2]:  # at least two are never renewed
        keep[i] = False
    renewed = [p for p, k in zip(rentan, keep, strict=True) if k or p in gap_jkk]
    b = agr.create_agreement(
        SYSTEM,
        {
            "number": NON_ASN_NUMBER,
            "title": "Kepesertaan tenaga non-ASN sebagai penerima upah",
            "signed_on": date(2025, 2, 24),
            "parties": "Pemerintah Kabupaten Muna Barat; BPJS Ketenagakerjaan Cabang Raha",
            "start": NON_ASN_START,
            "end": NEW_END,
            "funder": "apbd_kab",
            "programmes": "JKK+JKM",
            "value": len(non_asn) * pu * 22,
            "quota": len(non_asn),
            "wage_base": WAGE_BASE_NON_ASN,
        },
    )
    agr.set_status(SYSTEM, b, Agreement.Status.SIGNED)
    agr.set_status(SYSTEM, b, Agreement.Status.ACTIVE)
    c = agr.renew_agreement(
        SYSTEM,
        a,
        {
            "number": NEW_NUMBER,
            "title": "Universal Coverage Jamsostek pekerja rentan 2025–2026",
            "signed_on": date(2025, 7, 10),
            "start": NEW_START,
            "end": NEW_END,
            "funder": "apbd_kab",
            "value": len(renewed) * bpu * 18,
            "quota": len(renewed) + 200,
            "wage_base": None,
        },
    )
    agr.set_status(SYSTEM, c, Agreement.Status.SIGNED)
    agr.set_status(SYSTEM, c, Agreement.Status.ACTIVE)
    r1 = agr.enroll_people(SYSTEM, b, [(p, NON_ASN) for p in non_asn], status=Enrollment.Status.ACTIVE)
    r2 = agr.enroll_people(SYSTEM, c, [(p, RENTAN) for p in renewed], status=Enrollment.Status.ACTIVE)
    Enrollment.objects.bulk_update(
        [
            Enrollment(pk=pk, kpj_number=kpj.get(pid) or f"25{pid:09d}")
            for pk, pid in Enrollment.objects.filter(coverage__agreement__in=[b, c]).values_list("pk", "person_id")
        ],
        ["kpj_number"],
        batch_size=5000,
    )
    agr.amend(
        SYSTEM,
        c,
        {"quota": c.quota + 300, "value": c.value + 300 * bpu * 12},
        reason="Tambahan kuota untuk peserta baru daftar final 2026",
        number="ADD-01/I/2026",
        signed_on=date(2026, 1, 15),
    )
    out.agreements = [a.number, NON_ASN_NUMBER, NEW_NUMBER]
    out.enrolled = {NON_ASN_NUMBER: r1.created, NEW_NUMBER: r2.created}


def _old_payments(old: list[tuple[Any, ...]], a: Agreement, bpu: int, pu: int) -> None:
    """Quarterly SP2D lump sums paid on the 2022–2024 PKS (before monthly bills were kept)."""
    quarter = date(max(a.start, date(2022, 10, 1)).year, (max(a.start, date(2022, 10, 1)).month - 1) // 3 * 3 + 1, 1)
    n = 0
    while quarter < min(a.end, OLD_END):
        nxt = add_months(quarter, 3)
        amount = sum(
            (pu if r[2] == NON_ASN else bpu) * 3
            for r in old
            if r[3] < nxt and (r[4] or OLD_END) > quarter and r[3] >= a.start
        )
        if amount:
            n += 1
            billing.record_payment(
                SYSTEM,
                None,
                agreement=a,
                sp2d_number=f"{n:04d}/SP2D/LS/BPKAD/{nxt.year}",
                paid_on=nxt + timedelta(days=19),
                amount=amount,
                note=f"Iuran triwulan {quarter:%m/%Y}–{add_months(quarter, 2):%m/%Y}",
            )
        quarter = nxt


def _old_agreement(old: list[tuple[Any, ...]], n_non: int, n_all: int, pu: int, bpu: int) -> Agreement:
    """The 2022–2024 PKS with its two addenda (when the registry came without one)."""
    start = min(min(r[3] for r in old), date(2022, 7, 1))
    a = agr.create_agreement(
        SYSTEM,
        {
            "number": OLD_NUMBER,
            "title": "Perlindungan jaminan sosial ketenagakerjaan non-ASN dan pekerja rentan",
            "signed_on": date(2022, 6, 27),
            "parties": "Pemerintah Kabupaten Muna Barat; BPJS Ketenagakerjaan Cabang Raha",
            "start": start,
            "end": date(2024, 1, 1),
            "funder": "apbd_kab",
            "programmes": "JKK+JKM",
            "value": n_non * pu * 18,
            "quota": n_non,
            "wage_base": WAGE_BASE_NON_ASN,
        },
    )
    agr.amend(
        SYSTEM,
        a,
        {"quota": n_all, "value": n_non * pu * 18 + (n_all - n_non) * bpu * 11},
        reason="Penambahan pekerja rentan yang iurannya dibayar APBD",
        number="ADD-01/II/2023",
        signed_on=date(2023, 2, 20),
    )
    agr.amend(
        SYSTEM,
        a,
        {"end": OLD_END, "value": n_non * pu * 30 + (n_all - n_non) * bpu * 23},
        reason="Perpanjangan sampai 31 Desember 2024",
        number="ADD-02/XII/2023",
        signed_on=date(2023, 12, 18),
    )
    return Agreement.objects.get(pk=a.pk)  # the addenda changed it


# ------------------------------------------------------------------------------------ claims
#: The last payment date of the demo's claims: the day before the Rakor Monev of 30 July 2025.
CLAIMS_PAID_BY = date(2025, 7, 29)


def _claims(rng: np.random.Generator, folder: Path, plan: list[_Claim], total: int, out: OperationsDemo) -> None:
    people = dict(Person.objects.filter(pk__in={c.person_id for c in plan}).values_list("pk", "nik"))
    names = list(Person.objects.order_by("pk").values_list("name", flat=True)[: 5 * len(plan)]) or ["Ahli waris"]
    heirs = [names[int(i)] for i in rng.integers(0, len(names), len(plan))]
    jkm_amount = 42_000_000  # DOMAIN.md §2: JKM benefit (PP 82/2019)
    scholarship = (1_500_000, 2_000_000, 3_000_000, 12_000_000)  # DOMAIN.md §2: per child per year
    amounts: list[int] = []
    for c in plan:
        if c.type == "JKM":
            amounts.append(jkm_amount)
        elif c.type == "BEASISWA":
            amounts.append(int(rng.choice(scholarship)))
        else:
            amounts.append(0)
    jkk = [i for i, c in enumerate(plan) if c.type == "JKK"]
    rest = total - sum(amounts)
    if jkk:
        if rest < len(jkk) * 1_000:
            raise ValidationError("Total klaim demo terlalu kecil untuk jumlah klaim JKM dan beasiswa.")
        weights = rng.gamma(0.8, 1.0, len(jkk))
        raw = [int(rest * w / weights.sum()) // 1_000 * 1_000 for w in weights]
        raw[-1] += rest - sum(raw)
        for i, a in zip(jkk, raw, strict=True):
            amounts[i] = a
    else:
        extra = split_evenly(rest, len(amounts)) if amounts else []
        amounts = [a + e for a, e in zip(amounts, extra, strict=True)]
    rows = []
    for i, (c, amount) in enumerate(zip(plan, amounts, strict=True)):
        submitted = c.incident + timedelta(days=int(rng.integers(5, 45)))
        paid = submitted + timedelta(days=int(rng.integers(7, 60)))
        # every claim was paid before the Rakor Monev of 30 July 2025 announced "120 claims"
        submitted = max(c.incident, min(submitted, CLAIMS_PAID_BY - timedelta(days=7)))
        paid = max(submitted, min(paid, CLAIMS_PAID_BY))
        heir = heirs[i % len(heirs)] if c.type in ("JKM", "BEASISWA") else ""
        rows.append(
            [
                people[c.person_id],
                "",
                {"JKK": "JKK", "JKM": "JKM", "BEASISWA": "Beasiswa"}[c.type],
                _dmy(c.incident),
                _dmy(submitted),
                _dmy(paid),
                _rp(amount, i),
                "Dibayar",
                heir,
            ]
        )
    path = _write_csv(
        folder / "klaim-bpjs.csv",
        [
            "NIK",
            "No KPJ",
            "Jenis",
            "Tgl Kejadian",
            "Tgl Pengajuan",
            "Tgl Bayar",
            "Nominal",
            "Status",
            "Nama Ahli Waris",
        ],
        rows,
        ";",
    )
    res = claims.import_claims(SYSTEM, path)
    out.claims = res.created + res.updated
    out.claims_total = sum(amounts)
    out.claims_uncovered = res.uncovered


# ------------------------------------------------------------------------------------ bills
def _bills(rng: np.random.Generator, folder: Path, months: int, out: OperationsDemo) -> None:
    rates = billing.rate_table()
    roster = list(
        Enrollment.objects.filter(coverage__agreement__number__in=(NON_ASN_NUMBER, NEW_NUMBER)).values_list(
            "person_id",
            "person__nik",
            "kpj_number",
            "person__name",
            "segment__category",
            "coverage_start",
            "coverage_end",
            "coverage__agreement__wage_base",
        )
    )
    roster.sort()
    not_renewed = list(
        Enrollment.objects.filter(coverage__agreement__number=out.agreements[0], person__death_date__isnull=True)
        .exclude(person__enrollments__coverage__agreement__number__in=(NON_ASN_NUMBER, NEW_NUMBER))
        .values_list("person__nik", "kpj_number", "person__name")
    )
    taken = set(Person.objects.values_list("nik", flat=True))
    # people who die in 2026 while BPJS keeps billing them
    idx: list[int] = rng.choice(len(roster), size=min(6, len(roster)), replace=False).tolist() if roster else []
    late_deaths: dict[str, date] = {}
    for j, i in enumerate(sorted(int(x) for x in idx)):
        pid, nik = roster[i][0], roster[i][1]
        died = date(2026, 1 + j % 6, 5 + 3 * j)
        Person.objects.filter(pk=pid).update(is_deceased=True, death_date=died)
        late_deaths[nik] = died
    strangers = _outside_niks(rng, 24, taken)
    payable: list[Invoice] = []
    for m in range(months):
        period = add_months(FIRST_BILL, m)
        lines: list[list[Any]] = []
        covered = [r for r in roster if r[5] <= period and (r[6] is None or r[6] > period)]
        n = len(covered)
        skip = set(rng.choice(n, size=min(n, max(1, round(n * 0.003))), replace=False).tolist()) if n else set()
        twice = set(rng.choice(n, size=min(n, max(1, round(n * 0.0004))), replace=False).tolist()) if n else set()
        wrong = set()
        if date(2026, 1, 1) <= period < date(2026, 4, 1):  # PP 50/2025 discount applied to APBD-paid people
            bpu_idx = [i for i, r in enumerate(covered) if r[4] == "BPU"]
            size = min(len(bpu_idx), max(1, round(len(bpu_idx) * 0.01)))
            wrong = {bpu_idx[int(i)] for i in rng.choice(len(bpu_idx), size=size, replace=False)} if bpu_idx else set()
        for k, (_, nik, kpj, name, cat, _, _, wage) in enumerate(covered):
            if k in skip:
                continue
            payer = "other" if k in wrong else "public"
            rate = rates.monthly_contribution(cat, payer, period, wage=wage if cat == "PU" else None)
            lines.append([nik, kpj, name, period, "JKK+JKM", rate])
            if k in twice:
                lines.append([nik, kpj, name, period, "JKK+JKM", rate])
        for nik in rng.choice(strangers, size=int(rng.integers(2, 6)), replace=False):
            lines.append([str(nik), "", "", period, "JKK+JKM", rates.monthly_contribution("BPU", "public", period)])
        if not_renewed:
            for i in rng.choice(len(not_renewed), size=min(3, len(not_renewed)), replace=False):
                nik, kpj, name = not_renewed[int(i)]
                lines.append([nik, kpj, name, period, "JKK+JKM", rates.monthly_contribution("BPU", "public", period)])
        order = rng.permutation(len(lines))
        rows = [
            [
                n + 1,
                lines[i][0],
                lines[i][1],
                lines[i][2],
                _period_text(lines[i][3], m),
                lines[i][4],
                _rp(int(lines[i][5]), m + n),
            ]
            for n, i in enumerate(order)
        ]
        path = _write_csv(
            folder / f"tagihan-{period:%Y-%m}.csv", ["No", "NIK", "No KPJ", "Nama", "Periode", "Program", "Iuran"], rows
        )
        inv, _ = billing.import_bill(SYSTEM, path, number=f"TAG/{period:%Y%m}/UCJ-MUBAR")
        billing.reconcile_invoice(inv)
        inv.refresh_from_db()
        payable.append(inv)
        out.bills += 1
        out.bill_lines += inv.line_count
    for i, inv in enumerate(payable):
        due = inv.payable or 0
        if i >= len(payable) - 3 or due <= 0:
            continue
        amount = due if i < len(payable) - 4 else due // 2
        paid_on = add_months(inv.period, 1).replace(day=20)
        billing.record_payment(
            SYSTEM,
            inv,
            sp2d_number=f"{900 + i:04d}/SP2D/LS/BPKAD/{paid_on:%Y}",
            paid_on=paid_on,
            amount=amount,
            note="Iuran jaminan sosial ketenagakerjaan",
        )
        out.payments += 1


# ------------------------------------------------------------------------------------ BSU
#: BSU 2025 came in two lists (tahap): about 60% of the lines in the first.
BSU_FIRST_SHARE = 0.6


def _bsu(rng: np.random.Generator, folder: Path, n: int, out: OperationsDemo) -> None:
    """``n`` people paid (390 at full size: the Rakor Monev's "390 penerima" counts people) in two
    lists: tahap 2 pays 4 of tahap 1's people again (Rp600.000 each, 394 payments in all); among
    the recipients BPU participants, people who died before the payout, NIKs not in the registry
    and new ASN (PPPK); plus lines that failed to pay out."""
    prog = AssistanceProgramme.objects.filter(code="BSU2025").first()
    if prog is None:
        raise ValidationError("Program bantuan BSU2025 belum ada; jalankan 'ucjamsostek init' dahulu.")
    rules = assistance.rules_of(prog)
    active_on = rules.active_on or NON_ASN_START
    pu = list(
        Enrollment.objects.filter(coverage__agreement__number=NON_ASN_NUMBER, coverage_start__lte=active_on)
        .filter(Q(person__death_date__isnull=True) | Q(person__death_date__gt=date(2025, 7, 31)))
        .order_by("person_id")
        .values_list("person__nik", "person__name")
    )
    lists = assistance.exclusion_lists(rules.excluded_lists)
    on_lists = set().union(*lists.values()) if lists else set()
    pu = [p for p in pu if p[0] not in on_lists]  # the recipients Kemnaker matched are mostly right

    def share(k: int) -> int:  # the problems of a 390-recipient list, scaled to ``n`` recipients
        return max(1, round(n * k / 390)) if n else 0

    bpu = list(
        Enrollment.objects.filter(coverage__agreement__number=NEW_NUMBER)
        .order_by("person_id")
        .values_list("person__nik", "person__name")[: share(6)]
    )
    dead = list(
        Person.objects.filter(death_date__lt=date(2025, 7, 1), enrollments__segment_id=NON_ASN)
        .order_by("pk")
        .values_list("nik", "name")[: share(2)]
    )
    asn = pu[: share(4)]  # appointed PPPK in 2025: now on the ASN list
    strangers = [(nik, "") for nik in _outside_niks(rng, share(3), set(Person.objects.values_list("nik", flat=True)))]
    problems = bpu + dead + strangers
    # ``n`` distinct people are paid (the Rakor Monev's "390 penerima" counts people)
    paid_once: dict[str, str] = {}
    for nik, name in pu[: max(0, n - len(problems))] + problems + pu:
        if len(paid_once) >= n:
            break
        paid_once.setdefault(nik, name)
    once = list(paid_once.items())
    base = [p for p in pu if p[0] in paid_once]
    failed = [p for p in pu if p[0] not in paid_once][: share(10)]  # not paid out: the account is inactive
    lines = [(nik, name, False) for nik, name in once] + [(nik, name, True) for nik, name in failed]
    lines = [lines[int(i)] for i in rng.permutation(len(lines))]
    cut = round(len(lines) * BSU_FIRST_SHARE)
    again = set(base[len(asn) : len(asn) + share(4)])  # paid in tahap 1, and again in tahap 2
    first = lines[:cut] + [ln for ln in lines[cut:] if ln[:2] in again]
    second = [ln for ln in lines[cut:] if ln[:2] not in again] + [(nik, name, False) for nik, name in sorted(again)]
    lists.setdefault("asn", set()).update(nik for nik, _ in asn)
    # both paid in July 2025, before the Rakor Monev of 30 July announced "390 penerima"
    for tahap, part, first_day in ((1, first, date(2025, 7, 1)), (2, second, date(2025, 7, 15))):
        rows = []
        for k, (nik, name, failed_) in enumerate(part):
            paid = first_day + timedelta(days=int(rng.integers(0, 14)))
            rows.append(
                [
                    nik,
                    name,
                    "BSU 2025",
                    _rp(rules.total, k),
                    "" if failed_ else _dmy(paid),
                    "Gagal salur (rekening tidak aktif)" if failed_ else "Tersalur",
                ]
            )
        path = _write_csv(
            folder / f"penerima-bsu-2025-tahap-{tahap}.csv",
            ["NIK", "Nama", "Program", "Nominal", "Tgl Salur", "Status"],
            rows,
        )
        res = assistance.import_recipients(SYSTEM, path, programme=prog.code, lists=lists)
        out.bsu_lines += res.lines
        out.bsu_disbursed += res.payments
        out.bsu_eligible += res.eligible
    out.bsu_people = len({nik for nik, _, failed_ in first + second if not failed_})


# ------------------------------------------------------------------ the step of the demo command
DEMO_TITLE = "Operasional: PKS 2025, jeda perlindungan, tagihan, pembayaran, klaim, BSU"
#: The full demo registry (``demo --registry``) and its figures (DOMAIN.md §7, Rakor Monev July 2025).
FULL_REGISTRY = 12_000
CLAIMS_COUNT = 120
CLAIMS_TOTAL = 4_960_000_000
BSU_RECIPIENTS = 390


def sizes(registry: int) -> tuple[int, int, int]:
    """``(claims, claims_total, bsu_recipients)`` for a demo registry of ``registry`` people: the
    full figures at 12.000, scaled down (never below a handful) for smaller demos."""
    if registry >= FULL_REGISTRY:
        return CLAIMS_COUNT, CLAIMS_TOTAL, BSU_RECIPIENTS
    scale = registry / FULL_REGISTRY
    claims = max(4, round(CLAIMS_COUNT * scale))  # fewer cannot hold both JKM and JKK claims
    total = CLAIMS_TOTAL * claims // CLAIMS_COUNT // 1_000 * 1_000
    return claims, total, max(5, round(BSU_RECIPIENTS * scale))


def build_demo(data: DemoData, *, say: Callable[[str], None]) -> None:
    """The operations step of ``ucjamsostek demo``: after the registry, the expired PKS 2022–2024
    and the budget scenario, before the monitoring step. Idempotent: once the 2025 PKS exist the
    step adds nothing."""
    made = list(Agreement.objects.filter(number__in=(NON_ASN_NUMBER, NEW_NUMBER)).values_list("number", flat=True))
    if made:
        say(f"  data operasional demo sudah ada (PKS {', '.join(sorted(made))}), tidak dibuat ulang")
        return
    if not Enrollment.objects.filter(coverage_start__lt=OLD_END).exists():
        say("  dilewati: registri demo 2022–2024 kosong")
        return
    n_claims, claims_total, n_bsu = sizes(data.registry_persons.height)
    folder = Path(settings.DATA_DIR) / "demo" / "bpjs"
    res = build_operations_demo(data.seed, n_claims=n_claims, claims_total=claims_total, n_bsu=n_bsu, folder=folder)
    say(f"  PKS {res.agreements[0]} berakhir 31-12-2024; PKS baru: " + ", ".join(res.agreements[1:]))
    say("  kepesertaan baru: " + ", ".join(f"{n} di bawah {number}" for number, n in res.enrolled.items()))
    say(f"  {res.bills} tagihan bulanan ({res.bill_lines} baris) direkonsiliasi, {res.payments} SP2D")
    say(
        f"  {res.claims} klaim dibayar senilai {format_rupiah(res.claims_total)}, "
        f"{res.claims_uncovered} tanpa PKS yang berlaku pada tanggal kejadian"
    )
    say(
        f"  BSU 2025: {res.bsu_people} penerima tersalur ({res.bsu_disbursed} pembayaran, {res.bsu_lines} baris, "
        f"2 tahap), {res.bsu_eligible} memenuhi syarat → {folder}"
    )
