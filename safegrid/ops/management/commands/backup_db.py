"""`manage.py backup_db <file>`: back up the database (PostgreSQL: pg_dump -Fc; SQLite: the backup API)
and write `<file>.manifest.json` beside it (per-table row counts and SM3 checksums, media file
hashes, audit chain state) for `verify_backup`. Media files themselves are copied by the file-level
backup of SAFEGRID_MEDIA_ROOT; the manifest says what that copy must contain."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safegrid.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL 用 pg_dump -Fc，SQLite 用备份接口），"
        "并在旁边写出逐表行数与 SM3 校验和的清单。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="备份文件路径")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, file: str, database: str, **options) -> None:
        try:
            result = backup(Path(file), alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("备份完成：%(tables)s 张表、%(rows)s 行，媒体文件 %(media)s 个，用时 %(seconds).2f 秒。")
            % {
                "tables": result.tables,
                "rows": result.rows,
                "media": result.media_files,
                "seconds": result.seconds,
            }
        )
        self.stdout.write(_("备份文件：%(file)s") % {"file": result.file})
        self.stdout.write(_("清单文件：%(file)s") % {"file": result.manifest})
