"""Django admin: screening records are shown read-only (writes go through the services, which
check permissions and keep the trail); column mappings may be corrected here."""

from __future__ import annotations

from django.contrib import admin

from ucjamsostek.registry.admin import ReadOnlyAdmin
from ucjamsostek.screening.models import ColumnMapping, NominationBatch, ReferenceList, ReviewDecision


@admin.register(NominationBatch)
class NominationBatchAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "source_name", "source_kind", "row_count", "review_count", "status", "created_at")
    list_filter = ("source_kind", "status")
    search_fields = ("file_name", "source_name")


@admin.register(ReferenceList)
class ReferenceListAdmin(ReadOnlyAdmin):
    list_display = ("kind", "version", "active", "entry_count", "file_name", "loaded_by", "loaded_at")
    list_filter = ("kind", "active")


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ("kind", "decision", "active", "decided_by", "decided_at", "batch")
    list_filter = ("kind", "decision", "active")
    exclude = ("key",)  # carries NIKs


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ("source_key", "header", "field", "created_by", "created_at")
    search_fields = ("source_key", "header")
    readonly_fields = ("created_by", "created_at")
