from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import TemplateView

from safegrid.core import ratelimit
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
from .policies import is_privileged, password_expires_at, two_factor_required
from .roles import Cap


def _safe_next(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Sign-in form. Unknown account, wrong password, inactive account and a locked account all get
    the same form error (the lock itself is answered by django-axes' middleware with the lock page).
    Every outcome leaves one audit record; a privileged account then owes its second factor."""

    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # F5: the lockout counts failures per username and per address; this limits the attempts
        # themselves, so a burst over many usernames from one address is refused as well.
        retry_after = ratelimit.hit("login", ratelimit.client_address(request), settings.SAFEGRID_LOGIN_RATE)
        if retry_after is not None:
            return ratelimit.too_many_requests(
                request,
                title=_("登录过于频繁"),
                message=_("当前网络地址登录尝试过于频繁（限%(rate)s），请 %(seconds)d 秒后再试。")
                % {"rate": ratelimit.describe(settings.SAFEGRID_LOGIN_RATE), "seconds": retry_after},
                retry_after=retry_after,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        services.login_succeeded(user=user, channel="web")
        if two_factor_required(user):
            has_device = selectors.otp_confirmed_device(actor=user) is not None
            target = reverse("accounts:otp_verify" if has_device else "accounts:otp_setup")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': self.get_success_url()})}")
        return response

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            request = self.request
            refused_by_lock = getattr(request, "axes_locked_out", False) and (
                getattr(request, "axes_failures_since_start", None) is None
            )
            services.login_failed(
                username=request.POST.get("username", ""),
                reason="locked" if refused_by_lock else "invalid_credentials",
            )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.session_ended(user=request.user, reason="logout")
        return super().post(request, *args, **kwargs)


class PasswordChangeView(LoginRequiredMixin, View):
    """Change one's own password (also where an expired password sends the user). Other sessions of
    the account end and its API tokens are revoked; this session stays signed in."""

    template_name = "accounts/password_change.html"

    def render_form(self, form, status=200):
        expires = password_expires_at(self.request.user)
        context = {
            "form": form,
            "title": _("修改密码"),
            "expired": expires is not None and expires <= timezone.now(),
            "max_age_days": settings.SAFEGRID_PASSWORD_MAX_AGE_DAYS,
            "next": _safe_next(self.request),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_form(forms.PasswordChangeForm(user=request.user))

    def post(self, request, *args, **kwargs):
        form = forms.PasswordChangeForm(user=request.user, data=request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            services.password_change(actor=request.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("new_password1", message)
            return self.render_form(form, status=400)
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改。其他设备上的登录和移动端令牌已全部失效。"))
        return HttpResponseRedirect(_safe_next(request))


class _SecondFactorView(LoginRequiredMixin, View):
    """Base of the two-factor pages: only accounts that use a second factor (privileged roles)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_privileged(request.user):
            raise PermissionDenied(_("您的账号无需双因素认证。"))
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, template, context, status=200):
        context.setdefault("next", _safe_next(self.request))
        context.setdefault("required", two_factor_required(self.request.user))
        return render(self.request, template, context, status=status)


def _qr_svg(data: str) -> str:
    """The enrolment QR code drawn on the server as inline SVG (no image request, no third party)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


class OtpSetupView(_SecondFactorView):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with one code."""

    template_name = "accounts/otp_setup.html"

    def pending(self):
        return selectors.otp_pending_device(actor=self.request.user) or services.otp_device_begin(
            actor=self.request.user
        )

    def page(self, device, errors=(), status=200):
        qr_svg = mark_safe(_qr_svg(device.config_url))  # noqa: S308 - drawn here  # nosec B308, B703
        return self.render_page(
            self.template_name,
            {
                "title": _("绑定身份验证器"),
                "qr_svg": qr_svg,
                "secret": b32encode(device.bin_key).decode(),
                "errors": errors,
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        if selectors.otp_confirmed_device(actor=request.user) is not None:
            return HttpResponseRedirect(
                f"{reverse('accounts:otp_verify')}?{urlencode({'next': _safe_next(request)})}"
            )
        return self.page(self.pending())

    def post(self, request, *args, **kwargs):
        if selectors.otp_confirmed_device(actor=request.user) is not None:
            return HttpResponseRedirect(reverse("accounts:otp_verify"))
        device = self.pending()
        try:
            device = services.otp_device_confirm(
                actor=request.user, device=device, token=request.POST.get("token", "")
            )
        except ValidationError as exc:
            return self.page(device, errors=exc.messages, status=400)
        django_otp.login(request, device)
        messages.success(request, _("身份验证器已绑定，以后登录时需输入其上的 6 位验证码。"))
        return HttpResponseRedirect(_safe_next(request))


class OtpVerifyView(_SecondFactorView):
    """The second step of signing in: one code from the authenticator app."""

    template_name = "accounts/otp_verify.html"

    def get(self, request, *args, **kwargs):
        if selectors.otp_confirmed_device(actor=request.user) is None:
            return HttpResponseRedirect(
                f"{reverse('accounts:otp_setup')}?{urlencode({'next': _safe_next(request)})}"
            )
        return self.render_page(self.template_name, {"title": _("双因素认证"), "errors": ()})

    def post(self, request, *args, **kwargs):
        try:
            device = services.otp_verify(actor=request.user, token=request.POST.get("token", ""))
        except ValidationError as exc:
            return self.render_page(
                self.template_name, {"title": _("双因素认证"), "errors": exc.messages}, status=400
            )
        django_otp.login(request, device)
        return HttpResponseRedirect(_safe_next(request))


class LockoutListView(CapabilityRequiredMixin, TemplateView):
    """Locked usernames and client addresses, with an unlock button (the security administrator)."""

    capability = Cap.MANAGE_USER
    template_name = "accounts/lockout_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("登录锁定"),
            locks=selectors.lockout_list(actor=self.request.user),
            failure_limit=settings.AXES_FAILURE_LIMIT,
            cooloff_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        )
        return context


class LockoutReleaseView(CapabilityRequiredMixin, View):
    capability = Cap.MANAGE_USER
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        kind, value = request.POST.get("kind", ""), request.POST.get("value", "")
        if kind not in {"username", "ip"} or not value:
            raise Http404(_("未找到。"))
        try:
            services.lockout_release(actor=request.user, kind=kind, value=value)
        except NotInScope as exc:
            raise Http404(_("未找到。")) from exc
        messages.success(request, _("已解除锁定：%(value)s。") % {"value": value})
        return HttpResponseRedirect(reverse("accounts:lockout_list"))


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
