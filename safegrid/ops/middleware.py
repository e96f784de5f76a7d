"""Security headers on every response (SECURITY.md F6).

Django's SecurityMiddleware already sends nosniff, Referrer-Policy, COOP and (over HTTPS) HSTS, and
XFrameOptionsMiddleware sends X-Frame-Options: DENY. This adds what Django 5.2 has no setting for:

- Content-Security-Policy. Pages load only their own scripts (everything is vendored under
  static/: Bootstrap, htmx, ECharts), with no inline script, handler or `javascript:` URL and no
  eval (htmx's `allowEval` is off through the `htmx-config` meta tag in base.html). Styles allow
  'unsafe-inline' because templates set widths and colours in `style` attributes and ECharts
  draws its tooltips with them; a style cannot run code. Images may be `data:`/`blob:` URLs
  (ECharts' "save as image", Bootstrap's SVG icons in CSS).
  Responses that set their own policy keep it (the attachment download's `default-src 'none';
  sandbox`); responses that are not HTML (API JSON, files) get a policy that allows nothing, so a
  JSON body opened as a page cannot run anything either.
- Permissions-Policy: the browser features the platform does not use are switched off. Geolocation
  stays allowed for this origin only: the hazard report page asks the phone where it is.
- Cross-Origin-Opener-Policy (Django sets it too; kept here so the header never depends on a setting).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
NON_HTML_POLICY = "default-src 'none'; frame-ancestors 'none'"
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "camera=()",
        "display-capture=()",
        "geolocation=(self)",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "payment=()",
        "usb=()",
    ]
)


def _is_html(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().lower() in {"text/html", ""}


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy, Permissions-Policy and Cross-Origin-Opener-Policy to every
    response that does not set them itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = PAGE_POLICY if _is_html(response) else NON_HTML_POLICY
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class TrustedProxyMiddleware:
    """The client's address behind reverse proxies (SECURITY.md A5, F5, L2: lockout by IP, the login
    rate limit and the audit trail's IP all read REMOTE_ADDR).

    Behind nginx, REMOTE_ADDR is nginx's own address for every request, so every client would share
    one lockout counter and one audit IP. With `SAFEGRID_TRUSTED_PROXIES = N` (the number of proxies
    in front of the app, each appending to X-Forwarded-For: nginx's `$proxy_add_x_forwarded_for`),
    the client is the N-th address from the right of X-Forwarded-For: entries further left were
    written by the client and are not trusted. Runs first, so every later layer sees the real client.
    With 0 (the default: the app is reached directly) the header is ignored. A header that is
    missing, too short or not an IP address leaves REMOTE_ADDR as it is."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = max(0, int(getattr(settings, "SAFEGRID_TRUSTED_PROXIES", 0)))

    def __call__(self, request):
        if self.proxies:
            client = client_behind_proxies(request.META.get("HTTP_X_FORWARDED_FOR", ""), self.proxies)
            if client:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


def client_behind_proxies(forwarded_for: str, proxies: int) -> str | None:
    """The address `proxies` hops from the right of an X-Forwarded-For value, or None."""
    hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if proxies < 1 or len(hops) < proxies:
        return None
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
