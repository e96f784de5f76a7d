from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

USE_ADMIN = "core.use_admin"


class SafeGridAdminSite(admin.AdminSite):
    """Django admin for the system administrator only (capability core.use_admin), read-mostly:
    every write of business data goes through the pages and services, which audit it."""

    site_header = gettext_lazy("SafeGrid 系统配置")
    site_title = gettext_lazy("SafeGrid 后台")
    index_title = gettext_lazy("系统配置（只读）")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.has_capability(USE_ADMIN))

    def login(self, request, extra_context=None):
        # One login page for the whole system; a signed-in user without the capability gets 403
        # (redirecting them to the login page would loop back here).
        if request.user.is_authenticated:
            raise PermissionDenied(_("您没有执行该操作的权限。"))
        return HttpResponseRedirect(f"{reverse('accounts:login')}?next={request.GET.get('next', '/admin/')}")


class SafeGridAdminConfig(AdminConfig):
    default_site = "safegrid.core.admin_site.SafeGridAdminSite"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse-only model admin: the system administrator inspects data; changes go through services."""

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.has_capability(USE_ADMIN)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
