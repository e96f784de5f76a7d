from django.core.management.base import BaseCommand, CommandError

from safegrid.hazards import tally


class Command(BaseCommand):
    help = (
        "重建隐患月度汇总（县 × 行业领域 × 月）：按现有隐患重新计算。"
        "--check 只核对汇总与隐患是否一致，不一致时以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对，不重建")

    def handle(self, *args, **options):
        if not options["check"]:
            rows = tally.rebuild()
            self.stdout.write(f"隐患月度汇总已重建：{rows} 行。")
            return
        differences = tally.tally_differences()
        if not differences:
            self.stdout.write("隐患月度汇总与隐患一致。")
            return
        for (path, sector_id, month), (stored, computed) in list(differences.items())[:20]:
            self.stdout.write(f"{path} 行业领域 {sector_id} {month:%Y-%m}：汇总 {stored}，应为 {computed}")
        count = len(differences)
        raise CommandError(f"隐患月度汇总与隐患不一致：{count} 行。请重建（rebuild_hazard_tally）。")
