"""System checks of the people module (run by `manage.py check`, `runserver`, `migrate` and the
deploy gate): the retention of the personal numbers of people who left (SECURITY.md D6)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

from .retention import DEFAULT_RETENTION_DAYS, MINIMUM_RETENTION_DAYS


@checks.register(checks.Tags.security)
def person_retention_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    days = getattr(settings, "SAFEGRID_PERSON_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    if isinstance(days, int) and not isinstance(days, bool) and days >= MINIMUM_RETENTION_DAYS:
        return []
    return [
        checks.Error(
            _(
                "离岗人员个人信息保存期限为 %(days)s 天，少于 %(minimum)s 天：离岗不足一年即删除身份证号和"
                "手机号码，会妨碍证书核查和事故追溯。"
            )
            % {"days": days, "minimum": MINIMUM_RETENTION_DAYS},
            hint=_(
                "将 SAFEGRID_PERSON_RETENTION_DAYS 设为 %(minimum)s 或更大"
                "（默认 %(default)s 天，即离岗后三年）。"
            )
            % {"minimum": MINIMUM_RETENTION_DAYS, "default": DEFAULT_RETENTION_DAYS},
            id="safegrid.people.E001",
        )
    ]
