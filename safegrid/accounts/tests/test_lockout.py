"""A5 failure handling and F5 anti-automation: django-axes locks a username or a client address
after 5 failures for 15 minutes; errors do not tell unknown accounts from wrong passwords; the lock
is audited once; only the security administrator unlocks early, audited."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from safegrid.core.models import AuditEntry

from .helpers import WRONG, form_login, token_login

LOGIN_ERROR = "用户名或密码错误。"


def _actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_the_fifth_failure_locks_and_then_even_the_right_password_is_refused(world, client, figure):
    statuses = [form_login(client, "office", WRONG).status_code for _ in range(5)]
    locked_at = statuses.index(429) + 1 if 429 in statuses else None
    figure("Auth", "lockout threshold (failed attempt that locked)", fixed={"lockout at": locked_at})
    assert statuses == [200, 200, 200, 200, 429]
    right = form_login(client, "office", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    page = right.content.decode()
    assert "登录已被暂时锁定" in page and "锁定 15 分钟" in page


def test_the_lock_is_audited_exactly_once(world, client):
    for _ in range(8):
        form_login(client, "office", WRONG)
    form_login(client, "office", PASSWORD)
    actions = _actions()
    assert actions.count("login.locked") == 1
    assert actions.count("login.failed") == 9
    reasons = [
        e.changes["reason"][1] for e in AuditEntry.objects.filter(action="login.failed").order_by("id")
    ]
    assert reasons == ["invalid_credentials"] * 5 + ["locked"] * 4
    locked = AuditEntry.objects.get(action="login.locked")
    assert (locked.object_id, locked.result, locked.ip) == (
        str(world.users["office"].pk),
        "failure",
        "127.0.0.1",
    )


def test_the_lock_ends_after_the_fifteen_minute_cool_off(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            form_login(client, "office", WRONG)
    with time_machine.travel(start + datetime.timedelta(minutes=14, seconds=59), tick=False):
        assert form_login(client, "office", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert form_login(client, "office", PASSWORD).status_code == 302


def test_unknown_account_and_wrong_password_get_the_same_answer(world, client):
    unknown = form_login(client, "no-such-user", WRONG)
    wrong = form_login(client, "office", WRONG)
    inactive_user = world.users["township2"]
    inactive_user.is_active = False
    inactive_user.save(update_fields=["is_active"])
    inactive = form_login(client, "township2", PASSWORD)
    errors = [r.context["form"].non_field_errors() for r in (unknown, wrong, inactive)]
    assert [r.status_code for r in (unknown, wrong, inactive)] == [200, 200, 200]
    assert errors[0] == errors[1] == errors[2]
    assert errors[0] == [LOGIN_ERROR]
    api = (
        token_login(_api_client(REMOTE_ADDR="127.0.3.1"), "no-such-user", WRONG).json(),
        token_login(_api_client(REMOTE_ADDR="127.0.3.2"), "office", WRONG).json(),
    )
    assert api[0] == api[1] == {"code": "invalid_credentials", "detail": "用户名或密码错误。"}


def _api_client(**defaults):
    from rest_framework.test import APIClient

    return APIClient(**defaults)


def test_case_and_width_variants_share_one_counter(world, client):
    for variant in ["Office", "OFFICE", "ｏｆｆｉｃｅ", "ＯＦＦＩＣＥ"]:
        assert form_login(client, variant, WRONG, REMOTE_ADDR=f"127.0.1.{len(variant)}").status_code == 200
    assert form_login(client, "office", WRONG, REMOTE_ADDR="127.0.2.1").status_code == 429


def test_failures_from_five_addresses_lock_the_username_everywhere(world, client):
    for n in range(5):
        form_login(client, "office", WRONG, REMOTE_ADDR=f"127.0.0.{10 + n}")
    assert form_login(client, "office", PASSWORD, REMOTE_ADDR="127.0.0.99").status_code == 429
    assert form_login(client, "township1", PASSWORD, REMOTE_ADDR="127.0.0.10").status_code == 302


def test_failures_on_five_usernames_lock_the_client_address(world, client):
    """["username", "ip_address"] means either one locks: an address guessing many names is locked."""
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        form_login(client, name, WRONG, REMOTE_ADDR="127.0.0.50")
    assert form_login(client, "office", PASSWORD, REMOTE_ADDR="127.0.0.50").status_code == 429
    assert form_login(client, "office", PASSWORD, REMOTE_ADDR="127.0.0.51").status_code == 302


def test_a_successful_sign_in_resets_the_count(world, client):
    for _ in range(4):
        form_login(client, "office", WRONG)
    assert form_login(client, "office", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        assert form_login(client, "office", WRONG).status_code == 200


def test_the_token_exchange_is_locked_too_with_a_chinese_json_answer(world):
    client = _api_client()
    answers = [token_login(client, "office", WRONG) for _ in range(5)]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429]
    assert answers[-1].json()["code"] == "locked"
    assert "已被锁定 15 分钟" in answers[-1].json()["detail"]
    right = token_login(client, "office", PASSWORD)
    assert (right.status_code, right.json()["code"]) == (429, "locked")
    assert _actions().count("login.locked") == 1
    assert "auth.token_issue" not in _actions()


def test_the_form_and_the_token_exchange_share_one_counter(world, client):
    for _ in range(3):
        form_login(client, "office", WRONG)
    api = _api_client()
    assert token_login(api, "office", WRONG).status_code == 400
    assert token_login(api, "office", WRONG).status_code == 429


def _lock_office_by_username(client):
    for n in range(5):
        form_login(client, "office", WRONG, REMOTE_ADDR=f"127.0.0.{20 + n}")


def test_the_security_administrator_sees_and_releases_a_lock(world, client):
    _lock_office_by_username(client)
    admin = _api_client()
    admin.force_login(world.users["secadmin"])
    page = admin.get(reverse("accounts:lockout_list"))
    assert page.status_code == 200
    locks = [(lock.kind, lock.value, lock.failures) for lock in page.context["locks"]]
    assert locks == [("username", "office", 5)]
    before = AuditEntry.objects.count()
    response = admin.post(reverse("accounts:lockout_release"), {"kind": "username", "value": "office"})
    assert response.status_code == 302
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.actor_id, e.object_id) for e in entries] == [
        ("account.unlock", world.users["secadmin"].pk, str(world.users["office"].pk))
    ]
    assert AccessAttempt.objects.filter(username="office").count() == 0
    assert form_login(client, "office", PASSWORD, REMOTE_ADDR="127.0.0.30").status_code == 302


def test_an_address_lock_is_listed_and_released_by_address(world, client):
    for name in ["b1", "b2", "b3", "b4", "b5"]:
        form_login(client, name, WRONG, REMOTE_ADDR="127.0.0.60")
    admin = _api_client()
    admin.force_login(world.users["secadmin"])
    kinds = {(lock.kind, lock.value) for lock in admin.get(reverse("accounts:lockout_list")).context["locks"]}
    assert ("ip", "127.0.0.60") in kinds
    admin.post(reverse("accounts:lockout_release"), {"kind": "ip", "value": "127.0.0.60"})
    assert form_login(client, "office", PASSWORD, REMOTE_ADDR="127.0.0.60").status_code == 302


@pytest.mark.parametrize("user_key", ["sysadmin", "auditor", "office", "leader", "township1"])
def test_nobody_else_may_see_or_release_locks(world, client, user_key):
    for n in range(5):
        form_login(client, "grid11", WRONG, REMOTE_ADDR=f"127.0.0.{20 + n}")
    other = _api_client()
    other.force_login(world.users[user_key])
    assert other.get(reverse("accounts:lockout_list")).status_code == 403
    assert (
        other.post(reverse("accounts:lockout_release"), {"kind": "username", "value": "grid11"}).status_code
        == 403
    )
    assert AccessAttempt.objects.filter(username="grid11").count() == 5
    assert "account.unlock" not in _actions()


def test_releasing_a_lock_that_does_not_exist_is_404_and_writes_nothing(world):
    admin = _api_client()
    admin.force_login(world.users["secadmin"])
    response = admin.post(reverse("accounts:lockout_release"), {"kind": "username", "value": "office"})
    assert response.status_code == 404
    assert "account.unlock" not in _actions()
