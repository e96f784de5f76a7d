"""django-axes hooks (SECURITY.md A5, F5): the username as counted, the locked response, the audit
record of a lock."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import services


def client_username(request, credentials) -> str | None:
    """Failures are counted per folded username, so 'Office', 'OFFICE' and 'ｏｆｆｉｃｅ' share one
    counter (otherwise case variants would each get five tries)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        raw = credentials.get(field)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        raw = data.get(field)
    if not isinstance(raw, str) or not raw.strip():
        return None
    return services.normalise_username(raw)[:150]


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "登录失败次数过多，账号或当前网络地址已被锁定 %(minutes)d 分钟。请稍后再试，或联系安全管理员解锁。"
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a locked sign-in: JSON for the API, a Chinese page for the browser; 429."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked", "detail": lockout_message()}, status=status)
    return render(
        request,
        "accounts/locked.html",
        {"message": lockout_message(), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=status,
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    """One 'login.locked' record when the lock happens. axes sends this signal again for every try
    during the lock; only the try that reached the limit has `axes_failures_since_start` set."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    services.login_locked(username=username, ip=ip_address)
