"""`manage.py seed_demo [--seed N] [--if-empty | --force]`: build the demo county (崇义县) and its
last year of activity (inspections, hazards, enforcement documents and penalties up to today).

Without flags the command only writes into an empty database. `--if-empty` (used by `make run`)
quietly does nothing when regions already exist; `--force` first deletes the demo tables (never
allowed with SAFEGRID_ENV=production).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from safegrid.demo.county import DEFAULT_SEED, build_demo_county, demo_database_is_empty, wipe_demo_county


class Command(BaseCommand):
    help = (
        "生成演示县（崇义县）的区划、网格、行业领域、组织机构、场所和演示账号，以及截至今天一年的检查、"
        "隐患和执法记录；相同种子、同一天生成相同数据。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--if-empty", action="store_true", help="数据库中已有区划时不做任何事")
        mode.add_argument(
            "--force",
            action="store_true",
            help="先清除已有的执法文书、隐患、检查记录、区划、场所、组织机构和演示账号再生成",
        )

    def handle(self, *args, seed: int, if_empty: bool, force: bool, **options) -> None:
        if force and getattr(settings, "PRODUCTION", False):
            raise CommandError("生产环境（SAFEGRID_ENV=production）不允许使用 --force 清除数据。")
        with transaction.atomic():
            if not demo_database_is_empty():
                if if_empty:
                    self.stdout.write("数据库中已有区划数据，跳过演示数据生成。")
                    return
                if not force:
                    raise CommandError(
                        "数据库中已有区划或演示账号，未生成演示数据。"
                        "如确需清除后重新生成，请加 --force"
                        "（将删除全部区划、场所、组织机构、角色授权和演示账号）。"
                    )
                try:
                    wipe_demo_county()
                except ProtectedError as exc:
                    raise CommandError(
                        "已有其他记录（如演示账号的审计记录）引用这些区划、场所或账号，无法自动清除；"
                        "请换用一个空数据库后重新运行 migrate 和 seed_demo。"
                    ) from exc
                except IntegrityError as exc:
                    # PostgreSQL refuses to delete issued enforcement documents (SECURITY.md D4).
                    raise CommandError(
                        "数据库拒绝删除已签发的执法文书（防篡改保护），无法自动清除；"
                        "请换用一个空数据库后重新运行 migrate 和 seed_demo。"
                    ) from exc
                self.stdout.write("已清除原有演示数据。")
            build_demo_county(seed=seed, stdout=self.stdout, activity=True)
