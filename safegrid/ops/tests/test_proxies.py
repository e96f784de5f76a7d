"""The client's address behind reverse proxies (TrustedProxyMiddleware): lockout by IP, the login
rate limit and the audit trail all see the real client, and a client cannot choose its address."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.ops.middleware import client_behind_proxies


@pytest.mark.parametrize(
    ("header", "proxies", "client"),
    [
        ("203.0.113.7", 1, "203.0.113.7"),
        ("1.1.1.1, 203.0.113.7", 1, "203.0.113.7"),  # the client wrote 1.1.1.1 itself: not trusted
        ("1.1.1.1, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),
        (" 2001:db8::1 ", 1, "2001:db8::1"),
        ("", 1, None),
        ("203.0.113.7", 2, None),  # fewer hops than proxies: the header is not from our proxies
        ("not-an-ip", 1, None),
        ("203.0.113.7\r\nX: y", 1, None),
        ("203.0.113.7", 0, None),
    ],
)
def test_the_client_is_the_address_the_nearest_trusted_proxy_saw(header, proxies, client):
    assert client_behind_proxies(header, proxies) == client


def _failed_login(client, forwarded_for: str):
    return client.post(
        reverse("accounts:login"),
        {"username": "office", "password": "wrong-password-1A"},
        REMOTE_ADDR="10.0.0.1",  # nginx
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@override_settings(SAFEGRID_TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_audit_records_the_client(world, client):
    _failed_login(client, "198.51.100.4, 203.0.113.7")
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.ip == "203.0.113.7"


def test_without_trusted_proxies_the_header_is_ignored(world, client):
    _failed_login(client, "203.0.113.7")
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.ip == "10.0.0.1"


@override_settings(SAFEGRID_TRUSTED_PROXIES=1, AXES_LOCKOUT_PARAMETERS=["ip_address"])
def test_lockout_by_ip_counts_each_client_behind_the_proxy_apart(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _failed_login(client, "203.0.113.7")
    assert _failed_login(client, "203.0.113.7").status_code == 429
    # Another client behind the same nginx is not locked out by the first one's failures.
    assert _failed_login(client, "203.0.113.8").status_code == 200
