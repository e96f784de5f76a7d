"""F5 anti-automation at sign-in (ASVS 11.1.4): a burst of attempts from one address is answered
429 — on the login page (safegrid/core/ratelimit.py) and at the token API (DRF's LoginThrottle) —
whatever the usernames, before any password is checked, so a flood neither guesses nor locks
anybody's account. The counts live in the default cache (Redis in production). There is no SMS
code in SafeGrid, so there is no SMS endpoint to limit."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import PASSWORD
from safegrid.core.models import AuditEntry

from .helpers import WRONG, form_login, token_login

RATE_MESSAGE = "当前网络地址登录尝试过于频繁（限每分钟 3 次），请 {seconds} 秒后再试。"


@pytest.fixture
def login_rate(settings):
    settings.SAFEGRID_LOGIN_RATE = "3/min"


@pytest.fixture
def frozen():
    """Time stands still at 10 s into a minute, so the burst stays inside one counting window."""
    start = timezone.now().replace(second=10, microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


def test_a_burst_of_distinct_usernames_from_one_address_gets_429_on_the_login_page(
    world, client, login_rate, frozen
):
    answers = [form_login(client, f"nobody{i}", WRONG) for i in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused["Retry-After"] == "50"
    page = refused.content.decode()
    assert "登录过于频繁" in page
    assert RATE_MESSAGE.format(seconds=50) in page


def test_the_refused_attempt_checks_no_password_locks_nobody_and_writes_nothing(
    world, client, login_rate, frozen
):
    for i in range(3):
        form_login(client, f"nobody{i}", WRONG)
    audits, attempts = AuditEntry.objects.count(), AccessAttempt.objects.count()

    refused = form_login(client, "office", PASSWORD)

    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert (AuditEntry.objects.count(), AccessAttempt.objects.count()) == (audits, attempts)


def test_another_address_is_counted_apart(world, client, login_rate, frozen):
    for i in range(3):
        form_login(client, f"nobody{i}", WRONG, REMOTE_ADDR="10.0.0.1")
    assert form_login(client, "x", WRONG, REMOTE_ADDR="10.0.0.1").status_code == 429

    assert form_login(client, "office", PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_showing_the_login_form_is_not_counted(world, client, login_rate, frozen):
    for _ in range(5):
        assert client.get("/accounts/login/").status_code == 200
    assert form_login(client, "office", PASSWORD).status_code == 302


def test_the_next_window_accepts_attempts_again(world, client, login_rate, frozen):
    for i in range(4):
        form_login(client, f"nobody{i}", WRONG)
    frozen.shift(datetime.timedelta(seconds=50))

    assert form_login(client, "office", PASSWORD).status_code == 302


def test_the_rate_is_the_setting(world, client, settings, frozen):
    settings.SAFEGRID_LOGIN_RATE = "2/min"  # (below django-axes' 5 failures per address)
    statuses = [form_login(client, f"nobody{i}", WRONG).status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    assert "（限每分钟 2 次）" in form_login(client, "office", PASSWORD).content.decode()


def test_a_burst_at_the_token_api_gets_429_throttled(world, login_rate, frozen):
    client = APIClient()
    answers = [token_login(client, f"nobody{i}", WRONG) for i in range(4)]

    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    refused = answers[-1]
    assert refused.json() == {
        "code": "throttled",
        "detail": "当前网络地址登录尝试过于频繁，请稍后再试。 预计 60 秒后可用。",
    }
    assert refused["Retry-After"] == "60"


def test_a_forged_forwarded_for_header_does_not_reset_the_api_count(world, login_rate, frozen):
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"username": f"nobody{i}", "password": WRONG},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        ).status_code
        for i in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
