"""Inpres No. 2/2021 action items a regency is monitored on (DOMAIN.md §3), as seed data.

The verbatim diktum is unconfirmed: these are the items as Kemendagri follow-ups list them. The
responsible OPD is a default (``opd_hint``) the Dinas can change on the checklist page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionTemplate:
    code: str
    number: int
    title: str
    description: str
    opd_hint: str
    basis: str


INPRES_BASIS = "Inpres No. 2 Tahun 2021 tentang Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan"

ACTION_TEMPLATES: tuple[ActionTemplate, ...] = (
    ActionTemplate(
        "INPRES-1",
        1,
        "Regulasi daerah dan alokasi anggaran",
        "Menetapkan peraturan daerah/peraturan kepala daerah yang mendukung program dan mengalokasikan "
        "anggaran APBD untuk iuran.",
        "Bagian Hukum; BPKAD",
        INPRES_BASIS,
    ),
    ActionTemplate(
        "INPRES-2",
        2,
        "Seluruh pekerja menjadi peserta aktif",
        "Mendaftarkan pekerja penerima upah, bukan penerima upah, pegawai pemerintah non-ASN, "
        "penyelenggara pemilu, pekerja rentan dan pekerja BUMD sebagai peserta aktif.",
        "Dinas Tenaga Kerja",
        INPRES_BASIS,
    ),
    ActionTemplate(
        "INPRES-3",
        3,
        "Kepesertaan sebagai syarat layanan publik dan perizinan",
        "Menjadikan kepesertaan BPJS Ketenagakerjaan syarat pelayanan publik dan perizinan berusaha "
        "(kepatuhan pemberi kerja).",
        "DPMPTSP",
        INPRES_BASIS,
    ),
    ActionTemplate(
        "INPRES-4",
        4,
        "Data kependudukan berbasis NIK sebagai data kepesertaan",
        "Menggunakan data kependudukan (Dukcapil) berbasis NIK sebagai data kepesertaan.",
        "Dinas Kependudukan dan Pencatatan Sipil",
        INPRES_BASIS,
    ),
    ActionTemplate(
        "INPRES-5",
        5,
        "Program masuk RKPD dan APBD tahunan",
        "Memasukkan program jaminan sosial ketenagakerjaan ke dalam RKPD dan APBD setiap tahun "
        "(Permendagri 27/2021, 84/2022).",
        "Bappeda; TAPD",
        INPRES_BASIS + "; Permendagri 27/2021; Permendagri 84/2022",
    ),
)
