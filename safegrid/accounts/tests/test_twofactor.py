"""A6: TOTP two-factor sign-in for county-level and administrator accounts (SAFEGRID_REQUIRE_2FA)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from safegrid.accounts import services
from safegrid.accounts.policies import COUNTY_ROLES, PRIVILEGED_ROLES
from safegrid.accounts.roles import ADMIN_ROLES, Role
from safegrid.core.models import AuditEntry
from safegrid.orgs.choices import RegionKind

from .helpers import form_login, token_login, totp_code

PRIVILEGED = ["leader", "office", "sector_mining", "sysadmin", "secadmin", "auditor"]
ORDINARY = ["township1", "grid11", "enterprise11", "expert"]
HOME = "/accounts/me/"


@pytest.fixture
def two_factor(settings):
    settings.SAFEGRID_REQUIRE_2FA = True


def _enrol(user):
    return TOTPDevice.objects.create(user=user, name="测试", confirmed=True)


def test_privileged_roles_are_the_county_and_higher_anchored_roles_and_the_administrators():
    county_only = {
        role
        for role, kinds in services.ROLE_REGION_KINDS.items()
        if kinds == {RegionKind.COUNTY} and role not in ADMIN_ROLES
    }
    above_county = {
        role
        for role, kinds in services.ROLE_REGION_KINDS.items()
        if max(kinds) < RegionKind.COUNTY and role not in ADMIN_ROLES
    }
    assert COUNTY_ROLES == county_only == {Role.COUNTY_LEADER, Role.COUNTY_OFFICE, Role.SECTOR_OFFICER}
    assert above_county == {Role.SUPERVISOR}
    assert county_only | above_county | ADMIN_ROLES == PRIVILEGED_ROLES


@pytest.mark.parametrize("user_key", PRIVILEGED)
def test_a_password_alone_does_not_open_a_privileged_account(world, two_factor, user_key, figure):
    user = world.users[user_key]
    role = next(iter(user.roles))
    figure("Auth", "2FA enforced on privileged roles", roles=1)
    client = APIClient()
    response = form_login(client, user_key)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_setup"))
    assert client.get("/").status_code == 302
    assert client.get(HOME)["Location"].startswith(reverse("accounts:otp_setup"))
    api = client.get("/api/v1/me/")
    assert (api.status_code, api.json()["code"]) == (403, "otp_required")
    token = token_login(APIClient(), user_key)
    assert (token.status_code, token.json()["code"]) == (403, "otp_required")
    device = _enrol(user)
    with time_machine.travel(timezone.now(), tick=False):
        code = totp_code(device)
        assert client.post(reverse("accounts:otp_verify"), {"token": code}).status_code == 302
    assert client.get(HOME).status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    figure("Auth", "2FA enforced on privileged roles", enforced=1)
    assert role in PRIVILEGED_ROLES


@pytest.mark.parametrize("user_key", ORDINARY)
def test_other_roles_sign_in_with_the_password(world, two_factor, user_key):
    client = APIClient()
    assert form_login(client, user_key)["Location"] == reverse("reports:home")
    assert client.get(HOME).status_code == 200
    assert client.get(reverse("accounts:otp_verify")).status_code == 403


def test_with_the_setting_off_privileged_accounts_sign_in_with_the_password(world, settings):
    settings.SAFEGRID_REQUIRE_2FA = False
    client = APIClient()
    assert form_login(client, "office")["Location"] == reverse("reports:home")
    assert client.get(HOME).status_code == 200
    assert token_login(APIClient(), "office").status_code == 200


def test_enrolment_shows_a_server_drawn_qr_code_and_confirms_with_one_code(world, two_factor):
    client = APIClient()
    form_login(client, "office")
    page = client.get(reverse("accounts:otp_setup"))
    body = page.content.decode()
    assert (
        page.status_code == 200
        and "<svg" in body
        and "<img" not in body.split('data-testid="otp-qr"')[1][:200]
    )
    device = TOTPDevice.objects.get(user=world.users["office"])
    assert device.confirmed is False
    secret = page.context["secret"]
    assert secret in body and len(secret) == 32
    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    assert client.get(HOME).status_code == 302
    with time_machine.travel(timezone.now(), tick=False):
        ok = client.post(reverse("accounts:otp_setup"), {"token": totp_code(device)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(HOME).status_code == 200
    assert list(
        AuditEntry.objects.filter(action__startswith="otp.").values_list("action", flat=True).order_by("id")
    ) == [
        "otp.begin",
        "otp.failed",
        "otp.enrol",
    ]


def test_a_replayed_code_is_refused(world, two_factor):
    device = _enrol(world.users["office"])
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        code = totp_code(device)
        first = APIClient()
        form_login(first, "office")
        assert first.post(reverse("accounts:otp_verify"), {"token": code}).status_code == 302
        second = APIClient()
        form_login(second, "office")
        replay = second.post(reverse("accounts:otp_verify"), {"token": code})
        assert replay.status_code == 400 and "已使用" in replay.content.decode()
        assert second.get(HOME).status_code == 302
    device.refresh_from_db()
    assert device.last_t >= 0


def test_the_token_exchange_needs_a_fresh_code_for_privileged_accounts(world, two_factor):
    device = _enrol(world.users["secadmin"])
    with time_machine.travel(timezone.now(), tick=False):
        code = totp_code(device)
        wrong = token_login(APIClient(), "secadmin", otp="123456" if code != "123456" else "654321")
        assert (wrong.status_code, wrong.json()["code"]) == (403, "otp_invalid")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        device.refresh_from_db()
        code = totp_code(device)
        ok = token_login(APIClient(), "secadmin", otp=code)
        assert ok.status_code == 200 and ok.json()["token"]
        replay = token_login(APIClient(), "secadmin", otp=code)
        assert (replay.status_code, replay.json()["code"]) == (403, "otp_invalid")


def test_production_without_two_factor_warns(db, settings):  # the deploy checks read accounts
    settings.PRODUCTION = True
    settings.SAFEGRID_REQUIRE_2FA = False
    ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "safegrid.accounts.W001" in ids
    settings.SAFEGRID_REQUIRE_2FA = True
    assert "safegrid.accounts.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]


@override_settings(SAFEGRID_REQUIRE_2FA=True)
def test_the_second_factor_is_asked_again_after_logout(world):
    device = _enrol(world.users["leader"])
    client = APIClient()
    with time_machine.travel(timezone.now(), tick=False):
        form_login(client, "leader")
        client.post(reverse("accounts:otp_verify"), {"token": totp_code(device)})
        assert client.get(HOME).status_code == 200
    client.post(reverse("accounts:logout"))
    form_login(client, "leader")
    assert client.get(HOME)["Location"].startswith(reverse("accounts:otp_verify"))
