from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ucjamsostek.budget.models import BudgetScenario, ContributionRate


@admin.register(ContributionRate)
class ContributionRateAdmin(admin.ModelAdmin):
    list_display = (
        "programme",
        "category",
        "payer",
        "valid_from",
        "valid_to",
        "rate_percent",
        "income_base",
        "amount",
        "discount_percent",
        "legal_basis",
    )
    list_filter = ("programme", "category", "payer")
    ordering = ("programme", "category", "valid_from", "payer")


@admin.register(BudgetScenario)
class BudgetScenarioAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "status", "ceiling", "selected_count", "cost", "remaining", "created_at")
    list_filter = ("year", "status")
    search_fields = ("name",)
    readonly_fields = (
        "status",
        "eligible_count",
        "selected_count",
        "cost",
        "remaining",
        "method",
        "summary",
        "created_at",
        "created_by",
        "finalized_at",
        "finalized_by",
    )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # results come from the engine; a final scenario is frozen
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_final

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
