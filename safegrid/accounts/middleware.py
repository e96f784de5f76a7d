"""Session policy for signed-in browser sessions (SECURITY.md S1, A3, A6).

In order, for every request of a signed-in session:
1. the session ends after SAFEGRID_SESSION_IDLE_MINUTES without a request, or
   SAFEGRID_SESSION_ABSOLUTE_HOURS after sign-in, whatever the activity (audited 'logout');
2. a privileged account that must use two-factor sign-in and has not entered a code in this session
   reaches only the enrolment / verification pages (the API answers 403 "otp_required");
3. an account whose password has expired reaches only the password-change page (the API answers
   403 "password_expired").
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import selectors, services
from .authentication import OTP_REQUIRED_DETAIL, PASSWORD_EXPIRED_DETAIL
from .policies import (
    SEEN_WRITE_INTERVAL,
    SESSION_LOGIN_AT,
    SESSION_SEEN_AT,
    password_expired,
    session_expiry_reason,
    two_factor_required,
)

# Pages a session may reach while it still owes a second factor or a new password.
_ALWAYS_OPEN = ("accounts:logout", "accounts:login", "api:token_login", "api:token_logout")
_OTP_PAGES = ("accounts:otp_setup", "accounts:otp_verify")
_PASSWORD_PAGES = ("accounts:password_change",)


def _paths(names) -> tuple[str, ...]:
    return tuple(reverse(name) for name in names)


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _redirect(request, url: str):
    if getattr(request, "htmx", False):
        response = HttpResponseRedirect(url)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            refused = self.check(request, user)
            if refused is not None:
                return refused
        return self.get_response(request)

    def check(self, request, user):
        session = request.session
        now = time.time()
        reason = session_expiry_reason(session, now)
        if reason is not None:
            return self.sign_out(request, user, reason)
        session.setdefault(SESSION_LOGIN_AT, now)
        if now - session.get(SESSION_SEEN_AT, 0) >= SEEN_WRITE_INTERVAL:
            session[SESSION_SEEN_AT] = now
        path = request.path_info
        if path.startswith(
            settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
        ):
            return None
        open_paths = _paths(_ALWAYS_OPEN)
        if path in open_paths:
            return None
        if two_factor_required(user) and not getattr(user, "is_verified", lambda: False)():
            if path in _paths(_OTP_PAGES):
                return None
            if _is_api(request):
                return JsonResponse({"code": "otp_required", "detail": str(OTP_REQUIRED_DETAIL)}, status=403)
            has_device = selectors.otp_confirmed_device(actor=user) is not None
            target = reverse("accounts:otp_verify" if has_device else "accounts:otp_setup")
            return _redirect(request, self._with_next(target, request))
        if password_expired(user):
            if path in _paths(_PASSWORD_PAGES + _OTP_PAGES):
                return None
            if _is_api(request):
                return JsonResponse(
                    {"code": "password_expired", "detail": str(PASSWORD_EXPIRED_DETAIL)}, status=403
                )
            return _redirect(request, self._with_next(reverse("accounts:password_change"), request))
        return None

    @staticmethod
    def _with_next(url: str, request) -> str:
        if request.method == "GET" and not getattr(request, "htmx", False):
            return f"{url}?{urlencode({'next': request.get_full_path()})}"
        return url

    def sign_out(self, request, user, reason: str):
        services.session_ended(user=user, reason=reason)
        logout(request)
        if reason == "idle":
            message = _("您已超过 %(minutes)d 分钟未操作，为保护账号安全已自动退出，请重新登录。") % {
                "minutes": settings.SAFEGRID_SESSION_IDLE_MINUTES
            }
        else:
            message = _("登录已超过 %(hours)d 小时，为保护账号安全已自动退出，请重新登录。") % {
                "hours": settings.SAFEGRID_SESSION_ABSOLUTE_HOURS
            }
        if _is_api(request):
            return JsonResponse({"code": "session_expired", "detail": message}, status=401)
        messages.warning(request, message)
        return _redirect(request, self._with_next(reverse(settings.LOGIN_URL), request))
