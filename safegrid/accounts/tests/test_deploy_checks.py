"""A4 no default or shared accounts, C7 no superusers: the account checks of the deploy gate
(`manage.py check --deploy --fail-level WARNING`). Each condition is reported under its own id,
naming the accounts; a clean database reports nothing; an unmigrated database is skipped."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import OperationalError
from django.utils import timezone

from safegrid.accounts import checks
from safegrid.accounts.models import User

ACCOUNT_CHECKS = {
    "safegrid.accounts.W003",
    "safegrid.accounts.W004",
    "safegrid.accounts.W005",
    "safegrid.accounts.W006",
}


@pytest.fixture
def https_settings(settings, monkeypatch):
    """The HTTPS settings production has (config/settings.py, SAFEGRID_HTTPS), so that Django's own
    deploy checks are quiet and the gate's outcome depends on the accounts alone. The browser tests'
    conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for the whole process when the suite is collected, which
    Django's deploy check refuses (async.E001): a deployment does not have it."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SILENCED_SYSTEM_CHECKS = ["security.W021"]
    return settings


def _deploy_gate() -> None:
    call_command("check", "--deploy", "--fail-level", "WARNING", stdout=io.StringIO(), stderr=io.StringIO())


def _account_messages():
    return [m for m in run_checks(include_deployment_checks=True) if m.id in ACCOUNT_CHECKS]


def _only(check_id: str):
    (message,) = _account_messages()
    assert message.id == check_id
    return message


def _add_user(username: str, password: str, **fields) -> User:
    return User.objects.create(
        username=username, password=make_password(password), display_name=username, **fields
    )


def test_a_clean_database_reports_nothing_and_passes_the_gate(world, https_settings):
    assert _account_messages() == []
    _deploy_gate()  # no SystemCheckError


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("admin", "admin"),
        ("root", "root"),
        ("admin", "123456"),
        ("test", "password"),
        ("guest", "12345678"),
        ("administrator", "admin123"),
    ],
)
def test_a_default_account_with_a_default_password_is_reported(world, username, password):
    _add_user(username, password)
    message = _only("safegrid.accounts.W003")
    assert message.msg == (
        f"以下启用中的账号仍使用默认口令（与用户名相同、常见默认口令或演示口令）：{username}。"
        "默认账号应删除或停用，默认口令必须修改（SECURITY.md A4）。"
    )


def test_a_demo_account_with_the_published_demo_password_is_reported(world, settings):
    # The world's "office" shares its name with the demo's "office" account.
    office = world.users["office"]
    office.password = make_password(settings.SAFEGRID_DEMO_PASSWORD)
    office.save(update_fields=["password"])
    assert "：office。" in _only("safegrid.accounts.W003").msg


def test_the_default_account_names_with_a_strong_password_are_not_reported(world):
    _add_user("admin", "Str0ng-and-Long-2024")
    assert _account_messages() == []


def test_a_default_password_on_another_name_is_outside_the_bounded_test(world):
    """Documented bound: only the default names and the demo accounts are hashed against guesses."""
    _add_user("zhangsan", "zhangsan")
    assert _account_messages() == []


def test_a_disabled_default_account_is_not_reported(world):
    _add_user("admin", "admin", is_active=False)
    assert _account_messages() == []


def test_every_default_account_is_named(world):
    _add_user("root", "123456")
    _add_user("admin", "admin")
    assert "：admin、root。" in _only("safegrid.accounts.W003").msg


def test_an_active_superuser_is_reported(world):
    world.users["sysadmin"].is_superuser = True
    world.users["sysadmin"].save(update_fields=["is_superuser"])
    message = _only("safegrid.accounts.W004")
    assert message.msg == (
        "存在启用中的超级用户账号：sysadmin。三员分立要求生产环境不设超级用户，"
        "超级用户可绕过系统管理员、安全管理员和审计管理员的权限划分（SECURITY.md C7）。"
    )


def test_a_disabled_superuser_is_not_reported(world):
    _add_user("old_root", "Str0ng-and-Long-2024", is_superuser=True, is_active=False)
    assert _account_messages() == []


def test_an_account_unused_past_the_dormant_period_is_reported(world, settings):
    settings.SAFEGRID_ACCOUNT_DORMANT_DAYS = 180
    expert = world.users["expert"]
    expert.last_login = timezone.now() - datetime.timedelta(days=181)
    expert.save(update_fields=["last_login"])
    message = _only("safegrid.accounts.W005")
    assert message.msg == (
        "以下启用中的账号已超过 180 天未登录：expert。多余或过期的账号应及时停用（SECURITY.md A4）。"
    )


def test_an_account_never_used_since_its_creation_long_ago_is_reported(world):
    User.objects.filter(pk=world.users["auditor"].pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=200), last_login=None
    )
    assert "：auditor。" in _only("safegrid.accounts.W005").msg


def test_an_account_used_within_the_period_is_not_dormant(world):
    User.objects.filter(pk=world.users["auditor"].pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=400),
        last_login=timezone.now() - datetime.timedelta(days=179),
    )
    assert _account_messages() == []


def test_the_dormant_check_is_off_at_zero(world, settings):
    settings.SAFEGRID_ACCOUNT_DORMANT_DAYS = 0
    User.objects.filter(pk=world.users["auditor"].pk).update(
        last_login=timezone.now() - datetime.timedelta(days=1000)
    )
    assert _account_messages() == []


def _set_phone(user: User, phone: str) -> None:
    # Through save(): where the phone is encrypted, its blind index follows it (SECURITY.md D1).
    user.phone = phone
    user.save(update_fields=["phone"])


def test_two_active_accounts_with_one_phone_are_reported_without_the_phone(world):
    _set_phone(world.users["sysadmin"], "13812345678")
    _set_phone(world.users["secadmin"], "13812345678")
    _set_phone(world.users["office"], "13900000000")
    message = _only("safegrid.accounts.W006")
    assert message.msg == (
        "以下启用中的账号登记了相同的手机号，可能是一人多号或多人共用账号：secadmin、sysadmin。"
        "每人只应有一个账号，账号不得共用（SECURITY.md A4）。"
    )
    assert "13812345678" not in message.msg + message.hint


def test_a_phone_shared_with_a_disabled_account_is_not_reported(world):
    _set_phone(world.users["office"], "13812345678")
    _add_user("office_old", "Str0ng-and-Long-2024", phone="13812345678", is_active=False)
    assert _account_messages() == []


@pytest.mark.parametrize(
    "make_condition",
    [
        lambda w: _add_user("admin", "admin"),
        lambda w: User.objects.filter(pk=w.users["auditor"].pk).update(is_superuser=True),
        lambda w: User.objects.filter(pk=w.users["auditor"].pk).update(
            last_login=timezone.now() - datetime.timedelta(days=365)
        ),
        lambda w: [_set_phone(w.users[key], "13812345678") for key in ("leader", "office")],
    ],
    ids=["default-password", "superuser", "dormant", "shared-phone"],
)
def test_the_deploy_gate_fails_while_a_condition_is_present(world, https_settings, make_condition, request):
    make_condition(world)
    check_id = {
        "default-password": "W003",
        "superuser": "W004",
        "dormant": "W005",
        "shared-phone": "W006",
    }[request.node.callspec.id]
    with pytest.raises(SystemCheckError) as failed:
        _deploy_gate()
    found = re.findall(r"\(([a-z_.]+\.[WE]\d{3})\)", str(failed.value))
    assert found == [f"safegrid.accounts.{check_id}"]


def test_without_the_user_table_the_checks_report_nothing(db, monkeypatch):
    """Checks run before `migrate` (tests/contracts/test_deploy.py runs them on an empty database):
    a database error means "nothing to check yet", never a crash."""

    def no_table():
        raise OperationalError("no such table: accounts_user")

    monkeypatch.setattr(checks, "_active_users", no_table)
    assert _account_messages() == []
