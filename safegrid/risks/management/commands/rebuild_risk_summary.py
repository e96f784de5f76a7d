from django.core.management.base import BaseCommand, CommandError

from safegrid.risks import summary


class Command(BaseCommand):
    help = (
        "重建场所风险点汇总（场所 × 区划 × 行业领域，按风险等级计数）：按现有风险点重新计算。"
        "--check 只核对汇总与风险点是否一致，不一致时以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对，不重建")

    def handle(self, *args, **options):
        if not options["check"]:
            rows = summary.rebuild()
            self.stdout.write(f"场所风险点汇总已重建：{rows} 行。")
            return
        differences = summary.differences()
        if not differences:
            self.stdout.write("场所风险点汇总与风险点一致。")
            return
        for (site_id, path, sector_id), (stored, computed) in list(differences.items())[:20]:
            self.stdout.write(f"场所 {site_id} {path} 行业领域 {sector_id}：汇总 {stored}，应为 {computed}")
        count = len(differences)
        raise CommandError(f"场所风险点汇总与风险点不一致：{count} 行。请重建（rebuild_risk_summary）。")
