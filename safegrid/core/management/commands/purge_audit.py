"""`manage.py purge_audit`: delete audit rows older than SAFEGRID_AUDIT_RETENTION_DAYS (>= 180;
SECURITY.md L5) and record the purge as "audit.purge". The only path that deletes audit rows; on
PostgreSQL run it as the audit table's owner (the migration role), not as the application role."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from safegrid.core.audit import PurgeRefused, purge_expired, retention_days
from safegrid.core.checks import MINIMUM_RETENTION_DAYS


class Command(BaseCommand):
    help = _("清理超过保存期限的审计记录（保存期限不少于 180 天）。")

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help=_("数据库别名。"))

    def handle(self, *args, **options):
        days = retention_days()
        if days < MINIMUM_RETENTION_DAYS:
            # The system check stops the deploy; this stops a hand-run purge as well.
            raise CommandError(_("审计记录保存期限少于 180 天，拒绝清理。"), returncode=1)
        try:
            result = purge_expired(using=options["database"])
        except PurgeRefused as exc:
            raise CommandError(str(exc), returncode=1) from exc
        cutoff = timezone.localtime(result.cutoff)
        self.stdout.write(
            _("已清理 %(count)s 条早于 %(cutoff)s 的审计记录（保存期限 %(days)s 天）。")
            % {"count": result.count, "cutoff": f"{cutoff:%Y-%m-%d %H:%M:%S}", "days": days}
        )
