"""`manage.py generate_province [--scale 1.0] [--seed N] [--today YYYY-MM-DD]`: fill an empty migrated
database with a synthetic province for benchmarks (safegrid/demo/province.py).

It only ever writes into an empty database (no regions, sites, accounts or business rows): it never
mixes with the demo county or real data, and offers no --force (wiping millions of rows is a
`dropdb`/`createdb`/`migrate` away, and much faster).
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from safegrid.demo.province import DEFAULT_SEED, ProvinceError, generate_province


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期“{value}”无效，应为 YYYY-MM-DD 格式。") from exc


class Command(BaseCommand):
    help = (
        "在空数据库中生成模拟省份（规模 1.0：100 个县、约 9,600 个网格、10 万个场所、"
        "150 万条隐患及约 750 万条处置记录、100 万个风险点、20 万名人员）；"
        "相同随机种子、规模和截止日期生成相同数据。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=0.01, help="规模（1.0 为全省规模，默认 0.01）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument("--today", type=str, default="", help="数据截止日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args, scale: float, seed: int, today: str, **options) -> None:
        try:
            day = _date(today) if today else None
            generate_province(scale=scale, seed=seed, today=day, out=self.stdout)
        except ProvinceError as exc:
            raise CommandError(str(exc)) from exc
