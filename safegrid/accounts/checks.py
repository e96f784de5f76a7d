"""System checks of the sign-in policy (run by `manage.py check --deploy` in the deploy gate)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
