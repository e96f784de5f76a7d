"""Burst limits of pages (SECURITY.md F5, ASVS 11.1.4): sign-in attempts per client address and
exports per user, counted in the default cache — Redis in production (SAFEGRID_CACHE_URL), so
every worker process shares one count; local memory on a development machine and in the tests.
The API uses DRF's throttle classes on the same cache (safegrid/accounts/api.py).

Rates are written like DRF's: "10/min" (also "/s", "/h", "/day"); an empty rate turns a limit off.
Counting uses fixed windows (one atomic INCR per request, the window in the key), so a client may
reach twice the rate across a window boundary, never more.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


@functools.cache
def parse_rate(rate: str) -> Rate | None:
    """'10/min' → Rate(10, 60); '' → None (no limit)."""
    if not rate:
        return None
    try:
        count, period = rate.split("/")
        parsed = Rate(int(count), PERIODS[period.strip()[0]])
    except (ValueError, KeyError, IndexError):
        raise ImproperlyConfigured(
            _("频率限制“%(rate)s”格式不正确，应写作“次数/时间单位”，例如 10/min。") % {"rate": rate}
        ) from None
    if parsed.count < 1:
        raise ImproperlyConfigured(_("频率限制“%(rate)s”的次数至少为 1。") % {"rate": rate})
    return parsed


def describe(rate: str) -> str:
    """'10/min' → '每分钟 10 次', for the messages."""
    limit = parse_rate(rate)
    if limit is None:
        return ""
    per = {1: _("每秒"), 60: _("每分钟"), 3600: _("每小时"), 86400: _("每天")}[limit.seconds]
    return _("%(per)s %(count)d 次") % {"per": per, "count": limit.count}


def hit(scope: str, ident: str, rate: str) -> int | None:
    """Counts one request of `ident` (a client address, a user id) under `scope`. None while within
    the rate; above it, the seconds until the window ends (for Retry-After)."""
    limit = parse_rate(rate)
    if limit is None:
        return None
    now = time.time()
    window = int(now // limit.seconds)
    key = f"ratelimit:{scope}:{ident}:{window}"
    # The key outlives its window by a second, so a late INCR never finds it gone mid-window.
    if cache.add(key, 1, timeout=limit.seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr: start again
            cache.set(key, 1, timeout=limit.seconds + 1)
            count = 1
    if count <= limit.count:
        return None
    return max(1, math.ceil((window + 1) * limit.seconds - now))


def client_address(request: HttpRequest) -> str:
    """The address sign-in limits count by: REMOTE_ADDR, as django-axes and the audit trail use."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def too_many_requests(request: HttpRequest, *, title: str, message: str, retry_after: int) -> HttpResponse:
    """429 with Retry-After: JSON {"code": "throttled"} under /api/, else a Chinese message page."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"code": "throttled", "detail": message}, status=429)
    else:
        response = render(request, "core/message.html", {"title": title, "message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
