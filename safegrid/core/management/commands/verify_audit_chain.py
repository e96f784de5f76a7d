"""`manage.py verify_audit_chain`: recompute the audit trail's HMAC-SM3 chain (SECURITY.md L3).

Exit 0 with "审计链完整：N 条记录", or exit 1 naming the id of the first row whose digest or
prev_digest does not match. Streams the table in id order (memory flat); run it nightly and after
every restore (H5)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safegrid.core.audit import verify_chain


class Command(BaseCommand):
    help = _("校验审计记录的 HMAC-SM3 哈希链，报告第一处断点。")

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help=_("数据库别名。"))

    def handle(self, *args, **options):
        report = verify_chain(using=options["database"])
        if not report.ok:
            raise CommandError(
                _("审计链断裂：第一处断点在记录 #%(id)s（%(reason)s）。已校验 %(count)s 条记录。")
                % {"id": report.broken_id, "reason": report.reason, "count": report.count},
                returncode=1,
            )
        self.stdout.write(_("审计链完整：%(count)s 条记录") % {"count": report.count})
