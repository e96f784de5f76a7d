from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView

from safegrid.core.exceptions import ApplicationError, NotInScope
from safegrid.core.exports import ID_COLUMN
from safegrid.core.views import (
    CapabilityRequiredMixin,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)

from . import forms, selectors, services
from .filters import UserFilterSet
from .roles import Cap


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class ProfileView(TemplateView):
    template_name = "accounts/profile.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponseRedirect(reverse("accounts:login"))
        return super().dispatch(request, *args, **kwargs)


class UserListView(ScopedListView):
    capability = Cap.VIEW_USER
    selector = selectors.user_list
    filterset_class = UserFilterSet
    template_name = "accounts/user_list.html"
    partial_template_name = "accounts/_user_table.html"
    title = pgettext_lazy("navigation", "用户")
    create_url_name = "accounts:user_create"
    create_capability = Cap.MANAGE_USER
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("用户名"), "username"),
        (gettext_lazy("姓名"), "display_name"),
        (gettext_lazy("所在单位"), "organisation.name"),
        (
            gettext_lazy("角色"),
            lambda u: [f"{a.get_role_display()} · {a.region.name}" for a in u.role_assignments.all()],
        ),
        (gettext_lazy("启用"), "is_active"),
        (gettext_lazy("最近登录"), "last_login"),
    ]


class UserDetailView(ScopedDetailView):
    capability = Cap.VIEW_USER
    getter = selectors.user_get
    template_name = "accounts/user_detail.html"
    edit_capability = Cap.MANAGE_USER


class UserCreateView(ServiceFormView):
    capability = Cap.MANAGE_USER
    form_class = forms.UserCreateForm
    title = gettext_lazy("新增用户")
    success_message = gettext_lazy("用户已创建。")

    def perform(self, form, instance):
        data = form.cleaned_data
        return services.user_create(
            actor=self.request.user,
            username=data["username"],
            display_name=data["display_name"],
            password=data["password1"],
            role=data["role"],
            region=data["region"],
            sectors=data.get("sectors") or [],
            site=data.get("site"),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            organisation=data.get("organisation"),
        )


class UserEditView(ServiceFormView):
    capability = Cap.MANAGE_USER
    form_class = forms.UserEditForm
    title = gettext_lazy("编辑用户")

    def get_instance(self):
        return selectors.user_get(actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_USER)

    def perform(self, form, instance):
        return services.user_update(actor=self.request.user, user=instance, data=form.cleaned_data)


class RoleAssignView(ServiceFormView):
    capability = Cap.MANAGE_USER
    form_class = forms.RoleAssignForm
    title = gettext_lazy("授予角色")
    success_message = gettext_lazy("角色已授予。")

    def get_instance(self):
        return selectors.user_get(actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_USER)

    def perform(self, form, instance):
        data = form.cleaned_data
        services.role_assign(
            actor=self.request.user,
            user=instance,
            role=data["role"],
            region=data["region"],
            sectors=data.get("sectors") or [],
            site=data.get("site"),
        )
        return instance


class RoleRevokeView(CapabilityRequiredMixin, TemplateView):
    capability = Cap.MANAGE_USER
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            assignment = selectors.role_assignment_get(actor=request.user, pk=kwargs["pk"])
            user = assignment.user
            services.role_revoke(actor=request.user, assignment=assignment)
        except NotInScope as exc:
            raise Http404(_("未找到。")) from exc
        except (ApplicationError, ValidationError) as exc:
            message = exc.message if isinstance(exc, ApplicationError) else _("；").join(exc.messages)
            messages.error(request, message)
            return render(
                request, "core/message.html", {"title": _("无法撤销角色"), "message": message}, status=400
            )
        messages.success(request, _("角色已撤销。"))
        return HttpResponseRedirect(user.get_absolute_url())
