"""`manage.py purge_personal_data`: erase the ID numbers and phones of people who left more than
SAFEGRID_PERSON_RETENTION_DAYS days ago (SECURITY.md D6) and record "person.purge". Runs nightly
as the task `safegrid.people.tasks.purge_personal_data`; `--dry-run` only counts."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safegrid.people import retention
from safegrid.people.services import person_purge_expired


class Command(BaseCommand):
    help = _("删除离岗超过保存期限人员的身份证号和手机号码（保留姓名及培训、证书等记录）。")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("只统计应删除的人数，不作修改。"))

    def handle(self, *args, **options):
        days = retention.retention_days()
        if not isinstance(days, int) or days < retention.MINIMUM_RETENTION_DAYS:
            # The service refuses as well; the dry run says so too rather than count with it.
            raise CommandError(
                _("离岗人员个人信息保存期限少于 %(minimum)s 天，拒绝删除。")
                % {"minimum": retention.MINIMUM_RETENTION_DAYS},
                returncode=1,
            )
        if options["dry_run"]:
            day = retention.cutoff()
            count = retention.past_retention(day).count()
            self.stdout.write(
                _(
                    "试运行：%(count)s 名人员在 %(cutoff)s 之前离岗，个人信息应删除"
                    "（保存期限 %(days)s 天），未作修改。"
                )
                % {"count": count, "cutoff": day.isoformat(), "days": days}
            )
            return
        result = person_purge_expired(actor=None)
        self.stdout.write(
            _("已删除 %(count)s 名在 %(cutoff)s 之前离岗人员的身份证号和手机号码（保存期限 %(days)s 天）。")
            % {"count": result.count, "cutoff": result.cutoff.isoformat(), "days": days}
        )
