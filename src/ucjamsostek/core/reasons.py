"""Screening reason codes (DESIGN.md §5.3): the status each one forces and its plain Indonesian text.

One table, used by the rules, the orchestration, the report and the web pages. Codes are stable;
new ones may be added. ``DUPLICATE`` forces *rejected* when the match is exact (same NIK) and
*review* when it is probable; the orchestration decides which from the linkage kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    ELIGIBLE = "eligible"
    REVIEW = "review"
    REJECTED = "rejected"


#: Severity used for precedence: rejected beats review beats eligible.
SEVERITY: dict[str, int] = {Status.ELIGIBLE: 0, Status.REVIEW: 1, Status.REJECTED: 2}

STATUS_TEXT: dict[str, str] = {
    Status.ELIGIBLE: "Layak",
    Status.REVIEW: "Perlu ditinjau",
    Status.REJECTED: "Ditolak",
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    status: Status
    label: str  # short Indonesian label for summaries
    text: str  # default plain-language message when a rule gives no detailed one


REQUIRED_MISSING = "REQUIRED_MISSING"
NIK_INVALID = "NIK_INVALID"
NIK_BIRTHDATE_MISMATCH = "NIK_BIRTHDATE_MISMATCH"
NIK_SEX_MISMATCH = "NIK_SEX_MISMATCH"
REGION_UNKNOWN = "REGION_UNKNOWN"
OUTSIDE_REGENCY = "OUTSIDE_REGENCY"
AGE_OUT_OF_RANGE = "AGE_OUT_OF_RANGE"
DUPLICATE = "DUPLICATE"
ALREADY_ENROLLED = "ALREADY_ENROLLED"
DECEASED = "DECEASED"
ASN = "ASN"
REVIEW_REJECTED = "REVIEW_REJECTED"

REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason(REQUIRED_MISSING, Status.REJECTED, "Data wajib kosong",
               "NIK, nama, tanggal lahir atau desa/kelurahan kosong"),
        Reason(NIK_INVALID, Status.REJECTED, "NIK tidak sah", "NIK tidak sah"),
        Reason(NIK_BIRTHDATE_MISMATCH, Status.REVIEW, "Tanggal lahir beda dengan NIK",
               "Tanggal lahir pada NIK berbeda dengan tanggal lahir yang diisi"),
        Reason(NIK_SEX_MISMATCH, Status.REVIEW, "Jenis kelamin beda dengan NIK",
               "Jenis kelamin pada NIK berbeda dengan jenis kelamin yang diisi"),
        Reason(REGION_UNKNOWN, Status.REVIEW, "Wilayah tidak dikenal",
               "Desa/kelurahan atau kecamatan tidak ditemukan dalam daftar wilayah Kemendagri"),
        Reason(OUTSIDE_REGENCY, Status.REJECTED, "Di luar wilayah",
               "Alamat berada di luar wilayah kabupaten"),
        Reason(AGE_OUT_OF_RANGE, Status.REJECTED, "Usia di luar batas",
               "Usia pada tanggal acuan di luar batas program"),
        Reason(DUPLICATE, Status.REJECTED, "Ganda", "Orang yang sama dengan baris sebelumnya"),
        Reason(ALREADY_ENROLLED, Status.REJECTED, "Sudah terdaftar",
               "Sudah menjadi peserta aktif BPJS Ketenagakerjaan atau skema lain"),
        Reason(DECEASED, Status.REJECTED, "Meninggal dunia", "Tercatat meninggal dunia (Dukcapil)"),
        Reason(ASN, Status.REJECTED, "ASN/TNI/Polri",
               "Tercatat sebagai ASN/TNI/Polri, bukan pekerja rentan"),
        Reason(REVIEW_REJECTED, Status.REJECTED, "Ditolak saat peninjauan",
               "Ditolak oleh petugas pada peninjauan sebelumnya"),
    )
}  # fmt: skip

#: Order in which codes are listed on a row (and in summaries).
CODE_ORDER: tuple[str, ...] = tuple(REASONS)


def status_of(code: str) -> Status:
    """The status a code forces (``DUPLICATE``: the exact-match case, i.e. rejected)."""
    return REASONS[code].status


def label_of(code: str) -> str:
    reason = REASONS.get(code)
    return reason.label if reason else code
