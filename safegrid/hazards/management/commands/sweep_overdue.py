import datetime

from django.core.management.base import BaseCommand, CommandError

from safegrid.hazards.services import hazard_sweep_overdue


class Command(BaseCommand):
    help = "逾期隐患扫描：超过宽限期仍未整改的隐患自动提级并发出督办通知（可重复运行，结果不变）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期扫描（YYYY-MM-DD），默认今天")
        parser.add_argument("--grace-days", type=int, help="宽限天数，默认取 SAFEGRID_OVERDUE_GRACE_DAYS")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD。") from exc
        grace = options.get("grace_days")
        if grace is not None and grace < 0:
            raise CommandError("宽限天数不能为负数。")
        result = hazard_sweep_overdue(today=today, grace_days=grace)
        self.stdout.write(f"逾期扫描完成：提级 {result['escalated']} 条，督办通知 {result['noticed']} 条。")
