"""Django admin: master data (segments, funders, occupations) is edited here by the admin.

People, enrollments and the history are shown read-only: their changes must go through the
services so that every change is checked and logged.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ucjamsostek.registry.models import ChangeLog, Enrollment, Funder, Occupation, Person, Segment


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "sort_order", "active")
    list_editable = ("sort_order", "active")
    search_fields = ("code", "name")


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "payer_kind", "sort_order", "active")
    list_editable = ("sort_order", "active")
    search_fields = ("code", "name")


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "risk", "sort_order", "active")
    list_filter = ("risk", "active")
    list_editable = ("active",)
    search_fields = ("code", "name", "aliases")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "sex", "birth_date", "village", "is_deceased")
    list_filter = ("sex", "is_deceased", "extreme_poor")
    search_fields = ("=nik", "name")
    raw_id_fields = ("village",)
    list_select_related = ("village",)


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ("person", "segment", "funder", "coverage_start", "coverage_end", "status")
    list_filter = ("status", "segment", "funder")
    raw_id_fields = ("person",)
    list_select_related = ("person", "segment", "funder")


@admin.register(ChangeLog)
class ChangeLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_username", "action", "model", "object_id", "count")
    list_filter = ("action", "model")
    date_hierarchy = "at"
