from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ucjamsostek.core.money import format_number


class Job(models.Model):
    """A piece of work that runs in the background with visible progress (a screening upload, …).

    * ``kind`` — what runs, a stable code such as ``screening.upload``.
    * ``status`` — queued → running → done | failed.
    * ``stage`` / ``progress`` — the step being worked on (Indonesian, for people) and how far the
      whole job is, 0.0–1.0.
    * ``rows_done`` / ``rows_total`` — how many rows of the current stage are done, of how many
      (issue 10 §7: "N dari M baris" beside the stage); 0 of 0 when the stage counts no rows.
    * ``message`` — on failure, one clear Indonesian sentence (which file, sheet, row, column);
      on success, a short summary. Never personal data.
    * ``result`` — JSON the page needs afterwards (e.g. ``{"batch_id": 7}``).
    * ``created_by`` — who started it; only they (and administrators) see it.
    * ``runner`` — ``host:pid`` of the process running it (a ``ucjamsostek worker``, or the caller
      in inline mode); the stale-job sweep fails a running job whose runner is gone.
    * ``task_id`` — its entry in the durable queue (django-tasks' database backend).
    * ``temp_paths`` — files and folders the job owns (the uploaded file, its scratch folder):
      removed when it ends, whatever the outcome, unless the job kept one for a next step.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    kind = models.CharField(_("jenis"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("tahap"), max_length=200, blank=True, default="")
    progress = models.FloatField(_("kemajuan"), default=0.0)
    rows_done = models.PositiveBigIntegerField(_("baris selesai"), default=0)
    rows_total = models.PositiveBigIntegerField(_("jumlah baris"), default=0)
    message = models.TextField(_("pesan"), blank=True, default="")
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    runner = models.CharField(_("pelaksana"), max_length=200, blank=True, default="")
    task_id = models.CharField(_("antrean"), max_length=64, blank=True, default="")
    temp_paths = models.JSONField(_("berkas sementara"), default=list, blank=True)

    class Meta:
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return max(0, min(100, round(self.progress * 100)))

    @property
    def rows_text(self) -> str:
        """ "N dari M baris" of the current stage ("" when it counts no rows, or the job ended)."""
        if not self.rows_total or self.finished:
            return ""
        return gettext("%(done)s dari %(total)s baris") % {
            "done": format_number(self.rows_done),
            "total": format_number(self.rows_total),
        }


class Worker(models.Model):
    """A running ``ucjamsostek worker`` process: ``runner`` is ``host:pid``; ``heartbeat_at`` moves
    every few seconds while it lives (``settings.JOBS_HEARTBEAT_SECONDS``). ``/healthz`` and the
    stale-job sweep read it; the row is deleted when the worker stops."""

    runner = models.CharField(_("pelaksana"), max_length=200, unique=True)
    started_at = models.DateTimeField(_("mulai"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("denyut terakhir"), db_index=True)

    class Meta:
        verbose_name = _("pekerja latar belakang")
        verbose_name_plural = _("pekerja latar belakang")

    def __str__(self) -> str:
        return self.runner
