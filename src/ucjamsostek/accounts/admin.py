from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.accounts.models import AccessLog, Organisation, User
from ucjamsostek.accounts.views import admin_login


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region")
    search_fields = ("code", "name")
    autocomplete_fields = ("region",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "area", "organisation", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name")
    autocomplete_fields = ("area", "organisation")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Peran dan wilayah"), {"fields": ("role", "area", "organisation")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Peran dan wilayah"), {"fields": ("role", "area", "organisation")}),
    )


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log is append-only (no add, change or delete, not even for a
    superuser); the subjects (keyed hashes) are searched on the app's page by NIK."""

    list_display = ("at", "username", "kind", "what", "target", "rows", "people")
    list_filter = ("kind", "what")
    search_fields = ("username", "what")
    date_hierarchy = "at"

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return perm.can_read_access_log(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return perm.can_read_access_log(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.site_header = _("UC Jamsostek — data induk")
admin.site.site_title = _("UC Jamsostek")
admin.site.index_title = _("Data induk dan pengguna")

# One login for the app and the admin, behind the same throttling (django-axes).
admin.site.login = admin_login  # type: ignore[method-assign]
