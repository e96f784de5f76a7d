"""`manage.py restore_db <file> [--clean] [--no-owner]`: load a backup made by `backup_db` into the
configured database. PostgreSQL: pg_restore --single-transaction --exit-on-error (all or nothing);
SQLite: the backup API. The target must be empty unless --clean is given. Afterwards run
`verify_backup <file>.manifest.json`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safegrid.ops.backup import BackupError, manifest_path, restore


class Command(BaseCommand):
    help = "把 backup_db 生成的备份恢复到当前配置的数据库（须为空库，或加 --clean）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="备份文件路径")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")
        parser.add_argument("--clean", action="store_true", help="先清除目标数据库中的同名对象")
        parser.add_argument(
            "--no-owner",
            action="store_true",
            help="PostgreSQL：不恢复对象属主和授权（恢复到另一套角色时用）",
        )

    def handle(self, *args, file: str, database: str, clean: bool, no_owner: bool, **options) -> None:
        try:
            seconds = restore(Path(file), alias=database, clean=clean, no_owner=no_owner)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("恢复完成，用时 %(seconds).3f 秒。") % {"seconds": seconds})
        manifest = manifest_path(Path(file).resolve())
        if manifest.exists():
            self.stdout.write(_("请运行 verify_backup %(manifest)s 核对。") % {"manifest": manifest})
