"""System checks of the sign-in policy (run by `manage.py check --deploy` in the deploy gate).

The account checks (SECURITY.md A4, C7; 等保 访问控制 b, c) read the user table: no default accounts
with default passwords, no superusers, no dormant accounts, no two accounts registered to one phone.
They are deploy checks, so `check --deploy --fail-level WARNING` fails the gate while one is found.
Checks run before `migrate` too: without the user table (or without a database) they report nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError, transaction
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

# Account names that installers, scripts and habit create first (默认账户). Usernames are stored
# folded (lower case, half-width), so these match "Admin" and "ＡＤＭＩＮ" as well.
DEFAULT_ACCOUNT_NAMES = ("admin", "administrator", "root", "sa", "system", "test", "guest", "demo", "user")
# Well-known default passwords (默认口令), tried on the accounts above together with their own
# username. Every password set through SafeGrid passes the 12-character policy, so these can only
# come from `createsuperuser` with the policy overridden, a shell, or an imported hash.
DEFAULT_PASSWORDS = ("admin", "admin123", "123456", "12345678", "password")

# Bound of the password test: check_password costs one PBKDF2 run (~0.3 s at Django 5.2's 1,000,000
# iterations), so testing every active account (even only against its username) would take minutes
# for a county's thousands of accounts. The test is limited to the accounts named above (at most
# 9 × 6 hashes) and to the demo accounts (their published demo password only, 13 hashes; the demo
# shares one hash, so one run in practice) — under 25 s even if every one of those names exists,
# and nothing when none does. Accounts with other names are covered by the password policy.
MAX_NAMES_IN_MESSAGE = 20

DEFAULT_DORMANT_DAYS = 180


def _names(usernames: Iterable[str]) -> str:
    usernames = list(usernames)
    shown = "、".join(usernames[:MAX_NAMES_IN_MESSAGE])
    if len(usernames) > MAX_NAMES_IN_MESSAGE:
        shown += _("等 %(count)d 个") % {"count": len(usernames)}
    return shown


def _reading_users(check: Callable[[], list[CheckMessage]]) -> list[CheckMessage]:
    """Runs a check that reads the database; before `migrate` (no table) or without a reachable
    database there is nothing to check yet. The savepoint keeps a PostgreSQL transaction usable."""
    try:
        with transaction.atomic():
            return check()
    except DatabaseError:
        return []


def _active_users():
    from .models import User

    return User.objects.filter(is_active=True)


@register(Tags.security, deploy=True)
def two_factor_in_production(app_configs, **kwargs):
    if getattr(settings, "PRODUCTION", False) and not settings.SAFEGRID_REQUIRE_2FA:
        return [
            Warning(
                "生产环境未启用双因素认证：县级和管理员账号应使用 TOTP 二次验证（SECURITY.md A6）。",
                hint="设置环境变量 SAFEGRID_REQUIRE_2FA=true。",
                id="safegrid.accounts.W001",
            )
        ]
    return []


@register(Tags.security)
def password_policy_values(app_configs, **kwargs):
    errors = []
    if settings.SAFEGRID_PASSWORD_MAX_AGE_DAYS < 0:
        errors.append(
            Warning(
                "SAFEGRID_PASSWORD_MAX_AGE_DAYS 不能为负数（0 表示密码不过期）。", id="safegrid.accounts.W002"
            )
        )
    return errors


def _demo_usernames() -> tuple[str, ...]:
    from safegrid.demo.county import DEMO_USERNAMES

    return tuple(DEMO_USERNAMES)


def _accounts_with_default_password() -> list[str]:
    candidates = _active_users().filter(username__in=(*DEFAULT_ACCOUNT_NAMES, *_demo_usernames()))
    demo_password = getattr(settings, "SAFEGRID_DEMO_PASSWORD", "")
    tried: dict[tuple[str, str], bool] = {}  # (stored hash, guess): the demo accounts share one hash

    def matches(encoded: str, guess: str) -> bool:
        if (encoded, guess) not in tried:
            tried[encoded, guess] = check_password(guess, encoded)
        return tried[encoded, guess]

    found = []
    for username, encoded in candidates.order_by("username").values_list("username", "password"):
        if username in DEFAULT_ACCOUNT_NAMES:
            guesses = (username, *DEFAULT_PASSWORDS)
        else:
            guesses = (demo_password,) if demo_password else ()
        if any(matches(encoded, guess) for guess in guesses):
            found.append(username)
    return found


@register(Tags.security, deploy=True)
def default_accounts(app_configs, **kwargs):
    """A4 / 访问控制 b: default accounts must be renamed or removed, default passwords changed."""

    def check():
        found = _accounts_with_default_password()
        if not found:
            return []
        return [
            Warning(
                _(
                    "以下启用中的账号仍使用默认口令（与用户名相同、常见默认口令或演示口令）：%(names)s。"
                    "默认账号应删除或停用，默认口令必须修改（SECURITY.md A4）。"
                )
                % {"names": _names(found)},
                hint=_(
                    "由安全管理员为这些账号重设符合口令策略的新口令，或停用账号。检查范围：用户名为 "
                    "%(accounts)s 的账号和演示账号。"
                )
                % {"accounts": "、".join(DEFAULT_ACCOUNT_NAMES)},
                id="safegrid.accounts.W003",
            )
        ]

    return _reading_users(check)


@register(Tags.security, deploy=True)
def no_superusers(app_configs, **kwargs):
    """C7 / 三员分立: no account may bypass the three separated administrator roles."""

    def check():
        found = list(
            _active_users().filter(is_superuser=True).order_by("username").values_list("username", flat=True)
        )
        if not found:
            return []
        return [
            Warning(
                _(
                    "存在启用中的超级用户账号：%(names)s。三员分立要求生产环境不设超级用户，"
                    "超级用户可绕过系统管理员、安全管理员和审计管理员的权限划分（SECURITY.md C7）。"
                )
                % {"names": _names(found)},
                hint=_("取消这些账号的超级用户标记或停用账号，管理工作由三个管理员角色分别承担。"),
                id="safegrid.accounts.W004",
            )
        ]

    return _reading_users(check)


def dormant_days() -> int:
    return int(getattr(settings, "SAFEGRID_ACCOUNT_DORMANT_DAYS", DEFAULT_DORMANT_DAYS))


@register(Tags.security, deploy=True)
def no_dormant_accounts(app_configs, **kwargs):
    """A4 / 访问控制 c: redundant and expired accounts are disabled in time. The user model has no
    validity end date, and an old password is handled by the forced change (A3); an account is
    expired here when it is active but unused — last sign-in (or, never signed in, its creation)
    more than SAFEGRID_ACCOUNT_DORMANT_DAYS ago (0 turns the check off)."""
    days = dormant_days()
    if days <= 0:
        return []

    def check():
        cutoff = timezone.now() - datetime.timedelta(days=days)
        found = list(
            _active_users()
            .annotate(last_seen=Coalesce("last_login", "date_joined"))
            .filter(last_seen__lt=cutoff)
            .order_by("username")
            .values_list("username", flat=True)
        )
        if not found:
            return []
        return [
            Warning(
                _(
                    "以下启用中的账号已超过 %(days)d 天未登录：%(names)s。"
                    "多余或过期的账号应及时停用（SECURITY.md A4）。"
                )
                % {"days": days, "names": _names(found)},
                hint=_("核实后由安全管理员停用这些账号；期限由 SAFEGRID_ACCOUNT_DORMANT_DAYS 设置。"),
                id="safegrid.accounts.W005",
            )
        ]

    return _reading_users(check)


def _phone_key() -> str:
    """The column that is equal for equal phones: the phone's blind index where the phone is stored
    encrypted (SECURITY.md D1: two ciphertexts of one phone differ), else the phone itself."""
    from .models import User

    for field in User._meta.concrete_fields:
        if getattr(field, "source", None) == "phone":
            return field.attname
    return "phone"


@register(Tags.security, deploy=True)
def no_shared_phones(app_configs, **kwargs):
    """A4 / 访问控制 c: one person, one account. Two active accounts registered to the same phone are
    one person holding two accounts (which would also defeat 三员分立) or one account's holders
    split over several. The phone itself stays out of the message (log hygiene, SECURITY.md L6)."""

    def check():
        key = _phone_key()
        shared = (
            _active_users()
            .exclude(**{key: ""})
            .exclude(**{f"{key}__isnull": True})
            .values(key)
            .annotate(accounts=Count("id"))
            .filter(accounts__gt=1)
            .values_list(key, flat=True)
        )
        groups: dict[str, list[str]] = {}
        for phone, username in (
            _active_users()
            .filter(**{f"{key}__in": list(shared)})
            .order_by("username")
            .values_list(key, "username")
        ):
            groups.setdefault(phone, []).append(username)
        if not groups:
            return []
        described = sorted("、".join(names) for names in groups.values())
        return [
            Warning(
                _(
                    "以下启用中的账号登记了相同的手机号，可能是一人多号或多人共用账号：%(groups)s。"
                    "每人只应有一个账号，账号不得共用（SECURITY.md A4）。"
                )
                % {"groups": "；".join(described[:MAX_NAMES_IN_MESSAGE])},
                hint=_("核实账号持有人，停用多余的账号，或更正登记的手机号。"),
                id="safegrid.accounts.W006",
            )
        ]

    return _reading_users(check)
