from django.contrib import admin

from ucjamsostek.monitoring.models import (
    ActionItem,
    ApiToken,
    FollowUp,
    Indicator,
    Meeting,
    Snapshot,
    Target,
    WorkforceDenominator,
)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "direction", "formula", "active")
    readonly_fields = ("code", "formula")


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "area", "breakdown", "value", "note")
    list_filter = ("indicator", "year")
    autocomplete_fields = ()
    raw_id_fields = ("area",)


@admin.register(WorkforceDenominator)
class WorkforceDenominatorAdmin(admin.ModelAdmin):
    list_display = ("area", "year", "workers", "source")
    list_filter = ("year",)
    raw_id_fields = ("area",)


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "year", "organisation", "responsible", "status", "due_date")
    list_filter = ("year", "status")


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    fk_name = "meeting"
    extra = 0
    raw_id_fields = ("carried_from",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("date", "title", "period", "place")
    inlines = [FollowUpInline]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ("period", "as_of", "computed_at", "computed_by", "seconds")
    readonly_fields = ("period", "as_of", "computed_at", "computed_by", "seconds", "unavailable")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    list_filter = ("revoked",)
