"""System checks of the core app (run by `manage.py check`, `runserver`, `migrate` and the deploy
gate): the audit retention must meet the legal minimum (SECURITY.md L5)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

MINIMUM_RETENTION_DAYS = 180


@checks.register(checks.Tags.security)
def audit_retention_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    days = getattr(settings, "SAFEGRID_AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)
    if isinstance(days, int) and days >= MINIMUM_RETENTION_DAYS:
        return []
    return [
        checks.Error(
            _(
                "审计记录保存期限为 %(days)s 天，少于 180 天，"
                "不符合《网络安全法》第二十一条（网络日志留存不少于六个月）。"
            )
            % {"days": days},
            hint=_("将 SAFEGRID_AUDIT_RETENTION_DAYS 设为 180 或更大。"),
            id="safegrid.core.E001",
        )
    ]
