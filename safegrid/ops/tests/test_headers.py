"""F6: security headers on representative routes; an unhandled error is the generic 500 page.
F3: a JSON endpoint refuses another content type with 415."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safegrid.hazards.models import Hazard
from safegrid.ops.middleware import NON_HTML_POLICY, PAGE_POLICY, PERMISSIONS_POLICY

PAGE_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# (user key or None for anonymous, URL name) — pages of several kinds: login, home, dashboard,
# a list, a form, the risk map, the command screen.
PAGES = [
    (None, "accounts:login"),
    ("office", "reports:home"),
    ("office", "reports:dashboard"),
    ("office", "reports:risk_map"),
    ("office", "reports:screen"),
    ("township1", "hazards:hazard_list"),
    ("grid11", "hazards:hazard_report"),
]


def _directives(policy: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in policy.split(";")
        if part.strip()
    }


def test_the_page_policy_has_exactly_the_agreed_directives():
    assert _directives(PAGE_POLICY) == PAGE_DIRECTIVES


@pytest.mark.parametrize(("user_key", "name"), PAGES)
def test_pages_carry_every_security_header(world, client, user_key, name):
    if user_key:
        client.force_login(world.users[user_key])
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert _directives(response["Content-Security-Policy"]) == PAGE_DIRECTIVES
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_redirect_to_login_carries_the_headers(client):
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302
    assert _directives(response["Content-Security-Policy"]) == PAGE_DIRECTIVES
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_api_json_gets_a_policy_that_allows_nothing(world, api):
    response = api(world.users["office"]).get("/api/v1/hazards/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Security-Policy"] == NON_HTML_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_response_with_its_own_policy_keeps_it(rf):
    from django.http import HttpResponse

    from safegrid.ops.middleware import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("x", content_type="image/png")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_no_template_has_inline_script_handlers_or_javascript_urls():
    """The policy forbids them; a new one would silently stop working in the browser."""
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (inline_script, handler, re.compile(r"javascript:", re.I)):
            offenders += [f"{path.name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


@pytest.mark.urls("safegrid.ops.tests.urls_boom")
def test_an_unhandled_error_is_the_generic_500_page_without_traceback(world, client):
    client.raise_request_exception = False
    client.force_login(world.users["office"])
    response = client.get("/ops-test/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时出现问题" in body
    assert "secret-internal-detail" not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body
    assert _directives(response["Content-Security-Policy"]) == PAGE_DIRECTIVES


def test_text_plain_to_a_json_create_endpoint_is_415_and_creates_nothing(world, api):
    before = Hazard.objects.count()
    response = api(world.users["grid11"]).post(
        "/api/v1/hazards/", data="site=1&description=x", content_type="text/plain"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert Hazard.objects.count() == before
