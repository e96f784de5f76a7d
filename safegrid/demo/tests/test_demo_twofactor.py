"""The demo county with SAFEGRID_REQUIRE_2FA=true: the county-level and administrator demo accounts
are enrolled with the published demo TOTP secret, the others need no second factor."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safegrid.accounts.models import User
from safegrid.accounts.policies import PRIVILEGED_ROLES
from safegrid.demo.county import build_demo_county
from safegrid.demo.twofactor import DEMO_TOTP_SECRET

pytestmark = pytest.mark.django_db

FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), FAST_HASHER:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_demo_county(seed=2024, activity=False)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _code_from_secret(secret: str) -> str:
    from base64 import b32decode

    return f"{TOTP(b32decode(secret)).token():06d}"


def test_exactly_the_privileged_demo_accounts_are_enrolled(demo):
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    privileged = {u.username for u in User.objects.all() if u.roles & PRIVILEGED_ROLES}
    assert enrolled == privileged and {"office", "secadmin", "auditor", "sysadmin", "leader"} <= enrolled


@override_settings(SAFEGRID_REQUIRE_2FA=True)
def test_a_privileged_demo_account_signs_in_with_the_demo_secret(demo, client):
    with time_machine.travel(timezone.now(), tick=False):
        response = client.post(
            reverse("accounts:login"), {"username": "office", "password": settings.SAFEGRID_DEMO_PASSWORD}
        )
        assert response["Location"].startswith(reverse("accounts:otp_verify"))
        verify = client.post(reverse("accounts:otp_verify"), {"token": _code_from_secret(DEMO_TOTP_SECRET)})
    assert verify.status_code == 302
    assert client.get("/").status_code == 200
